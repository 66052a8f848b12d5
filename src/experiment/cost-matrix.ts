import type { SimulationSummary } from "../sim/summary.js";
import type { ExperimentConfig } from "./experiment-schema.js";

/** One case × profile of the useful-work cost matrix (SPEC §5). */
export interface CostMatrixRow {
  readonly case: string;
  readonly profile: string;
  readonly runId: string;
  readonly requests: number;
  readonly completed: number;
  readonly successful: number;
  readonly accepted: number;
  readonly dropped: number;
  readonly failed: number;
  readonly generatedTokens: number;
  readonly requestsPerSecond: number;
  readonly tokensPerSecond: number;
  readonly p50LatencySeconds: number;
  readonly p95LatencySeconds: number;
  readonly p99LatencySeconds: number;
  readonly p50TtftSeconds: number;
  readonly p95TtftSeconds: number;
  readonly p50TpotSeconds: number;
  readonly p95TpotSeconds: number;
  readonly costUsd: number;
  readonly costPer1kSuccessful: number;
  readonly costPer1MTokens: number;
  readonly goodputPerSecond: number;
  readonly lcpr: number;
  readonly sloPassed: boolean;
  /** Which SLO gates failed, in words (empty when passed). */
  readonly sloFailures: readonly string[];
}

/**
 * Builds a matrix row from a run's summary and the experiment's SLOs. The SLO passes when the run's
 * p95 request latency (and any other stated percentile gate) is within bounds and no request was
 * dropped or failed — work turned away does not count as meeting a latency SLO.
 */
export function costMatrixRow(experiment: ExperimentConfig, cell: { readonly case: string; readonly profile: string; readonly runId: string }, summary: SimulationSummary): CostMatrixRow {
  const failures: string[] = [];
  const { slo } = experiment;
  const p95 = summary.latencySeconds.p95;
  if (slo.p95LatencySeconds !== undefined && !(p95 <= slo.p95LatencySeconds)) failures.push(`p95 latency ${Number.isFinite(p95) ? p95.toFixed(2) : "n/a"} s > ${slo.p95LatencySeconds} s`);
  const unserved = summary.dropped + summary.failed + summary.rejected;
  if (unserved > 0) failures.push(`${unserved} of ${summary.requests} requests not served`);
  return {
    case: cell.case,
    profile: cell.profile,
    runId: cell.runId,
    requests: summary.requests,
    completed: summary.completed,
    successful: summary.successful,
    accepted: summary.accepted,
    dropped: summary.dropped,
    failed: summary.failed + summary.rejected,
    generatedTokens: summary.generatedTokens,
    requestsPerSecond: summary.requestsPerSecond,
    tokensPerSecond: summary.tokensPerSecond,
    p50LatencySeconds: summary.latencySeconds.p50,
    p95LatencySeconds: p95,
    p99LatencySeconds: summary.latencySeconds.p99,
    p50TtftSeconds: summary.ttftSeconds.p50,
    p95TtftSeconds: summary.ttftSeconds.p95,
    p50TpotSeconds: summary.tpotSeconds.p50,
    p95TpotSeconds: summary.tpotSeconds.p95,
    costUsd: summary.costUsd,
    costPer1kSuccessful: summary.costPer1kSuccessful,
    costPer1MTokens: summary.costPer1MTokens,
    goodputPerSecond: summary.goodputPerSecond,
    lcpr: summary.lcpr,
    sloPassed: failures.length === 0,
    sloFailures: failures,
  };
}
