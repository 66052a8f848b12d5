/**
 * The JSON bodies and SSE chunks of the two completion endpoints, in OpenAI's shapes. The text is
 * filler: one " tok" word per generated token (one token each in o200k_base and cl100k_base).
 */
export type CompletionKind = "chat" | "text";

export const fillerToken = " tok";

/** The generated text for `tokens` tokens. */
export function fillerText(tokens: number): string {
  return fillerToken.repeat(tokens);
}

/** What every payload of one response shares. */
export interface ResponseMeta {
  readonly kind: CompletionKind;
  readonly id: string;
  readonly createdSeconds: number;
  readonly model: string;
}

/** The usage block; cached prompt tokens as vLLM reports them with prompt-token details on. */
export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details: { readonly cached_tokens: number };
}

/** Usage from prompt, completion and cached-prompt token counts. */
export function usageOf(promptTokens: number, completionTokens: number, cachedPromptTokens: number): Usage {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, prompt_tokens_details: { cached_tokens: cachedPromptTokens } };
}

const envelope = (meta: ResponseMeta, streaming: boolean) => ({
  id: meta.id,
  object: meta.kind === "chat" ? (streaming ? "chat.completion.chunk" : "chat.completion") : "text_completion",
  created: meta.createdSeconds,
  model: meta.model,
});

/** A streamed chunk: the assistant role (chat only), content, or the finish reason with an empty delta. */
export function streamChunk(meta: ResponseMeta, part: { readonly role?: true; readonly text?: string; readonly finishReason?: string }): object {
  const finish = part.finishReason ?? null;
  const choice =
    meta.kind === "chat"
      ? { index: 0, delta: { ...(part.role ? { role: "assistant" } : {}), ...(part.text !== undefined ? { content: part.text } : {}) }, logprobs: null, finish_reason: finish }
      : { index: 0, text: part.text ?? "", logprobs: null, finish_reason: finish };
  return { ...envelope(meta, true), choices: [choice] };
}

/** The last streamed chunk when the client asked for `stream_options.include_usage`: no choices, only usage. */
export function usageChunk(meta: ResponseMeta, usage: Usage): object {
  return { ...envelope(meta, true), choices: [], usage };
}

/** The whole response of a non-streaming request. */
export function completionBody(meta: ResponseMeta, text: string, finishReason: string, usage: Usage): object {
  const choice =
    meta.kind === "chat"
      ? { index: 0, message: { role: "assistant", content: text }, logprobs: null, finish_reason: finishReason }
      : { index: 0, text, logprobs: null, finish_reason: finishReason };
  return { ...envelope(meta, false), choices: [choice], usage };
}
