import { GoodputError } from "../../errors.js";
import type { RequestSource, SimRequestSpec } from "../sim-request.js";
import type { ParsedTrace, TraceRow } from "./trace-parse.js";

/** A slice of trace time, in seconds since the trace's first request: [fromSeconds, toSeconds). */
export interface TraceWindow {
  readonly fromSeconds: number;
  readonly toSeconds: number;
}

export interface TraceReplayOptions {
  /** Time compression: 10 replays the trace 10× faster (arrival gaps ÷ 10). */
  readonly speed: number;
  readonly window: TraceWindow | null;
  /** Stop after this many requests (default: the whole window). */
  readonly maxRequests?: number | undefined;
}

/** Parses "A-B" (seconds of trace time, A < B) as given to --trace-window; `where` names the flag or field. */
export function parseTraceWindow(text: string, where: string): TraceWindow {
  const match = /^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const fromSeconds = Number(match?.[1]);
  const toSeconds = Number(match?.[2]);
  if (!match || !(toSeconds > fromSeconds)) {
    throw new GoodputError("BAD_USAGE", `${where} is "${text}"; give A-B in seconds of trace time with A < B, e.g. 0-600 for the first ten minutes.`, { where });
  }
  return { fromSeconds, toSeconds };
}

/** The rows inside the window (all rows without one). */
export function rowsInWindow(rows: readonly TraceRow[], window: TraceWindow | null): readonly TraceRow[] {
  if (window === null) return rows;
  return rows.filter((row) => row.timeSeconds >= window.fromSeconds && row.timeSeconds < window.toSeconds);
}

/** Arrival second of a row in the replay: (t − window start) ÷ speed. */
export const replayArrivalSeconds = (row: TraceRow, options: TraceReplayOptions): number => (row.timeSeconds - (options.window?.fromSeconds ?? 0)) / options.speed;

/**
 * A trace replayed as the simulator's request source: arrivals from the trace's timestamps (scaled
 * by `speed`, shifted to the window's start), prompt and output lengths as recorded, and — for
 * Mooncake — the prefix block ids, so requests sharing their first k ids share the KV of their
 * first k × 512 tokens. Every request is its own anonymous user (the traces carry no user ids).
 */
export function createTraceReplay(trace: ParsedTrace, options: TraceReplayOptions & { readonly longPromptTokens: number }): RequestSource & Iterable<SimRequestSpec> & { readonly size: number } {
  const rows = rowsInWindow(trace.rows, options.window);
  const size = Math.min(rows.length, options.maxRequests ?? Infinity);
  let next = 0;
  const take = (): SimRequestSpec | null => {
    if (next >= size) return null;
    const row = rows[next];
    if (row === undefined) return null;
    const id = next++;
    return {
      id,
      arrivalSeconds: replayArrivalSeconds(row, options),
      promptTokens: row.promptTokens,
      outputTokens: row.outputTokens,
      tenant: "trace",
      tier: "standard",
      latencySensitive: false,
      userId: `anon${id}`,
      sessionId: null,
      turn: 0,
      prefixGroup: null,
      prefixTokens: 0,
      historyTokens: 0,
      workloadClass: row.promptTokens >= options.longPromptTokens ? "long" : "short",
      preUsage: 0,
      ...(row.hashIds !== null && trace.hashBlockTokens !== null ? { hashIds: row.hashIds, hashBlockTokens: trace.hashBlockTokens } : {}),
    };
  };
  return {
    size,
    next: take,
    *[Symbol.iterator]() {
      for (let request = take(); request !== null; request = take()) yield request;
    },
  };
}

/** A trace's arrivals, lengths and (Mooncake) prefix block ids for the load generator (`bench --arrivals trace:FILE --trace-format F`). */
export function traceArrivals(trace: ParsedTrace, options: TraceReplayOptions): { atSeconds: number; promptTokens: number; outputTokens: number; prefixBlocks?: { ids: readonly number[]; blockTokens: number } }[] {
  const rows = rowsInWindow(trace.rows, options.window);
  const blockTokens = trace.hashBlockTokens;
  return rows.slice(0, Math.min(rows.length, options.maxRequests ?? Infinity)).map((row) => ({
    atSeconds: replayArrivalSeconds(row, options),
    promptTokens: row.promptTokens,
    outputTokens: row.outputTokens,
    ...(row.hashIds !== null && blockTokens !== null ? { prefixBlocks: { ids: row.hashIds, blockTokens } } : {}),
  }));
}
