import type { LoadSummary } from "../loadgen/summarize-load.js";
import type { CostMatrixRow } from "./cost-matrix.js";
import type { ExperimentConfig } from "./experiment-schema.js";

const seconds = (ms: number | null): number => (ms === null ? NaN : ms / 1000);

/**
 * A matrix row for a cell measured on a live endpoint by the load generator. Cost is the
 * deployment's GPU-hours over the run's duration at the stated price (the evidence boundary).
 */
export function costMatrixRowFromLoad(experiment: ExperimentConfig, cell: { readonly case: string; readonly profile: string; readonly runId: string; readonly replicas: number }, summary: LoadSummary): CostMatrixRow {
  const { deployment, slo } = experiment;
  const costUsd = (cell.replicas * deployment.tensorParallel * deployment.priceUsdPerGpuHour * summary.durationSeconds) / 3600;
  return matrixRowFromLoadSummary(cell, summary, costUsd, slo.p95LatencySeconds);
}

/** A matrix row from a load-generator summary at a given cost (USD) and optional p95 E2E gate (s); `bench` uses it too. */
export function matrixRowFromLoadSummary(cell: { readonly case: string; readonly profile: string; readonly runId: string }, summary: LoadSummary, costUsd: number, p95GateSeconds: number | undefined): CostMatrixRow {
  const slo = { p95LatencySeconds: p95GateSeconds };
  const successful = summary.statuses.ok;
  const generatedTokens = summary.outputTokens.total;
  const p95 = seconds(summary.latencies.e2eMs.p95);
  const failures: string[] = [];
  if (slo.p95LatencySeconds !== undefined && !(p95 <= slo.p95LatencySeconds)) failures.push(`p95 latency ${Number.isFinite(p95) ? p95.toFixed(2) : "n/a"} s > ${slo.p95LatencySeconds} s`);
  const unserved = summary.statuses.error + summary.statuses.incomplete + summary.statuses.dropped;
  if (unserved > 0) failures.push(`${unserved} of ${summary.requests} requests not served`);
  const accepted = Math.round(summary.goodputRequestsPerSecond * summary.durationSeconds);
  return {
    case: cell.case,
    profile: cell.profile,
    runId: cell.runId,
    requests: summary.requests,
    completed: successful,
    successful,
    accepted,
    // HTTP 503 is the server shedding the request (the simulator's "dropped"); a client-side timeout or cancellation is not served either.
    dropped: summary.statuses.dropped + summary.statuses.incomplete,
    failed: summary.statuses.error,
    generatedTokens,
    requestsPerSecond: summary.requestsPerSecond,
    tokensPerSecond: summary.outputTokensPerSecond,
    p50LatencySeconds: seconds(summary.latencies.e2eMs.p50),
    p95LatencySeconds: p95,
    p99LatencySeconds: seconds(summary.latencies.e2eMs.p99),
    p50TtftSeconds: seconds(summary.latencies.ttftMs.p50),
    p95TtftSeconds: seconds(summary.latencies.ttftMs.p95),
    p50TpotSeconds: seconds(summary.latencies.tpotMs.p50),
    p95TpotSeconds: seconds(summary.latencies.tpotMs.p95),
    costUsd,
    costPer1kSuccessful: successful === 0 ? Infinity : (costUsd / successful) * 1000,
    costPer1MTokens: generatedTokens === 0 ? Infinity : (costUsd / generatedTokens) * 1e6,
    goodputPerSecond: summary.goodputRequestsPerSecond,
    lcpr: accepted === 0 ? Infinity : costUsd / accepted,
    sloPassed: failures.length === 0,
    sloFailures: failures,
  };
}
