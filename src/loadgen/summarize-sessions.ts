import type { LoadResult } from "./load-result.js";
import { summarizeSamples, type SampleSummary } from "./percentiles.js";
import { computeRequestMetrics } from "./request-metrics.js";

/** One turn number's figures across sessions. */
export interface TurnSummary {
  readonly turn: number;
  /** Measured requests of this turn number (any status). */
  readonly requests: number;
  readonly ok: number;
  /** TTFT of successful measured turns (a server with prefix caching should keep later turns' TTFT flat). */
  readonly ttftMs: SampleSummary;
  /** Mean prompt tokens the client counted (the whole conversation; chat: message contents, no template). */
  readonly meanPromptTokens: number | null;
  /** Mean usage.prompt_tokens the server reported, over the turns that reported it, and their n. */
  readonly meanReportedPromptTokens: number | null;
  readonly reported: number;
  /** Mean usage.prompt_tokens_details.cached_tokens where reported. */
  readonly meanCachedPromptTokens: number | null;
}

/** Multi-turn session figures (docs/design.md §6 sessions). */
export interface SessionSummary {
  /** Sessions whose first turn was sent (warm-up included: a session straddles the boundary). */
  readonly started: number;
  /** Sessions whose every drawn turn finished successfully. */
  readonly completed: number;
  /** Sessions ended early: a failed turn, or a stop rule (request count, duration, interrupt). */
  readonly ended: number;
  readonly byTurn: readonly TurnSummary[];
}

const _mean = (values: readonly number[]): number | null => (values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length);

/** Sessions started/completed and per-turn TTFT and prompt tokens (pure); null when no request was a session turn. */
export function summarizeSessions(results: readonly LoadResult[]): SessionSummary | null {
  let started = 0;
  let completed = 0;
  const byTurn = new Map<number, LoadResult[]>();
  for (const result of results) {
    const session = result.session;
    if (session === undefined) continue;
    if (session.turn === 1) started++;
    if (session.turn === session.turns && result.outcome.status === "ok") completed++;
    if (result.warmup) continue;
    const list = byTurn.get(session.turn) ?? [];
    list.push(result);
    byTurn.set(session.turn, list);
  }
  if (started === 0 && byTurn.size === 0) return null;
  const turns = [...byTurn.entries()].sort(([a], [b]) => a - b);
  return {
    started,
    completed,
    ended: started - completed,
    byTurn: turns.map(([turn, list]) => {
      const ok = list.filter((result) => result.outcome.status === "ok");
      const reported = list.flatMap((result) => (result.reportedPromptTokens === null ? [] : [result.reportedPromptTokens]));
      const cached = list.flatMap((result) => (result.cachedPromptTokens === null ? [] : [result.cachedPromptTokens]));
      return {
        turn,
        requests: list.length,
        ok: ok.length,
        ttftMs: summarizeSamples(ok.flatMap((result) => {
          const ttftMs = computeRequestMetrics(result).ttftMs;
          return ttftMs === null ? [] : [ttftMs];
        })),
        meanPromptTokens: _mean(list.map((result) => result.promptTokens)),
        meanReportedPromptTokens: _mean(reported),
        reported: reported.length,
        meanCachedPromptTokens: _mean(cached),
      };
    }),
  };
}
