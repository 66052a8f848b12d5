import type { _RddSide } from "./_rdd-local-fit.js";

/** One bin of an RD plot: the mean outcome of the observations whose running variable falls in [xLow, xHigh). */
export interface RddBinnedMean {
  readonly side: "left" | "right";
  readonly xLow: number;
  readonly xHigh: number;
  readonly xMid: number;
  readonly meanOutcome: number;
  readonly n: number;
}

/**
 * Equal-width bins over one side's observed range, empty bins left out (the binned scatter of Calonico, Cattaneo &
 * Titiunik's rdplot with evenly spaced bins; the bin count is fixed rather than IMSE-chosen because it is only a picture).
 * The last bin is closed on the right so the side's maximum is counted.
 */
export function rddBinnedMeans(side: _RddSide, label: "left" | "right", bins = 20): RddBinnedMean[] {
  if (side.x.length === 0) return [];
  const low = side.x[0] ?? 0;
  const high = side.x[side.x.length - 1] ?? 0;
  const width = high > low ? (high - low) / bins : 1;
  const sums = new Float64Array(bins);
  const counts = new Int32Array(bins);
  for (let index = 0; index < side.x.length; index++) {
    const bin = Math.min(bins - 1, Math.floor(((side.x[index] ?? 0) - low) / width));
    sums[bin] = (sums[bin] ?? 0) + (side.y[index] ?? 0);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const result: RddBinnedMean[] = [];
  for (let bin = 0; bin < bins; bin++) {
    const n = counts[bin] ?? 0;
    if (n === 0) continue;
    const xLow = low + bin * width;
    result.push({ side: label, xLow, xHigh: xLow + width, xMid: xLow + width / 2, meanOutcome: (sums[bin] ?? 0) / n, n });
  }
  return result;
}
