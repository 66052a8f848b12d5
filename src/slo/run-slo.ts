import type { SloGates } from "./slo-gates.js";

/**
 * An experiment's SLO: run-level percentile gates on request latency plus per-request gates.
 * A percentile gate "p95 ≤ 4 s" means each request is judged against 4 s; the run passes when at
 * least 95 % of them make it. So the tightest percentile bound is also the per-request E2E gate
 * that decides which requests count as accepted (goodput, LCPR), unless an explicit e2eSeconds
 * gate is stated (the tighter one wins).
 */
export interface RunSlo extends SloGates {
  readonly p95LatencySeconds?: number | undefined;
  readonly p99LatencySeconds?: number | undefined;
}

/** The per-request gates a run-level SLO implies (see RunSlo). */
export function perRequestGates(slo: RunSlo): SloGates {
  const bounds = [slo.e2eSeconds, slo.p95LatencySeconds, slo.p99LatencySeconds].filter((value): value is number => value !== undefined);
  const e2eSeconds = bounds.length === 0 ? undefined : Math.min(...bounds);
  return {
    ...(slo.ttftSeconds === undefined ? {} : { ttftSeconds: slo.ttftSeconds }),
    ...(slo.tpotSeconds === undefined ? {} : { tpotSeconds: slo.tpotSeconds }),
    ...(e2eSeconds === undefined ? {} : { e2eSeconds }),
  };
}
