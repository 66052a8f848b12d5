import { _symmetricEigen } from "./_dense.js";
import { _fitLeastSquares, type Design, type LeastSquaresFit } from "./_least-squares.js";
import { _regressionEstimate, type RegressionEstimate } from "./_regression-result.js";
import { _checkLengths, _fail, _unitCodes } from "./_validate.js";
import { _sandwich } from "./ols-robust.js";
import type { NumericArray, UnitLabels } from "./estimate.js";

/** Cluster-robust covariance flavours. */
export type ClusterSeType = "CR1" | "CR2";

export interface ClusterRobustOptions {
  /** Name of the design column whose coefficient is the headline effect. */
  readonly treatmentColumn: string;
  /** Default CR2 (bias-reduced linearization with Bell–McCaffrey df). */
  readonly type?: ClusterSeType;
  /** Add an intercept column (default true). */
  readonly intercept?: boolean;
}

/** Rows grouped by cluster: row indices in cluster order, cluster g occupies order[starts[g] .. starts[g+1]). */
function groupRows(codes: Int32Array, count: number): { order: Int32Array; starts: Int32Array } {
  const starts = new Int32Array(count + 1);
  for (const code of codes) starts[code + 1] = (starts[code + 1] ?? 0) + 1;
  for (let g = 0; g < count; g++) starts[g + 1] = (starts[g + 1] ?? 0) + (starts[g] ?? 0);
  const cursor = starts.slice(0, count);
  const order = new Int32Array(codes.length);
  for (let row = 0; row < codes.length; row++) {
    const code = codes[row] ?? 0;
    const position = cursor[code] ?? 0;
    order[position] = row;
    cursor[code] = position + 1;
  }
  return { order, starts };
}

/**
 * F such that (I − H_gg)^{−1/2} = I + X_g F X_gᵀ, from the k×k Gram matrix X_gᵀX_g and the bread (XᵀX)⁻¹ only,
 * so CR2 never forms the n_g×n_g hat block. Eigen-directions with 1 − λ ≈ 0 get the pseudo-inverse (as clubSandwich).
 */
function adjustmentFactor(gram: Float64Array, bread: Float64Array, k: number): Float64Array {
  const { values: gramValues, vectors: gramVectors } = _symmetricEigen(gram, k);
  let largest = 0;
  for (const value of gramValues) largest = Math.max(largest, value);
  const kept: number[] = [];
  for (let j = 0; j < k; j++) if ((gramValues[j] ?? 0) > 1e-12 * largest) kept.push(j);
  const r = kept.length;
  const factor = new Float64Array(k * k);
  if (r === 0) return factor;
  // T = V_r S (k×r); B = Tᵀ (XᵀX)⁻¹ T holds the non-zero eigenvalues of H_gg.
  const t = new Float64Array(k * r);
  kept.forEach((j, c) => {
    const s = Math.sqrt(gramValues[j] ?? 0);
    for (let i = 0; i < k; i++) t[i * r + c] = (gramVectors[i * k + j] ?? 0) * s;
  });
  const b = new Float64Array(r * r);
  for (let c1 = 0; c1 < r; c1++) {
    for (let c2 = 0; c2 < r; c2++) {
      let sum = 0;
      for (let i = 0; i < k; i++) {
        let inner = 0;
        for (let j = 0; j < k; j++) inner += (bread[i * k + j] ?? 0) * (t[j * r + c2] ?? 0);
        sum += (t[i * r + c1] ?? 0) * inner;
      }
      b[c1 * r + c2] = sum;
    }
  }
  const { values: leverages, vectors: q } = _symmetricEigen(b, r);
  // R = V_r S⁻¹ Q (k×r); F = R D Rᵀ with D = (1 − λ)^{−1/2} − 1.
  const rMatrix = new Float64Array(k * r);
  for (let i = 0; i < k; i++) {
    for (let c = 0; c < r; c++) {
      let sum = 0;
      kept.forEach((j, position) => {
        sum += ((gramVectors[i * k + j] ?? 0) / Math.sqrt(gramValues[j] ?? 1)) * (q[position * r + c] ?? 0);
      });
      rMatrix[i * r + c] = sum;
    }
  }
  const d = new Float64Array(r);
  for (let c = 0; c < r; c++) {
    const complement = 1 - (leverages[c] ?? 0);
    d[c] = complement > 1e-12 ? 1 / Math.sqrt(complement) - 1 : -1;
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (let c = 0; c < r; c++) sum += (rMatrix[i * r + c] ?? 0) * (d[c] ?? 0) * (rMatrix[j * r + c] ?? 0);
      factor[i * k + j] = sum;
    }
  }
  return factor;
}

