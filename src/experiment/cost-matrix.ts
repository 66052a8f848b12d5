import type { SimulationSummary } from "../sim/summary.js";
import type { ExperimentConfig } from "./experiment-schema.js";
import type { ReplicateSummary } from "./replicates.js";

/**
 * One case × profile of the useful-work cost matrix (docs/design.md §5). "accepted" counts requests that
 * finished OK within every per-request SLO gate — the run's percentile bound included — and only
 * accepted work enters goodput, LCPR and the "in SLO" unit costs.
 *
 * Cost (one definition): the deployment's GPU-hours over the run's span at the stated price, idle
 * time included (`costUsd`). The request log's `cost_usd` is each request's share of *busy* GPU
 * time; their sum is `busyCostUsd` ≈ costUsd × utilization. Every unit cost here uses `costUsd`.
 */
export interface CostMatrixRow {
  readonly case: string;
  readonly profile: string;
  readonly runId: string;
  readonly requests: number;
  readonly completed: number;
  readonly successful: number;
  /** Finished OK within every per-request SLO gate. */
  readonly accepted: number;
  readonly dropped: number;
  readonly failed: number;
  readonly generatedTokens: number;
  /** Output tokens of accepted requests. */
  readonly acceptedTokens: number;
  readonly requestsPerSecond: number;
  readonly tokensPerSecond: number;
  readonly p50LatencySeconds: number;
  readonly p95LatencySeconds: number;
  readonly p99LatencySeconds: number;
  readonly p50TtftSeconds: number;
  readonly p95TtftSeconds: number;
  readonly p50TpotSeconds: number;
  readonly p95TpotSeconds: number;
  /** GPU-hours × price over the run, idle included. */
  readonly costUsd: number;
  /** The busy share of costUsd (what the request log's cost_usd sums to); null when unknown. */
  readonly busyCostUsd: number | null;
  /** GPU busy fraction at the operating point; null when the target does not report it. */
  readonly utilization: number | null;
  /** Tightest run-level latency bound minus the measured percentile, seconds (negative = over); null without a bound. */
  readonly latencyHeadroomSeconds: number | null;
  readonly costPer1kSuccessful: number;
  /** Cost per 1K accepted (in-SLO) requests = 1000 × LCPR. */
  readonly costPer1kAccepted: number;
  readonly costPer1MTokens: number;
  /** Cost per 1M output tokens of accepted requests. */
  readonly costPer1MTokensInSlo: number;
  /** Accepted requests per second. */
  readonly goodputPerSecond: number;
  /** Loaded cost per accepted request, USD. */
  readonly lcpr: number;
  readonly sloPassed: boolean;
  /** Which SLO gates failed, in words (empty when passed). */
  readonly sloFailures: readonly string[];
  /** Set on the extra replicates of a cell: the run id of the row that carries them (never a matrix row itself). */
  readonly replicateOf?: string;
  /** Seeds, requests per replicate and a 95 % interval per percentile, when the cell ran on several seeds. */
  readonly replicates?: ReplicateSummary;
  /** Whether the backlog had settled when arrivals ended; null where not measured (live targets). */
  readonly stationarity: { readonly verdict: "steady" | "growing" | "not judged"; readonly reason: string } | null;
  /** Set when a periodic case's arrivals end part-way through a cycle (see partialCycleWarning). */
  readonly partialCycle?: string;
}

/** A row with its steady-state check: a backlog still growing when arrivals end is not a pass. */
export function withStationarity(row: CostMatrixRow, stationarity: { readonly verdict: "steady" | "growing" | "not judged"; readonly reason: string }, partialCycle: string | null = null): CostMatrixRow {
  const sloFailures = stationarity.verdict === "growing" ? [...row.sloFailures, stationarity.reason] : row.sloFailures;
  return { ...row, stationarity: { verdict: stationarity.verdict, reason: stationarity.reason }, ...(partialCycle === null ? {} : { partialCycle }), sloFailures, sloPassed: sloFailures.length === 0 };
}

/** What a row is built from, whichever target measured it. */
export interface CellMeasurement {
  readonly requests: number;
  readonly successful: number;
  readonly accepted: number;
  readonly dropped: number;
  readonly failed: number;
  readonly generatedTokens: number;
  readonly acceptedTokens: number;
  readonly spanSeconds: number;
  readonly latency: { readonly p50: number; readonly p95: number; readonly p99: number };
  readonly ttft: { readonly p50: number; readonly p95: number };
  readonly tpot: { readonly p50: number; readonly p95: number };
  readonly costUsd: number;
  readonly utilization: number | null;
}

const perUnit = (costUsd: number, units: number, scale: number): number => (units === 0 ? Infinity : (costUsd / units) * scale);
const secondsText = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : "n/a");

