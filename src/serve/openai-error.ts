import type { ServerResponse } from "node:http";
import type { z } from "zod";
import type { RequestStatus } from "../sim/log/request-record.js";

/** The OpenAI error envelope: `{ error: { message, type, param, code } }`. */
export interface OpenAiError {
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
  /** A string code (OpenAI) or the HTTP status (vLLM's own errors). */
  readonly code: string | number | null;
}

/** Sends an OpenAI-style error as JSON with `httpStatus`. */
export function sendError(response: ServerResponse, httpStatus: number, error: OpenAiError, headers: Readonly<Record<string, string>> = {}): void {
  const body = JSON.stringify({ error });
  response.writeHead(httpStatus, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  response.end(body);
}

/** A 400 listing every zod issue with its field path; `param` names the first field. */
export function validationError(issues: readonly z.core.$ZodIssue[]): OpenAiError {
  const where = (issue: z.core.$ZodIssue): string => issue.path.map(String).join(".") || "(body)";
  const first = issues[0];
  return {
    message: issues.map((issue) => `${where(issue)}: ${issue.message}`).join("; "),
    type: "invalid_request_error",
    param: first && first.path.length > 0 ? first.path.map(String).join(".") : null,
    code: "invalid_value",
  };
}

/**
 * vLLM's answer to a request beyond max_model_len (vllm/entrypoints/openai serving, v0.11+): a
 * BadRequestError whose message keeps vLLM's wording, so clients that parse it (to trim history)
 * work against the simulator as against vLLM. A prompt alone at or over the limit gets the
 * input-tokens message; prompt + max_tokens over it the total message.
 */
export function contextLengthError(maxModelLenTokens: number, promptTokens: number, outputTokens: number): OpenAiError {
  const head = `This model's maximum context length is ${maxModelLenTokens} tokens.`;
  const message =
    promptTokens >= maxModelLenTokens
      ? `${head} However, your request has ${promptTokens} input tokens. Please reduce the length of the input messages. (parameter=input_tokens, value=${promptTokens})`
      : `${head} However, you requested ${outputTokens} output tokens and your prompt contains ${promptTokens} input tokens, for a total of ${promptTokens + outputTokens} tokens. Please reduce the length of the input prompt or the number of requested output tokens. (parameter=input_tokens, value=${promptTokens + outputTokens})`;
  return { message, type: "BadRequestError", param: "input_tokens", code: 400 };
}

/** The error a simulated outcome maps to (503 for failed or dropped, 429 for rejected by admission). */
export function outcomeError(status: Exclude<RequestStatus, "ok">, httpStatus: number): OpenAiError {
  const message = {
    error: "The replica serving this request failed (simulated).",
    dropped: "The request waited longer than the pool's queue limit and was dropped (simulated).",
    rejected: "The request was rejected by admission control (simulated rate limit).",
    incomplete: "The request did not complete (simulated).",
  }[status];
  return { message, type: httpStatus === 429 ? "rate_limit_error" : "server_error", param: null, code: status === "rejected" ? "rate_limit_exceeded" : status };
}
