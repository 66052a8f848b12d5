/** The usage counts a stream reported, beside what the client saw of it. */
export interface ReportedUsage {
  readonly completionTokens: number | null;
  readonly promptTokens: number | null;
  readonly cachedPromptTokens: number | null;
  /** Content-bearing events the client counted in the same stream. */
  readonly contentEvents: number;
  /** The request's max_tokens: a server may not generate more (OpenAI API semantics). */
  readonly maxOutputTokens: number;
}

/** Largest prompt a usage block may report: ten times the longest context window served today (10M tokens). */
export const maxPlausiblePromptTokens = 100_000_000;

const _whole = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/**
 * Why the stream's usage block cannot be true, or null when it can. A server's counts are taken
 * only when they are whole numbers ≥ 0, completion_tokens is at most max_tokens and at least 1
 * when content was streamed, and cached prompt tokens do not exceed the prompt. Impossible counts
 * would otherwise give negative or absurd token rates and costs per token (issue #18 item 7).
 */
export function usageProblem(usage: ReportedUsage): string | null {
  const { completionTokens, promptTokens, cachedPromptTokens } = usage;
  if (completionTokens !== null) {
    if (!_whole(completionTokens)) return `usage.completion_tokens ${completionTokens} is not a whole number ≥ 0`;
    if (completionTokens > usage.maxOutputTokens) return `usage.completion_tokens ${completionTokens} exceeds the request's max_tokens ${usage.maxOutputTokens}`;
    if (completionTokens === 0 && usage.contentEvents > 0) return `usage.completion_tokens is 0 but the stream carried ${usage.contentEvents} content events`;
  }
  if (promptTokens !== null && (!_whole(promptTokens) || promptTokens > maxPlausiblePromptTokens)) return `usage.prompt_tokens ${promptTokens} is not a whole number between 0 and ${maxPlausiblePromptTokens}`;
  if (cachedPromptTokens !== null) {
    if (!_whole(cachedPromptTokens)) return `usage.prompt_tokens_details.cached_tokens ${cachedPromptTokens} is not a whole number ≥ 0`;
    if (promptTokens !== null && cachedPromptTokens > promptTokens) return `usage.prompt_tokens_details.cached_tokens ${cachedPromptTokens} exceeds usage.prompt_tokens ${promptTokens}`;
  }
  return null;
}
