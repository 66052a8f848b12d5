/** Sample quantile of ascending-sorted values, Hyndman & Fan (1996) type 7 (R's default): linear interpolation at h = (n − 1)p. */
export function quantileSorted(sorted: ArrayLike<number>, probability: number): number {
  const n = sorted.length;
  if (n === 0 || !(probability >= 0 && probability <= 1)) return Number.NaN;
  const h = (n - 1) * probability;
  const low = Math.floor(h);
  const lowValue = sorted[low] ?? Number.NaN;
  if (low + 1 >= n) return lowValue;
  return lowValue + (h - low) * ((sorted[low + 1] ?? Number.NaN) - lowValue);
}
