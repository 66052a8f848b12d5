import { quantileSorted } from "../stats/quantile.js";
/** Sample statistics printed with their count; percentiles by linear interpolation. */
export interface SampleSummary {
  readonly n: number;
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/**
 * The p-quantile (0 ≤ p ≤ 1) of ascending-sorted values by linear interpolation between order
 * statistics: h = (n − 1)·p, x⌊h⌋ + (h − ⌊h⌋)(x⌈h⌉ − x⌊h⌋) — Hyndman & Fan (1996) type 7, the
 * default of R's quantile() and NumPy's percentile(). Null for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  return sorted.length === 0 ? null : quantileSorted(sorted, p);
}

/** n, mean, p50/p90/p95/p99 and max of the values (any order; non-finite values are skipped). */
export function summarizeSamples(values: Iterable<number>): SampleSummary {
  const sorted: number[] = [];
  let sum = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    sorted.push(value);
    sum += value;
  }
  sorted.sort((a, b) => a - b);
  const n = sorted.length;
  return {
    n,
    mean: n === 0 ? null : sum / n,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: n === 0 ? null : (sorted[n - 1] ?? null),
  };
}
