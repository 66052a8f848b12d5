import type { CompletionKind } from "./completion-payloads.js";
import { chatPromptTokenIds, textTokenIds } from "./count-prompt-tokens.js";
import { chatCompletionBodySchema, completionBodySchema, type ChatMessage, type CommonFields } from "./openai-schemas.js";
import { contextLengthError, validationError, type OpenAiError } from "./openai-error.js";
import type { ModelLimits } from "./model-limits.js";
import { promptBlockKeys } from "./prompt-block-keys.js";
import type { ServedRequest } from "./realtime-fleet.js";

/**
 * Output length when the body names neither max_completion_tokens nor max_tokens, capped at what
 * the context leaves after the prompt (vLLM defaults max_tokens to that remainder; the simulator
 * has no end-of-sequence token, so a smaller default keeps unbounded requests short).
 */
export const defaultMaxTokens = 256;

/** A validated request, ready to submit. */
export interface PreparedRequest {
  readonly served: ServedRequest;
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

export type PrepareResult = { readonly ok: true; readonly request: PreparedRequest } | { readonly ok: false; readonly httpStatus: number; readonly error: OpenAiError };

/** What the fleet tells the edge about models. */
export interface ModelCatalogView {
  readonly models: readonly string[];
  limits(model: string): ModelLimits | undefined;
}

const messageText = (message: ChatMessage): string =>
  typeof message.content === "string" ? message.content : Array.isArray(message.content) ? message.content.map((part) => part.text).join("") : "";

const invalid = (httpStatus: number, message: string, param: string | null, code: string): PrepareResult => ({ ok: false, httpStatus, error: { message, type: "invalid_request_error", param, code } });

/** The body's common fields and its prompt as token ids, or the 400 it earns. */
function parseBody(kind: CompletionKind, body: unknown): { ok: true; fields: CommonFields; tokenIds: number[] } | { ok: false; result: PrepareResult } {
  if (kind === "chat") {
    const parsed = chatCompletionBodySchema.safeParse(body);
    if (!parsed.success) return { ok: false, result: { ok: false, httpStatus: 400, error: validationError(parsed.error.issues) } };
    const messages = parsed.data.messages.map((message) => ({ role: message.role, text: messageText(message), hasName: message.name !== undefined, ...(message.name === undefined ? {} : { name: message.name }) }));
    return { ok: true, fields: parsed.data, tokenIds: chatPromptTokenIds(messages) };
  }
  const parsed = completionBodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, result: { ok: false, httpStatus: 400, error: validationError(parsed.error.issues) } };
  const { prompt } = parsed.data;
  const tokenIds = typeof prompt === "string" ? textTokenIds(prompt) : prompt;
  if (tokenIds.length === 0) return { ok: false, result: invalid(400, "prompt is empty; send at least one token.", "prompt", "invalid_value") };
  return { ok: true, fields: parsed.data, tokenIds };
}

/**
 * Validates a completion or chat body, tokenizes its prompt, checks it against the model's
 * context length (vLLM's max_model_len) and keys its full blocks for the prefix cache by chained
 * hashes of the whole prompt's tokens, as vLLM does — shared system prompts, few-shot prefixes
 * and a conversation's history all hit the cache.
 */
export function prepareRequest(kind: CompletionKind, body: unknown, catalog: ModelCatalogView): PrepareResult {
  const parsed = parseBody(kind, body);
  if (!parsed.ok) return parsed.result;
  const { fields, tokenIds } = parsed;
  const promptField = kind === "chat" ? "messages" : "prompt";
  const promptTokens = tokenIds.length;
  const model = fields.model ?? catalog.models[0] ?? "";
  const limits = catalog.limits(model);
  if (!limits) return invalid(404, `The model \`${model}\` does not exist (served: ${catalog.models.join(", ")}).`, "model", "model_not_found");
  const maxTokensField = fields.max_completion_tokens !== null && fields.max_completion_tokens !== undefined ? "max_completion_tokens" : "max_tokens";
  const outputTokens = fields.max_completion_tokens ?? fields.max_tokens ?? Math.max(1, Math.min(defaultMaxTokens, limits.maxModelLenTokens - promptTokens));
  const total = promptTokens + outputTokens;
  if (promptTokens >= limits.maxModelLenTokens || total > limits.maxModelLenTokens) {
    return { ok: false, httpStatus: 400, error: contextLengthError(limits.maxModelLenTokens, promptTokens, outputTokens) };
  }
  if (total > limits.maxPrefillTokens) {
    return invalid(400, `Without chunked prefill a request must fit one step's token budget of ${limits.maxPrefillTokens} (a preempted request re-prefills prompt + output); you requested ${total}. Lower ${maxTokensField} or shorten the ${promptField}.`, maxTokensField, "context_length_exceeded");
  }
  return {
    ok: true,
    request: {
      served: { model, promptTokens, outputTokens, userId: fields.user ?? "anonymous", promptBlockKeys: promptBlockKeys(tokenIds, limits.blockSizeTokens) },
      stream: fields.stream === true,
      includeUsage: fields.stream_options?.include_usage === true,
    },
  };
}
