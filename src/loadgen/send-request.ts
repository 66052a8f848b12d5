import { request, type Dispatcher } from "undici";
import { redactUrl } from "../io/redact-url.js";
import { redactSecret } from "./api-key.js";
import { usageProblem } from "./check-usage.js";
import { decideOutcome } from "./decide-outcome.js";
import type { LoadResult, OutputTokenSource, SessionTurnInfo } from "./load-result.js";
import { SseParser } from "./sse-parser.js";
import { readStreamChunk } from "./stream-chunk.js";

/** One request to send: its body and the workload facts recorded with it. */
export interface RequestPlan {
  readonly requestId: number;
  readonly label: string;
  readonly warmup: boolean;
  /** t_sched (ms, on the `now` clock); null in closed loop, where the intended time is t0 itself. */
  readonly scheduledMs: number | null;
  /** JSON request body. */
  readonly body: string;
  readonly promptTokens: number;
  readonly maxOutputTokens: number;
  readonly prefixGroup: string | null;
  readonly prefixTokens: number;
  readonly session?: SessionTurnInfo;
  /** Keep the streamed reply text in the result (a session turn with a follow-up needs it). */
  readonly keepReply?: boolean;
}

/** What every request of a run shares. */
export interface SendContext {
  readonly url: string;
  readonly dispatcher: Dispatcher;
  readonly headers: Readonly<Record<string, string>>;
  readonly now: () => number;
  readonly timeoutMs: number;
  /** Only to redact it from error messages; it travels in `headers`. */
  readonly apiKey: string | undefined;
  /** Fallback output token count when the stream has no usage. */
  readonly countTokens: (text: string) => number;
  /** Registers a cancel function while the request is in flight; returns its unregister. */
  readonly track?: (cancel: () => void) => () => void;
}

/** Longest server error text kept per request (after redaction, so a secret cut in half is never written). */
export const maxErrorTextChars = 300;

