import { hasSloGates, meetsSloGates, type SloGates } from "../slo/slo-gates.js";
import type { LoadResult } from "./load-result.js";

/** The docs/design.md §6 latency metrics of one request, in milliseconds (null where undefined). */
export interface RequestMetrics {
  /** t0 − t_sched. */
  readonly clientLagMs: number;
  /** First response body byte − t0. */
  readonly ttfbMs: number | null;
  /** First content-bearing event − t0. */
  readonly ttftMs: number | null;
  /** First content-bearing event − t_sched. */
  readonly ttftFromIntendedMs: number | null;
  /** Last content-bearing event − t0. */
  readonly e2eMs: number | null;
  /** Last content-bearing event − t_sched. */
  readonly e2eFromIntendedMs: number | null;
  /** Stream close (request end) − t0. */
  readonly closeMs: number;
  /** (E2E − TTFT)/(N_out − 1); null when N_out ≤ 1. */
  readonly tpotMs: number | null;
}

/** Derives TTFB, TTFT, E2E, TPOT, stream close and client lag from a result's timestamps (pure). */
export function computeRequestMetrics(result: LoadResult): RequestMetrics {
  const { sentMs, scheduledMs, firstContentMs, lastContentMs } = result;
  const ttftMs = firstContentMs === null ? null : firstContentMs - sentMs;
  const e2eMs = lastContentMs === null ? null : lastContentMs - sentMs;
  const tpotMs = ttftMs !== null && e2eMs !== null && result.outputTokens > 1 ? (e2eMs - ttftMs) / (result.outputTokens - 1) : null;
  return {
    clientLagMs: sentMs - scheduledMs,
    ttfbMs: result.firstByteMs === null ? null : result.firstByteMs - sentMs,
    ttftMs,
    ttftFromIntendedMs: firstContentMs === null ? null : firstContentMs - scheduledMs,
    e2eMs,
    e2eFromIntendedMs: lastContentMs === null ? null : lastContentMs - scheduledMs,
    closeMs: result.endMs - sentMs,
    tpotMs,
  };
}

export type { SloGates };

/**
 * True when the request succeeded and meets every SLO gate. TTFT and E2E are measured from the
 * intended send time t_sched, not the actual send t0: a user who arrives at t_sched waits through
 * the client's own lag too, and gating from t0 would hide it (coordinated omission; Tene, "How NOT
 * to measure latency", 2015). In closed loop t_sched = t0. An undefined TPOT (N_out ≤ 1) passes
 * the TPOT gate: there is no inter-token time to miss; TPOT has no send time in it.
 */
export function meetsSlo(result: LoadResult, metrics: RequestMetrics, slo: SloGates): boolean {
  if (result.outcome.status !== "ok") return false;
  const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);
  return meetsSloGates(slo, { ttftSeconds: seconds(metrics.ttftFromIntendedMs), tpotSeconds: seconds(metrics.tpotMs), e2eSeconds: seconds(metrics.e2eFromIntendedMs), outputTokens: result.outputTokens });
}

/** True when at least one gate is set. */
export const hasSlo = hasSloGates;
