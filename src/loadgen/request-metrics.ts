import type { LoadResult } from "./load-result.js";

/** The SPEC §6 latency metrics of one request, in milliseconds (null where undefined). */
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

/** SLO gates in milliseconds; an absent gate always passes. */
export interface SloGates {
  readonly ttftMs?: number;
  readonly tpotMs?: number;
  readonly e2eMs?: number;
}

/**
 * True when the request succeeded and meets every SLO gate (TTFT, TPOT, E2E measured from t0).
 * An undefined TPOT (N_out ≤ 1) passes the TPOT gate: there is no inter-token time to miss.
 */
export function meetsSlo(result: LoadResult, metrics: RequestMetrics, slo: SloGates): boolean {
  if (result.outcome.status !== "ok") return false;
  if (slo.ttftMs !== undefined && (metrics.ttftMs === null || metrics.ttftMs > slo.ttftMs)) return false;
  if (slo.e2eMs !== undefined && (metrics.e2eMs === null || metrics.e2eMs > slo.e2eMs)) return false;
  if (slo.tpotMs !== undefined && metrics.tpotMs !== null && metrics.tpotMs > slo.tpotMs) return false;
  return true;
}

/** True when at least one gate is set. */
export const hasSlo = (slo: SloGates): boolean => slo.ttftMs !== undefined || slo.tpotMs !== undefined || slo.e2eMs !== undefined;
