import { _meanSd } from "./_linear-algebra.js";

/** Standardized mean difference of one covariate before and after weighting. */
export interface BalanceRow {
  readonly covariate: string;
  readonly before: number;
  readonly after: number;
}

/** Kish effective sample size and weight concentration per arm. */
export interface WeightSummary {
  readonly ess: { readonly treated: number; readonly control: number };
  /** ESS as a share of the arm's rows. */
  readonly essShare: { readonly treated: number; readonly control: number };
  readonly maxWeight: { readonly treated: number; readonly control: number };
  /** The largest single weight's share of its arm's total weight. */
  readonly maxWeightShare: { readonly treated: number; readonly control: number };
}

/** One propensity bin with the rows of each arm whose estimated propensity falls in it. */
export interface OverlapBin {
  readonly from: number;
  readonly to: number;
  readonly treated: number;
  readonly control: number;
}

/**
 * SMD = (m̄₁ − m̄₀)/√((s₁² + s₀²)/2) with unweighted arm SDs in the denominator for both columns, so "after" shows how
 * far weighting moved the means (Austin & Stuart 2015, Stat Med 34:3661; cobalt's s.d.denom = "pooled").
 */
export function balanceTable(t: Uint8Array, covariates: Readonly<Record<string, Float64Array>>, weights: Float64Array): BalanceRow[] {
  const treatedRows: number[] = [];
  const controlRows: number[] = [];
  t.forEach((value, row) => (value === 1 ? treatedRows : controlRows).push(row));
  const weightedMean = (values: Float64Array, rows: readonly number[], w: Float64Array | null): number => {
    let sum = 0;
    let total = 0;
    for (const row of rows) {
      const weight = w === null ? 1 : (w[row] ?? 0);
      sum += weight * (values[row] ?? 0);
      total += weight;
    }
    return sum / total;
  };
  return Object.entries(covariates).map(([covariate, values]) => {
    const pooled = Math.sqrt((_meanSd(values, treatedRows).sd ** 2 + _meanSd(values, controlRows).sd ** 2) / 2);
    const smd = (w: Float64Array | null): number => {
      const difference = weightedMean(values, treatedRows, w) - weightedMean(values, controlRows, w);
      return pooled > 0 ? difference / pooled : difference === 0 ? 0 : Math.sign(difference) * Infinity;
    };
    return { covariate, before: smd(null), after: smd(weights) };
  });
}

/** Kish's effective sample size (Σw)²/Σw² and the largest weight, per arm (Kish 1965, §11.7). */
export function summarizeWeights(t: Uint8Array, weights: Float64Array): WeightSummary {
  const arm = (value: 0 | 1): { ess: number; share: number; max: number; maxShare: number } => {
    let sum = 0;
    let squares = 0;
    let max = 0;
    let count = 0;
    weights.forEach((w, row) => {
      if (t[row] !== value) return;
      sum += w;
      squares += w * w;
      max = Math.max(max, w);
      count++;
    });
    const ess = (sum * sum) / squares;
    return { ess, share: ess / count, max, maxShare: max / sum };
  };
  const treated = arm(1);
  const control = arm(0);
  return {
    ess: { treated: treated.ess, control: control.ess },
    essShare: { treated: treated.share, control: control.share },
    maxWeight: { treated: treated.max, control: control.max },
    maxWeightShare: { treated: treated.maxShare, control: control.maxShare },
  };
}

/** Counts of estimated propensities per arm in `bins` equal bins of [0, 1] (the last bin includes 1): chart data for overlap. */
export function overlapHistogram(t: Uint8Array, propensity: Float64Array, bins = 20): OverlapBin[] {
  const counts = Array.from({ length: bins }, (_, b) => ({ from: b / bins, to: (b + 1) / bins, treated: 0, control: 0 }));
  propensity.forEach((e, row) => {
    const bin = counts[Math.min(bins - 1, Math.max(0, Math.floor(e * bins)))];
    if (bin === undefined) return;
    if (t[row] === 1) bin.treated++;
    else bin.control++;
  });
  return counts;
}
