import type { LoadApi } from "./endpoints.js";

export interface RequestBodyOptions {
  readonly api: LoadApi;
  readonly model: string;
  readonly prompt: string;
  readonly maxOutputTokens: number;
  /** vLLM/SGLang `ignore_eos`, so the server generates exactly max_tokens. */
  readonly ignoreEos: boolean;
}

/**
 * The JSON body of a streaming OpenAI-compatible request: `max_tokens`, `ignore_eos` (where the
 * server allows it), `stream_options.include_usage` so output tokens come from the server's usage.
 */
export function buildRequestBody(options: RequestBodyOptions): string {
  const common = {
    model: options.model,
    max_tokens: options.maxOutputTokens,
    stream: true,
    stream_options: { include_usage: true },
    ...(options.ignoreEos ? { ignore_eos: true } : {}),
  };
  return JSON.stringify(options.api === "chat" ? { ...common, messages: [{ role: "user", content: options.prompt }] } : { ...common, prompt: options.prompt });
}
