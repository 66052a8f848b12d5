/** What one SSE `data:` payload of an OpenAI-compatible stream carries, as far as metrics care. */
export interface StreamChunk {
  /** `[DONE]` sentinel. */
  readonly done: boolean;
  /** Non-empty content, reasoning or tool-call delta (chat) or non-empty `text` (completions). */
  readonly hasContent: boolean;
  /** The content text, for tokenizer fallback counting ("" when none or tool calls only). */
  readonly text: string;
  /** The reply text a chat client keeps in the conversation: `delta.content` or completions `text` only (no reasoning). */
  readonly reply: string;
  readonly finishReason: string | null;
  readonly completionTokens: number | null;
  readonly promptTokens: number | null;
  readonly cachedPromptTokens: number | null;
  /** An error object in the stream (`{"error": …}`), or unparseable JSON — whole: the caller redacts, then truncates. */
  readonly error: string | null;
}

const doneChunk: StreamChunk = { done: true, hasContent: false, text: "", reply: "", finishReason: null, completionTokens: null, promptTokens: null, cachedPromptTokens: null, error: null };

type Json = Record<string, unknown>;

const _isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;
const _nonEmptyString = (value: unknown): value is string => typeof value === "string" && value.length > 0;
const _count = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

/**
 * Reads one SSE data payload. A chunk counts as content-bearing only for a non-empty
 * `delta.content`, `delta.reasoning_content` / `delta.reasoning`, a non-empty `delta.tool_calls`,
 * or a non-empty completions `text`: role-only and empty chunks do not (docs/design.md §6 TTFT definition).
 */
export function readStreamChunk(data: string): StreamChunk {
  if (data === "[DONE]") return doneChunk;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { ...doneChunk, done: false, error: `unparseable JSON in stream: ${data}` };
  }
  if (!_isObject(parsed)) return { ...doneChunk, done: false, error: `unexpected stream payload: ${data}` };
  if (parsed.error !== undefined && parsed.error !== null) {
    const error = parsed.error;
    const message = _isObject(error) && typeof error.message === "string" ? error.message : typeof error === "string" ? error : JSON.stringify(error);
    return { ...doneChunk, done: false, error: message };
  }
  let hasContent = false;
  let text = "";
  let reply = "";
  let finishReason: string | null = null;
  const choices = parsed.choices;
  if (Array.isArray(choices) && choices.length > 0) {
    const choice: unknown = choices[0];
    if (_isObject(choice)) {
      if (typeof choice.finish_reason === "string") finishReason = choice.finish_reason;
      const delta = choice.delta;
      if (_isObject(delta)) {
        if (_nonEmptyString(delta.content)) {
          hasContent = true;
          text = delta.content;
          reply = delta.content;
        }
        if (_nonEmptyString(delta.reasoning_content)) {
          hasContent = true;
          text += delta.reasoning_content;
        } else if (_nonEmptyString(delta.reasoning)) {
          hasContent = true;
          text += delta.reasoning;
        }
        if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) hasContent = true;
      } else if (_nonEmptyString(choice.text)) {
        hasContent = true;
        text = choice.text;
        reply = choice.text;
      }
    }
  }
  const usage = parsed.usage;
  let completionTokens: number | null = null;
  let promptTokens: number | null = null;
  let cachedPromptTokens: number | null = null;
  if (_isObject(usage)) {
    completionTokens = _count(usage.completion_tokens);
    promptTokens = _count(usage.prompt_tokens);
    const details = usage.prompt_tokens_details;
    if (_isObject(details)) cachedPromptTokens = _count(details.cached_tokens);
  }
  return { done: false, hasContent, text, reply, finishReason, completionTokens, promptTokens, cachedPromptTokens, error: null };
}
