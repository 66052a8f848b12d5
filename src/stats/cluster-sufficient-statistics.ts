import { _welch, type ArmMoments } from "./_arm-moments.js";
import { _invertSpd } from "./_dense.js";
import { _referenceInterval } from "./_interval.js";
import { _fail } from "./_validate.js";
import { _clusterRobustFromClusters } from "./cluster-robust.js";
import { _permuteUnits, _randomizationResult, type RandomizationInference } from "./randomization-inference.js";
import type { CupedEstimate } from "./cuped.js";
import type { DifferenceInMeans } from "./difference-in-means.js";
import type { RegressionEstimate } from "./_regression-result.js";

/**
 * Per-cluster sufficient statistics of one outcome y (and optionally one pre-period covariate x), as a SQL engine can
 * compute them in one GROUP BY: counts, sums, sums of squares and cross-products of the values centred at `shiftY` /
 * `shiftX` (the pooled means: centring keeps Σ(y − c)² − (Σ(y − c))²/n accurate in floating point). With them, Welch,
 * CR1/CR2, CUPED and cluster randomization inference need 1 000 clusters, not 10 000 000 rows.
 */
export interface ClusterSums {
  /** Arm (0 control, 1 treated) per cluster, clusters in first-appearance order. */
  readonly arm: Uint8Array;
  readonly rows: Float64Array;
  readonly sumY: Float64Array;
  readonly sumYY: Float64Array;
  readonly shiftY: number;
  /** Present with a pre-period covariate. */
  readonly x: { readonly sumX: Float64Array; readonly sumXX: Float64Array; readonly sumXY: Float64Array; readonly shiftX: number } | null;
}

interface ArmTotals {
  n: number;
  y: number;
  yy: number;
  x: number;
  xx: number;
  xy: number;
}

function armTotals(sums: ClusterSums): [ArmTotals, ArmTotals] {
  const totals: [ArmTotals, ArmTotals] = [{ n: 0, y: 0, yy: 0, x: 0, xx: 0, xy: 0 }, { n: 0, y: 0, yy: 0, x: 0, xx: 0, xy: 0 }];
  for (let g = 0; g < sums.arm.length; g++) {
    const total = totals[sums.arm[g] === 1 ? 1 : 0];
    total.n += sums.rows[g] ?? 0;
    total.y += sums.sumY[g] ?? 0;
    total.yy += sums.sumYY[g] ?? 0;
    if (sums.x !== null) {
      total.x += sums.x.sumX[g] ?? 0;
      total.xx += sums.x.sumXX[g] ?? 0;
      total.xy += sums.x.sumXY[g] ?? 0;
    }
  }
  return totals;
}

/** Mean and sample variance of an arm from n, Σ(y − c), Σ(y − c)². */
function moments(n: number, sum: number, squares: number, shift: number): ArmMoments {
  return { n, mean: shift + sum / n, variance: n > 1 ? (squares - (sum * sum) / n) / (n - 1) : Number.NaN };
}

/** Row-level Welch difference in means (Welch 1947) from cluster sums — equal to differenceInMeans on the rows. */
export function welchFromClusterSums(sums: ClusterSums, text: { estimand: string; method: string }): DifferenceInMeans {
  const [control, treated] = armTotals(sums);
  if (treated.n < 2 || control.n < 2) _fail("welchFromClusterSums", `needs at least 2 rows per arm (has ${treated.n} treated, ${control.n} control)`);
  const t = moments(treated.n, treated.y, treated.yy, sums.shiftY);
  const c = moments(control.n, control.y, control.yy, sums.shiftY);
  const { estimate, standardError, df } = _welch(t, c);
  return {
    ...text,
    estimate,
    standardError,
    ..._referenceInterval(estimate, standardError, df),
    df,
    n: treated.n + control.n,
    assumptions: ["rows are independent and are the assignment units (shown for reference when clusters are the units)", "the mean is approximately normal in each arm (CLT)"],
    meanTreated: t.mean,
    meanControl: c.mean,
    nTreated: t.n,
    nControl: c.n,
  };
}

/**
 * OLS of y on (1, treated) with CR1/CR2 cluster-robust SEs from cluster sums: X_gᵀX_g = n_g [[1, d_g], [d_g, d_g]] and
 * X_gᵀe_g = (Σ_g(y − c) − n_g(b₀ + b₁d_g)) (1, d_g) — the same Bell–McCaffrey computation as clusterRobust on rows.
 */