/** Running sums for the Bell–McCaffrey df of one coefficient (Imbens & Kolesar 2016, working model Ω = I). */
interface DfAccumulator {
  readonly direction: Float64Array;
  sumQ: number;
  sumQSquared: number;
  sumQTimesPMP: number;
  readonly outer: Float64Array;
}

/**
 * OLS with cluster-robust SEs: CR1 (Stata's G/(G−1)·(n−1)/(n−k), df G − 1) or CR2 (Bell & McCaffrey 2002 bias-reduced
 * linearization with their Satterthwaite df, as estimatr::lm_robust(se_type = "CR2") and clubSandwich).
 */
export function clusterRobust(y: NumericArray, design: Design, cluster: UnitLabels, options: ClusterRobustOptions): RegressionEstimate {
  const where = "clusterRobust";
  const type = options.type ?? "CR2";
  _checkLengths(where, { y, cluster });
  const fit = _fitLeastSquares(where, y, design, options.treatmentColumn, options.intercept ?? true);
  const { n, k, x, residuals } = fit;
  const { codes, count: clusterCount } = _unitCodes(where, "cluster", cluster);
  if (clusterCount < 2) _fail(where, `all ${n} rows are in one cluster; cluster-robust SEs need at least 2 clusters (and in practice many more)`);
  const { order, starts } = groupRows(codes, clusterCount);
  // Per-cluster Gram matrices X_gᵀX_g and scores X_gᵀe_g: the only row-level quantities CR1/CR2 need.
  const grams = new Float64Array(clusterCount * k * k);
  const scores = new Float64Array(clusterCount * k);
  for (let g = 0; g < clusterCount; g++) {
    const gram = grams.subarray(g * k * k, (g + 1) * k * k);
    const score = scores.subarray(g * k, (g + 1) * k);
    for (let position = starts[g] ?? 0; position < (starts[g + 1] ?? 0); position++) {
      const row = order[position] ?? 0;
      const base = row * k;
      const residual = residuals[row] ?? 0;
      for (let i = 0; i < k; i++) {
        const xi = x[base + i] ?? 0;
        score[i] = (score[i] ?? 0) + xi * residual;
        for (let j = 0; j <= i; j++) gram[i * k + j] = (gram[i * k + j] ?? 0) + xi * (x[base + j] ?? 0);
      }
    }
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) gram[j * k + i] = gram[i * k + j] ?? 0;
  }
  return _clusterRobustFromClusters(fit, grams, scores, clusterCount, type, options.treatmentColumn);
}

/** The fit summary CR1/CR2 need besides the per-cluster Gram matrices and scores. */
export type ClusterFit = Pick<LeastSquaresFit, "n" | "k" | "names" | "coefficients" | "bread" | "treatmentIndex">;

/**
 * CR1 / CR2 from per-cluster sufficient statistics: Gram matrices X_gᵀX_g (G·k·k) and scores X_gᵀe_g (G·k). The row
 * path and the aggregated path (cluster sums from DuckDB) share this, so both give the same SE and Bell–McCaffrey df.
 */
