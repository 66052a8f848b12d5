import type { LoadApi } from "./endpoints.js";

/** One earlier exchange of a multi-turn session: the user's message and the reply actually streamed back. */
export interface ConversationTurn {
  readonly user: string;
  readonly assistant: string;
}

export interface RequestBodyOptions {
  readonly api: LoadApi;
  readonly model: string;
  readonly prompt: string;
  readonly maxOutputTokens: number;
  /** vLLM/SGLang `ignore_eos`, so the server generates exactly max_tokens. */
  readonly ignoreEos: boolean;
  /** Earlier turns of the session, oldest first; `prompt` is then the new user message. */
  readonly history?: readonly ConversationTurn[];
}

/**
 * The JSON body of a streaming OpenAI-compatible request: `max_tokens`, `ignore_eos` (where the
 * server allows it), `stream_options.include_usage` so output tokens come from the server's usage.
 * With history (a session follow-up), chat sends the conversation as alternating user/assistant
 * messages ending with the new user message; completions sends the concatenation of every
 * earlier prompt and completion text, then the new prompt (what a plain-text chat client does).
 */
export function buildRequestBody(options: RequestBodyOptions): string {
  const common = {
    model: options.model,
    max_tokens: options.maxOutputTokens,
    stream: true,
    stream_options: { include_usage: true },
    ...(options.ignoreEos ? { ignore_eos: true } : {}),
  };
  const history = options.history ?? [];
  if (options.api === "chat") {
    const earlier = history.flatMap((turn) => [
      { role: "user", content: turn.user },
      { role: "assistant", content: turn.assistant },
    ]);
    return JSON.stringify({ ...common, messages: [...earlier, { role: "user", content: options.prompt }] });
  }
  return JSON.stringify({ ...common, prompt: conversationText(history) + options.prompt });
}

/** The completions-API text of earlier turns: each prompt followed by its completion, in order. */
export function conversationText(history: readonly ConversationTurn[]): string {
  return history.map((turn) => turn.user + turn.assistant).join("");
}
