import type { LoadSummary } from "../loadgen/summarize-load.js";
import { buildCostMatrixRow, type CostMatrixRow } from "./cost-matrix.js";
import type { ExperimentConfig } from "./experiment-schema.js";


/**
 * A matrix row for a cell measured on a live endpoint by the load generator (its requests judged
 * with perRequestGates). Cost is the deployment's GPU-hours over the run's duration at the stated
 * price (the evidence boundary); a live endpoint reports no utilization. A target running
 * `timeScale` × real time has its wall-clock latencies and span scaled back to its own seconds.
 */
export function costMatrixRowFromLoad(
  experiment: ExperimentConfig,
  cell: { readonly case: string; readonly profile: string; readonly runId: string; readonly replicas: number; readonly timeScale: number },
  summary: LoadSummary,
): CostMatrixRow {
  const { deployment } = experiment;
  const span = summary.durationSeconds * cell.timeScale;
  const costUsd = (cell.replicas * deployment.tensorParallel * deployment.priceUsdPerGpuHour * span) / 3600;
  return matrixRowFromLoadSummary(experiment.slo, cell, summary, costUsd, cell.timeScale);
}

/**
 * A matrix row from a load-generator summary at a given cost (USD), judged against `slo`; `bench`
 * stores its priced runs with it too. `timeScale` scales a time-scaled target's wall-clock
 * latencies and span back to its own seconds (1 for a real endpoint).
 */
export function matrixRowFromLoadSummary(slo: ExperimentConfig["slo"], cell: { readonly case: string; readonly profile: string; readonly runId: string }, summary: LoadSummary, costUsd: number, timeScale = 1): CostMatrixRow {
  const seconds = (ms: number | null): number => (ms === null ? NaN : (ms / 1000) * timeScale);
  const span = summary.durationSeconds * timeScale;
  const { latencies } = summary;
  return buildCostMatrixRow(slo, cell, {
    requests: summary.requests,
    successful: summary.statuses.ok,
    accepted: Math.round(summary.goodputRequestsPerSecond * summary.durationSeconds),
    // HTTP 503 is the server shedding the request (the simulator's "dropped"); a client-side timeout or cancellation is not served either.
    dropped: summary.statuses.dropped + summary.statuses.incomplete,
    failed: summary.statuses.error,
    generatedTokens: summary.outputTokens.total,
    acceptedTokens: Math.round(summary.goodputTokensPerSecond * summary.durationSeconds),
    spanSeconds: span,
    latency: { p50: seconds(latencies.e2eMs.p50), p95: seconds(latencies.e2eMs.p95), p99: seconds(latencies.e2eMs.p99) },
    ttft: { p50: seconds(latencies.ttftMs.p50), p95: seconds(latencies.ttftMs.p95) },
    tpot: { p50: seconds(latencies.tpotMs.p50), p95: seconds(latencies.tpotMs.p95) },
    costUsd,
    utilization: null,
  });
}
