/**
 * One request as the load generator observed it. Times are milliseconds on the caller's
 * monotonic clock (`now()`, e.g. performance.now()); metrics are derived from them by the pure
 * functions in request-metrics.ts.
 */
export type LoadOutcome =
  | { readonly status: "ok" }
  | {
      readonly status: "error";
      /**
       * http: non-2xx other than 503; transport: connection failed or reset; stream-error: error JSON or
       * unparseable data in the stream; no-content: no content event; bad-usage: the stream's usage
       * counts are impossible (negative, fractional, above max_tokens, or none for a stream with content).
       */
      readonly kind: "http" | "transport" | "stream-error" | "no-content" | "bad-usage";
      readonly message: string;
    }
  | {
      /** HTTP 503: the server shed the request (queue full or overloaded), as vLLM and `goodput serve` answer — the simulator's "dropped". */
      readonly status: "dropped";
      readonly kind: "http-503";
      readonly message: string;
    }
  | {
      readonly status: "incomplete";
      /** timeout: --timeout passed; cancelled: run interrupted or deadline; no-finish-reason: stream ended without one. */
      readonly kind: "timeout" | "cancelled" | "no-finish-reason";
      readonly message: string;
    };

/** Where the output token count came from. */
export type OutputTokenSource = "usage" | "tokenizer" | "none";

/** Where a request sits in a multi-turn session (`--sessions`). */
export interface SessionTurnInfo {
  /** "s" + the request id of the session's first turn: unique across turns, points and runs of one bench. */
  readonly sessionId: string;
  /** 1-based turn number. */
  readonly turn: number;
  /** Turns this session was drawn to have. */
  readonly turns: number;
  /** Client-counted prompt tokens of the earlier turns carried in this request (0 for turn 1). */
  readonly historyTokens: number;
}

export interface LoadResult {
  readonly requestId: number;
  /** Sweep point or run label (e.g. "rate=4/s"), "" for a single run. */
  readonly label: string;
  /** One of the first --warmup requests: reported separately, excluded from the measured summary. */
  readonly warmup: boolean;
  /** t_sched: intended send time (open loop); equals sentMs in closed loop. */
  readonly scheduledMs: number;
  /** t0: actual send time. */
  readonly sentMs: number;
  readonly headersMs: number | null;
  readonly firstByteMs: number | null;
  readonly firstContentMs: number | null;
  readonly lastContentMs: number | null;
  /** When the request ended: stream closed, error or cancellation. */
  readonly endMs: number;
  readonly contentEvents: number;
  /** Gaps between consecutive content events (ms). */
  readonly itlMs: readonly number[];
  readonly httpStatus: number | null;
  readonly finishReason: string | null;
  readonly outputTokens: number;
  readonly outputTokenSource: OutputTokenSource;
  readonly promptTokens: number;
  readonly reportedPromptTokens: number | null;
  readonly cachedPromptTokens: number | null;
  readonly maxOutputTokens: number;
  readonly prefixGroup: string | null;
  readonly prefixTokens: number;
  readonly outcome: LoadOutcome;
  /** Set for requests of a multi-turn session. */
  readonly session?: SessionTurnInfo;
  /** The streamed reply text (content only), kept for session turns that have a follow-up. */
  readonly replyText?: string;
}