export function clusterRobustFromClusterSums(sums: ClusterSums, type: "CR1" | "CR2", treatmentColumn: string): RegressionEstimate {
  const clusterCount = sums.arm.length;
  if (clusterCount < 2) _fail("clusterRobustFromClusterSums", `all rows are in one cluster; cluster-robust SEs need at least 2 clusters`);
  const [control, treated] = armTotals(sums);
  const n = control.n + treated.n;
  const bread = _invertSpd(Float64Array.from([n, treated.n, treated.n, treated.n]), 2);
  if (bread === null) _fail("clusterRobustFromClusterSums", "one arm has no rows; the treatment coefficient is not identified");
  const b0 = (bread[0] ?? 0) * (control.y + treated.y) + (bread[1] ?? 0) * treated.y;
  const b1 = (bread[2] ?? 0) * (control.y + treated.y) + (bread[3] ?? 0) * treated.y;
  const grams = new Float64Array(clusterCount * 4);
  const scores = new Float64Array(clusterCount * 2);
  for (let g = 0; g < clusterCount; g++) {
    const d = sums.arm[g] ?? 0;
    const m = sums.rows[g] ?? 0;
    grams.set([m, m * d, m * d, m * d], g * 4);
    const residualSum = (sums.sumY[g] ?? 0) - m * (b0 + b1 * d);
    scores.set([residualSum, d * residualSum], g * 2);
  }
  const fit = { n, k: 2, names: ["(Intercept)", treatmentColumn], coefficients: Float64Array.from([b0 + sums.shiftY, b1]), bread, treatmentIndex: 1 };
  return _clusterRobustFromClusters(fit, grams, scores, clusterCount, type, treatmentColumn);
}

/**
 * CUPED (Deng, Xu, Kohavi & Walker 2013) from cluster sums: θ = Sxy/Sxx pooled; the adjusted arm means and variances
 * follow from Var(y − θx) = Var(y) − 2θCov(x, y) + θ²Var(x) — equal to cuped() on the rows.
 */
export function cupedFromClusterSums(sums: ClusterSums): CupedEstimate {
  const where = "cupedFromClusterSums";
  if (sums.x === null) _fail(where, "needs the pre-period covariate's sums");
  const [control, treated] = armTotals(sums);
  const n = control.n + treated.n;
  const sx = control.x + treated.x;
  const sy = control.y + treated.y;
  const sxx = control.xx + treated.xx - (sx * sx) / n;
  const sxy = control.xy + treated.xy - (sx * sy) / n;
  if (!(sxx > 0)) _fail(where, "the pre-period covariate is constant; CUPED needs a covariate that varies");
  const theta = sxy / sxx;
  const meanX = sx / n;
  const adjusted = (arm: ArmTotals): ArmMoments => {
    const varY = (arm.yy - (arm.y * arm.y) / arm.n) / (arm.n - 1);
    const varX = (arm.xx - (arm.x * arm.x) / arm.n) / (arm.n - 1);
    const cov = (arm.xy - (arm.x * arm.y) / arm.n) / (arm.n - 1);
    return { n: arm.n, mean: sums.shiftY + arm.y / arm.n - theta * (arm.x / arm.n - meanX), variance: varY - 2 * theta * cov + theta * theta * varX };
  };
  const raw = _welch(moments(treated.n, treated.y, treated.yy, sums.shiftY), moments(control.n, control.y, control.yy, sums.shiftY));
  const t = adjusted(treated);
  const c = adjusted(control);
  const { estimate, standardError, df } = _welch(t, c);
  return {
    estimand: "difference in mean outcome, treated − control (same ATE as the raw difference; CUPED only reduces variance)",
    method: "CUPED (pooled θ) + Welch t, from cluster sums",
    estimate,
    standardError,
    ..._referenceInterval(estimate, standardError, df),
    df,
    n,
    assumptions: ["the covariate is measured before assignment and cannot be affected by treatment", "θ is estimated from the same data (negligible bias for large n)"],
    meanTreated: t.mean,
    meanControl: c.mean,
    nTreated: t.n,
    nControl: c.n,
    theta,
    rawStandardError: raw.standardError,
    varianceReduction: 1 - (standardError / raw.standardError) ** 2,
  };
}

/** Fisher randomization test permuting whole clusters, from cluster sums — the same draws as randomizationInference(…, { units }). */
export function randomizationFromClusterSums(sums: ClusterSums, options: { readonly permutations: number; readonly seed: number }): RandomizationInference {
  const clusterCount = sums.arm.length;
  const draw = _permuteUnits(sums.sumY, sums.rows, sums.arm, new Int32Array(clusterCount), 1, options.permutations, options.seed);
  let n = 0;
  for (const rows of sums.rows) n += rows;
  return _randomizationResult(draw, { n, unitCount: clusterCount, permutations: options.permutations, seed: options.seed, unitWord: "units", blocks: null });
}
