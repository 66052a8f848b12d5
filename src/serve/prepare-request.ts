import { createHash } from "node:crypto";
import type { CompletionKind } from "./completion-payloads.js";
import { chatTokensPerMessage, countChatPromptTokens, countTextTokens } from "./count-prompt-tokens.js";
import { chatCompletionBodySchema, completionBodySchema, type ChatMessage, type CommonFields } from "./openai-schemas.js";
import { validationError, type OpenAiError } from "./openai-error.js";
import type { ModelLimits } from "./model-limits.js";
import type { ServedRequest } from "./realtime-fleet.js";

/** Output length when the body names neither max_completion_tokens nor max_tokens. */
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

const hashOf = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 32);

/**
 * Leading system/developer messages are the shared prefix (a system prompt reused across
 * requests hits the prefix cache); other prompts are unique to their request.
 */
function chatPrefix(model: string, messages: readonly ChatMessage[]): { group: string | null; tokens: number } {
  const leading: ChatMessage[] = [];
  for (const message of messages) {
    if (message.role !== "system" && message.role !== "developer") break;
    leading.push(message);
  }
  if (leading.length === 0 || leading.length === messages.length) return { group: null, tokens: 0 };
  const tokens = leading.reduce((sum, message) => sum + countTextTokens(messageText(message)) + chatTokensPerMessage, 0);
  return { group: hashOf(JSON.stringify([model, leading.map((message) => [message.role, messageText(message)])])), tokens };
}

const invalid = (httpStatus: number, message: string, param: string | null, code: string): PrepareResult => ({ ok: false, httpStatus, error: { message, type: "invalid_request_error", param, code } });

/** Validates a completion or chat body, counts its prompt tokens and checks it fits the model's replicas. */
export function prepareRequest(kind: CompletionKind, body: unknown, catalog: ModelCatalogView): PrepareResult {
  let fields: CommonFields;
  let promptTokens: number;
  let prefix: { group: string | null; tokens: number } = { group: null, tokens: 0 };
  const promptField = kind === "chat" ? "messages" : "prompt";
  if (kind === "chat") {
    const parsed = chatCompletionBodySchema.safeParse(body);
    if (!parsed.success) return { ok: false, httpStatus: 400, error: validationError(parsed.error.issues) };
    fields = parsed.data;
    const { messages } = parsed.data;
    promptTokens = countChatPromptTokens(messages.map((message) => ({ text: messageText(message), hasName: message.name !== undefined })));
    prefix = chatPrefix(fields.model ?? catalog.models[0] ?? "", messages);
  } else {
    const parsed = completionBodySchema.safeParse(body);
    if (!parsed.success) return { ok: false, httpStatus: 400, error: validationError(parsed.error.issues) };
    fields = parsed.data;
    const { prompt } = parsed.data;
    promptTokens = typeof prompt === "string" ? countTextTokens(prompt) : prompt.length;
    if (promptTokens === 0) return invalid(400, "prompt is empty; send at least one token.", "prompt", "invalid_value");
  }
  const model = fields.model ?? catalog.models[0] ?? "";
  const limits = catalog.limits(model);
  if (!limits) return invalid(404, `The model \`${model}\` does not exist (served: ${catalog.models.join(", ")}).`, "model", "model_not_found");
  const maxTokensField = fields.max_completion_tokens !== null && fields.max_completion_tokens !== undefined ? "max_completion_tokens" : "max_tokens";
  const outputTokens = fields.max_completion_tokens ?? fields.max_tokens ?? defaultMaxTokens;
  const total = promptTokens + outputTokens;
  if (total > limits.maxTotalTokens) {
    const param = promptTokens >= limits.maxTotalTokens ? promptField : maxTokensField;
    return invalid(400, `This model's replicas hold at most ${limits.maxTotalTokens} tokens of KV cache per request; you requested ${total} (${promptTokens} in the ${promptField}, ${outputTokens} in the completion). Shorten the ${promptField} or lower ${maxTokensField}.`, param, "context_length_exceeded");
  }
  if (total > limits.maxPrefillTokens) {
    return invalid(400, `Without chunked prefill a request must fit one step's token budget of ${limits.maxPrefillTokens} (a preempted request re-prefills prompt + output); you requested ${total}. Lower ${maxTokensField} or shorten the ${promptField}.`, maxTokensField, "context_length_exceeded");
  }
  return {
    ok: true,
    request: {
      served: { model, promptTokens, outputTokens, userId: fields.user ?? "anonymous", prefixGroup: prefix.group, prefixTokens: prefix.tokens },
      stream: fields.stream === true,
      includeUsage: fields.stream_options?.include_usage === true,
    },
  };
}