/** Redacts the API key (and any credential in a URL) first, then cuts to maxErrorTextChars. */
export function cleanErrorText(text: string, apiKey: string | undefined): string {
  const redacted = redactSecret(text, apiKey).replace(/\bhttps?:\/\/[^\s"'<>]+/g, (url) => redactUrl(url));
  return redacted.length > maxErrorTextChars ? `${redacted.slice(0, maxErrorTextChars)}…` : redacted;
}

/** A transport error as text: its code, message and cause (undici puts the socket error in `cause`). */
export function transportErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${typeof code === "string" ? `${code} ` : ""}${error.message}${cause}`;
}

/**
 * Sends one streaming request and records every timestamp the docs/design.md §6 metrics need. Never
 * rejects: failures are data (LoadResult.outcome). t0 is taken right before the request is
 * handed to undici; each SSE event is stamped with the arrival time of the chunk that completed it.
 */
export async function sendRequest(plan: RequestPlan, context: SendContext): Promise<LoadResult> {
  const { now } = context;
  const controller = new AbortController();
  let abortKind: "timeout" | "cancelled" | null = null;
  const timer = setTimeout(() => {
    abortKind ??= "timeout";
    controller.abort();
  }, context.timeoutMs);
  const untrack = context.track?.(() => {
    abortKind ??= "cancelled";
    controller.abort();
  });
  let httpStatus: number | null = null;
  let httpBody = "";
  let headersMs: number | null = null;
  let transportError: string | null = null;
  const stream = new _StreamState(context.apiKey);
  const parser = new SseParser(stream.onEvent);
  const sentMs = now();
  try {
    const response = await request(context.url, { method: "POST", dispatcher: context.dispatcher, headers: context.headers, body: plan.body, signal: controller.signal });
    headersMs = now();
    httpStatus = response.statusCode;
    const body = response.body;
    if (httpStatus < 200 || httpStatus > 299) {
      httpBody = cleanErrorText((await _readCapped(body, maxErrorReadBytes)).replace(/\s+/g, " ").trim(), context.apiKey);
    } else {
      await new Promise<void>((resolve, reject) => {
        body.on("data", (chunk: Buffer) => {
          stream.chunkMs = now();
          stream.firstByteMs ??= stream.chunkMs;
          parser.push(chunk);
        });
        body.once("end", resolve);
        body.once("error", reject);
      });
      parser.end();
    }
  } catch (error) {
    transportError = cleanErrorText(transportErrorText(error), context.apiKey);
  } finally {
    clearTimeout(timer);
    untrack?.();
  }
  const endMs = now();
  let outputTokens = 0;
  let outputTokenSource: OutputTokenSource = "none";
  const { contentEvents, finishReason, streamError } = stream;
  const badUsage = usageProblem({ completionTokens: stream.completionTokens, promptTokens: stream.reportedPromptTokens, cachedPromptTokens: stream.cachedPromptTokens, contentEvents, maxOutputTokens: plan.maxOutputTokens });
  if (stream.completionTokens !== null && badUsage === null) {
    outputTokens = stream.completionTokens;
    outputTokenSource = "usage";
  } else if (contentEvents > 0) {
    // No usage in the stream: count the streamed text with the client's tokenizer (tool-call-only streams: one per event).
    outputTokens = stream.texts.length > 0 ? context.countTokens(stream.texts.join("")) : contentEvents;
    outputTokenSource = "tokenizer";
  }
  return {
    requestId: plan.requestId,
    label: plan.label,
    warmup: plan.warmup,
    scheduledMs: plan.scheduledMs ?? sentMs,
    sentMs,
    headersMs,
    firstByteMs: stream.firstByteMs,
    firstContentMs: stream.firstContentMs,
    lastContentMs: stream.lastContentMs,
    endMs,
    contentEvents,
    itlMs: stream.itlMs,
    httpStatus,
    finishReason,
    outputTokens,
    outputTokenSource,
    promptTokens: plan.promptTokens,
    reportedPromptTokens: badUsage === null ? stream.reportedPromptTokens : null,
    cachedPromptTokens: badUsage === null ? stream.cachedPromptTokens : null,
    maxOutputTokens: plan.maxOutputTokens,
    prefixGroup: plan.prefixGroup,
    prefixTokens: plan.prefixTokens,
    outcome: decideOutcome({ httpStatus, httpBody, abortKind, transportError, streamError, contentEvents, finishReason, timeoutMs: context.timeoutMs, usageProblem: badUsage }),
    ...(plan.session !== undefined ? { session: plan.session } : {}),
    ...(plan.keepReply === true ? { replyText: stream.replies.join("") } : {}),
  };
}

/** Bytes of an error body read at most (the rest is discarded, so a huge error page cannot fill memory). */
const maxErrorReadBytes = 64 * 1024;

async function _readCapped(body: Dispatcher.ResponseData["body"], maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (bytes < maxBytes) chunks.push(chunk.subarray(0, maxBytes - bytes));
    bytes += chunk.length;
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Mutable per-request stream state (a class, so closures assigning it keep their types). */
class _StreamState {
  chunkMs = 0;
  firstByteMs: number | null = null;
  firstContentMs: number | null = null;
  lastContentMs: number | null = null;
  contentEvents = 0;
  readonly itlMs: number[] = [];
  readonly texts: string[] = [];
  readonly replies: string[] = [];
  finishReason: string | null = null;
  completionTokens: number | null = null;
  reportedPromptTokens: number | null = null;
  cachedPromptTokens: number | null = null;
  streamError: string | null = null;
  private readonly apiKey: string | undefined;

  constructor(apiKey: string | undefined) {
    this.apiKey = apiKey;
  }

  readonly onEvent = (data: string): void => {
    const chunk = readStreamChunk(data);
    if (chunk.done) return;
    if (chunk.error !== null) this.streamError ??= cleanErrorText(chunk.error, this.apiKey);
    if (chunk.hasContent) {
      if (this.lastContentMs === null) this.firstContentMs = this.chunkMs;
      else this.itlMs.push(this.chunkMs - this.lastContentMs);
      this.lastContentMs = this.chunkMs;
      this.contentEvents++;
      if (chunk.text !== "") this.texts.push(chunk.text);
      if (chunk.reply !== "") this.replies.push(chunk.reply);
    }
    if (chunk.finishReason !== null) this.finishReason = chunk.finishReason;
    if (chunk.completionTokens !== null) this.completionTokens = chunk.completionTokens;
    if (chunk.promptTokens !== null) this.reportedPromptTokens = chunk.promptTokens;
    if (chunk.cachedPromptTokens !== null) this.cachedPromptTokens = chunk.cachedPromptTokens;
  };
}
