import { studentTQuantile } from "../stats/student-t.js";
import type { CostMatrixRow } from "./cost-matrix.js";
import type { ExperimentConfig } from "./experiment-schema.js";

/** A mean across replicate runs with its two-sided 95 % Student-t interval (n − 1 degrees of freedom). */
export interface ReplicateInterval {
  readonly n: number;
  readonly mean: number;
  readonly ci95: readonly [number, number];
}

/** mean ± t(0.975, n − 1) · s / √n over independent replicates (one value per seed); no interval for n < 2. */
export function replicateInterval(values: readonly number[]): ReplicateInterval {
  const n = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  if (n < 2) return { n, mean, ci95: [NaN, NaN] };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const half = studentTQuantile(0.975, n - 1) * Math.sqrt(variance / n);
  return { n, mean, ci95: [mean - half, mean + half] };
}

/** What a row carries about its replicates: seeds, requests per replicate, and an interval per percentile. */
export interface ReplicateSummary {
  readonly seeds: readonly number[];
  readonly requestsPerReplicate: number;
  readonly runIds: readonly string[];
  readonly p50LatencySeconds: ReplicateInterval;
  readonly p95LatencySeconds: ReplicateInterval;
  readonly p99LatencySeconds: ReplicateInterval;
  readonly goodputPerSecond: ReplicateInterval;
  readonly costPer1kAccepted: ReplicateInterval;
}

const intervalText = (name: string, interval: ReplicateInterval): string => `${name} 95 % CI ${interval.ci95[0].toFixed(2)}–${interval.ci95[1].toFixed(2)} s`;

/**
 * The primary (first-seed) row with its replicates attached. A percentile gate passes only when
 * its interval's upper end is within the bound: with replicates, "p95 ≤ 4 s" is a claim about the
 * configuration, not about one seed's draw.
 */
export function withReplicates(primary: CostMatrixRow, replicates: readonly CostMatrixRow[], options: { readonly seeds: readonly number[]; readonly slo: ExperimentConfig["slo"] }): CostMatrixRow & { readonly replicates: ReplicateSummary } {
  const of = (key: "p50LatencySeconds" | "p95LatencySeconds" | "p99LatencySeconds" | "goodputPerSecond" | "costPer1kAccepted"): ReplicateInterval => replicateInterval(replicates.map((row) => row[key]));
  const summary: ReplicateSummary = {
    seeds: options.seeds,
    requestsPerReplicate: primary.requests,
    runIds: replicates.map((row) => row.runId),
    p50LatencySeconds: of("p50LatencySeconds"),
    p95LatencySeconds: of("p95LatencySeconds"),
    p99LatencySeconds: of("p99LatencySeconds"),
    goodputPerSecond: of("goodputPerSecond"),
    costPer1kAccepted: of("costPer1kAccepted"),
  };
  const failures = [...new Set(replicates.flatMap((row, index) => row.sloFailures.map((failure) => `seed ${options.seeds[index] ?? "?"}: ${failure}`)))];
  const gates = [
    { name: "p95", bound: options.slo.p95LatencySeconds, interval: summary.p95LatencySeconds },
    { name: "p99", bound: options.slo.p99LatencySeconds, interval: summary.p99LatencySeconds },
  ];
  for (const gate of gates) {
    if (gate.bound !== undefined && replicates.length > 1 && !(gate.interval.ci95[1] <= gate.bound)) failures.push(`${intervalText(gate.name, gate.interval)} reaches above ${gate.bound} s (${replicates.length} seeds)`);
  }
  return { ...primary, replicates: summary, sloFailures: failures, sloPassed: failures.length === 0 };
}