export function _clusterRobustFromClusters(fit: ClusterFit, grams: Float64Array, scores: Float64Array, clusterCount: number, type: ClusterSeType, treatmentColumn: string): RegressionEstimate {
  const { n, k, bread } = fit;
  const adjusted = new Float64Array(k);
  const meat = new Float64Array(k * k);
  const accumulators: DfAccumulator[] = Array.from({ length: type === "CR2" ? k : 0 }, (_, l) => {
    const direction = new Float64Array(k);
    for (let i = 0; i < k; i++) direction[i] = bread[i * k + l] ?? 0;
    return { direction, sumQ: 0, sumQSquared: 0, sumQTimesPMP: 0, outer: new Float64Array(k * k) };
  });
  const a = new Float64Array(k);
  const p = new Float64Array(k);
  const temp = new Float64Array(k);
  for (let g = 0; g < clusterCount; g++) {
    const gram = grams.subarray(g * k * k, (g + 1) * k * k);
    const score = scores.subarray(g * k, (g + 1) * k);
    if (type === "CR1") adjusted.set(score);
    else {
      const factor = adjustmentFactor(gram, bread, k);
      // X_gᵀ A_g e_g = u + G F u.
      multiply(factor, score, k, temp);
      multiply(gram, temp, k, adjusted);
      for (let i = 0; i < k; i++) adjusted[i] = (adjusted[i] ?? 0) + (score[i] ?? 0);
      for (const accumulator of accumulators) {
        // a = m + F G m, p = G a, q = aᵀ G a  (A_g X_g m = X_g a).
        multiply(gram, accumulator.direction, k, temp);
        multiply(factor, temp, k, a);
        for (let i = 0; i < k; i++) a[i] = (a[i] ?? 0) + (accumulator.direction[i] ?? 0);
        multiply(gram, a, k, p);
        let q = 0;
        for (let i = 0; i < k; i++) q += (a[i] ?? 0) * (p[i] ?? 0);
        multiply(bread, p, k, temp);
        let pmp = 0;
        for (let i = 0; i < k; i++) pmp += (p[i] ?? 0) * (temp[i] ?? 0);
        accumulator.sumQ += q;
        accumulator.sumQSquared += q * q;
        accumulator.sumQTimesPMP += q * pmp;
        for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) accumulator.outer[i * k + j] = (accumulator.outer[i * k + j] ?? 0) + (p[i] ?? 0) * (p[j] ?? 0);
      }
    }
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) meat[i * k + j] = (meat[i * k + j] ?? 0) + (adjusted[i] ?? 0) * (adjusted[j] ?? 0);
  }
  const scale = type === "CR1" ? (clusterCount / (clusterCount - 1)) * ((n - 1) / (n - k)) : 1;
  const covariance = _sandwich(bread, meat, k, scale);
  const dfs = type === "CR1" ? fit.names.map(() => clusterCount - 1) : accumulators.map((accumulator) => bellMcCaffreyDf(accumulator, bread, k));
  return _regressionEstimate(fit, covariance, dfs, {
    estimand: `coefficient on ${treatmentColumn} with clusters as the independent units (ATE when clusters are randomized)`,
    method: type === "CR1" ? `OLS, CR1 cluster-robust SE (Stata small-sample factor), t(G − 1 = ${clusterCount - 1})` : `OLS, CR2 bias-reduced cluster-robust SE, Bell–McCaffrey df`,
    assumptions: [
      `clusters (${clusterCount}) are independent; rows within a cluster may be arbitrarily correlated`,
      "assignment (and any shared state the policy changes) does not cross cluster boundaries",
      "covariates are measured before assignment (no bad controls)",
      ...(clusterCount < 30 ? [`only ${clusterCount} clusters: rely on the small-sample df, not a normal interval`] : []),
    ],
  });
}

function multiply(matrix: Float64Array, vector: Float64Array, k: number, output: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += (matrix[i * k + j] ?? 0) * (vector[j] ?? 0);
    output[i] = sum;
  }
}

/** df = (tr GᵀG)² / tr((GᵀG)²) with (GᵀG)_st = δ_st q_s − p_sᵀ M p_t, summed without forming the G×G matrix. */
function bellMcCaffreyDf(accumulator: DfAccumulator, bread: Float64Array, k: number): number {
  const mz = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += (bread[i * k + p] ?? 0) * (accumulator.outer[p * k + j] ?? 0);
      mz[i * k + j] = sum;
    }
  }
  let traceMz = 0;
  let traceMzSquared = 0;
  for (let i = 0; i < k; i++) {
    traceMz += mz[i * k + i] ?? 0;
    for (let j = 0; j < k; j++) traceMzSquared += (mz[i * k + j] ?? 0) * (mz[j * k + i] ?? 0);
  }
  const trace = accumulator.sumQ - traceMz;
  const traceSquared = accumulator.sumQSquared - 2 * accumulator.sumQTimesPMP + traceMzSquared;
  return (trace * trace) / traceSquared;
}
