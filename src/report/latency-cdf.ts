import { quantileSorted } from "../stats/quantile.js";

/** One point of an empirical CDF: the share `probability` of requests finished within `seconds`. */
export interface CdfPoint {
  readonly seconds: number;
  readonly probability: number;
}

/**
 * The empirical CDF drawn as its quantile function on a fixed grid (p = 0, 0.01, …, 1; type-7 quantiles), so a chart
 * has at most 101 points however many requests ran. Samples need not be sorted; non-finite values are an error.
 */
export function latencyCdf(samplesSeconds: readonly number[], gridSteps = 100): CdfPoint[] {
  if (samplesSeconds.some((value) => !Number.isFinite(value))) throw new Error("latencyCdf: samples must be finite seconds");
  if (samplesSeconds.length === 0) return [];
  const sorted = Float64Array.from(samplesSeconds).sort();
  return Array.from({ length: gridSteps + 1 }, (_, index) => ({ seconds: quantileSorted(sorted, index / gridSteps), probability: index / gridSteps }));
}