/** The run-level gates that failed, in words: percentile bounds, and any work turned away. */
export function runSloFailures(slo: ExperimentConfig["slo"], measured: CellMeasurement): string[] {
  const failures: string[] = [];
  const gates = [
    { name: "p95", bound: slo.p95LatencySeconds, value: measured.latency.p95 },
    { name: "p99", bound: slo.p99LatencySeconds, value: measured.latency.p99 },
  ];
  for (const gate of gates) {
    if (gate.bound !== undefined && !(gate.value <= gate.bound)) failures.push(`${gate.name} latency ${secondsText(gate.value)} s > ${gate.bound} s`);
  }
  const unserved = measured.dropped + measured.failed;
  // Work turned away does not count as meeting a latency SLO.
  if (unserved > 0) failures.push(`${unserved} of ${measured.requests} requests not served`);
  return failures;
}

function latencyHeadroom(slo: ExperimentConfig["slo"], measured: CellMeasurement): number | null {
  const margins = [
    slo.p95LatencySeconds === undefined ? null : slo.p95LatencySeconds - measured.latency.p95,
    slo.p99LatencySeconds === undefined ? null : slo.p99LatencySeconds - measured.latency.p99,
  ].filter((value): value is number => value !== null && Number.isFinite(value));
  return margins.length === 0 ? null : Math.min(...margins);
}

/** A matrix row from one cell's counts, latencies and cost: the one place unit costs are derived. */
export function buildCostMatrixRow(slo: ExperimentConfig["slo"], cell: { readonly case: string; readonly profile: string; readonly runId: string }, measured: CellMeasurement): CostMatrixRow {
  const failures = runSloFailures(slo, measured);
  const span = measured.spanSeconds;
  const rate = (count: number): number => (span > 0 ? count / span : 0);
  return {
    case: cell.case,
    profile: cell.profile,
    runId: cell.runId,
    requests: measured.requests,
    completed: measured.successful,
    successful: measured.successful,
    accepted: measured.accepted,
    dropped: measured.dropped,
    failed: measured.failed,
    generatedTokens: measured.generatedTokens,
    acceptedTokens: measured.acceptedTokens,
    requestsPerSecond: rate(measured.successful),
    tokensPerSecond: rate(measured.generatedTokens),
    p50LatencySeconds: measured.latency.p50,
    p95LatencySeconds: measured.latency.p95,
    p99LatencySeconds: measured.latency.p99,
    p50TtftSeconds: measured.ttft.p50,
    p95TtftSeconds: measured.ttft.p95,
    p50TpotSeconds: measured.tpot.p50,
    p95TpotSeconds: measured.tpot.p95,
    costUsd: measured.costUsd,
    busyCostUsd: measured.utilization === null ? null : measured.costUsd * measured.utilization,
    utilization: measured.utilization,
    latencyHeadroomSeconds: latencyHeadroom(slo, measured),
    costPer1kSuccessful: perUnit(measured.costUsd, measured.successful, 1000),
    costPer1kAccepted: perUnit(measured.costUsd, measured.accepted, 1000),
    costPer1MTokens: perUnit(measured.costUsd, measured.generatedTokens, 1e6),
    costPer1MTokensInSlo: perUnit(measured.costUsd, measured.acceptedTokens, 1e6),
    goodputPerSecond: rate(measured.accepted),
    lcpr: perUnit(measured.costUsd, measured.accepted, 1),
    sloPassed: failures.length === 0,
    sloFailures: failures,
    stationarity: null,
  };
}

/** A matrix row from a simulator run's summary (its records were judged with perRequestGates). */
export function costMatrixRow(experiment: ExperimentConfig, cell: { readonly case: string; readonly profile: string; readonly runId: string }, summary: SimulationSummary): CostMatrixRow {
  // The summary's rates share one span: accepted / goodput (or successful / throughput) recovers it.
  const span = summary.accepted > 0 ? summary.accepted / summary.goodputPerSecond : summary.successful > 0 ? summary.successful / summary.requestsPerSecond : 0;
  return buildCostMatrixRow(experiment.slo, cell, {
    requests: summary.requests,
    successful: summary.successful,
    accepted: summary.accepted,
    dropped: summary.dropped,
    failed: summary.failed + summary.rejected,
    generatedTokens: summary.generatedTokens,
    acceptedTokens: Math.round(summary.tokenGoodputPerSecond * span),
    spanSeconds: span,
    latency: summary.latencySeconds,
    ttft: summary.ttftSeconds,
    tpot: summary.tpotSeconds,
    costUsd: summary.costUsd,
    utilization: summary.gpuBusyFraction,
  });
}
