/** Count, mean and sample variance (n − 1) of one arm. */
export interface ArmMoments {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

/** Two-pass per-arm moments over a column (no per-row allocation). */
export function _armMoments(values: Float64Array, arms: Uint8Array): { treated: ArmMoments; control: ArmMoments } {
  let n1 = 0;
  let n0 = 0;
  let sum1 = 0;
  let sum0 = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index] ?? 0;
    if (arms[index] === 1) {
      n1++;
      sum1 += value;
    } else {
      n0++;
      sum0 += value;
    }
  }
  const mean1 = sum1 / n1;
  const mean0 = sum0 / n0;
  let squares1 = 0;
  let squares0 = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index] ?? 0;
    if (arms[index] === 1) squares1 += (value - mean1) ** 2;
    else squares0 += (value - mean0) ** 2;
  }
  return {
    treated: { n: n1, mean: mean1, variance: n1 > 1 ? squares1 / (n1 - 1) : Number.NaN },
    control: { n: n0, mean: mean0, variance: n0 > 1 ? squares0 / (n0 - 1) : Number.NaN },
  };
}

/** Welch's standard error and Welch–Satterthwaite df for mean₁ − mean₀ (Welch 1947). */
export function _welch(treated: ArmMoments, control: ArmMoments): { estimate: number; standardError: number; df: number } {
  const share1 = treated.variance / treated.n;
  const share0 = control.variance / control.n;
  const variance = share1 + share0;
  const denominator = (share1 * share1) / (treated.n - 1) + (share0 * share0) / (control.n - 1);
  // Both arms constant: no spread to estimate; fall back to the pooled df so the interval is a point.
  const df = denominator > 0 ? (variance * variance) / denominator : treated.n + control.n - 2;
  return { estimate: treated.mean - control.mean, standardError: Math.sqrt(variance), df };
}
