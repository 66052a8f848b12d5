import { _symmetricEigen } from "../stats/_dense.js";
import { _householderLeastSquares } from "./_householder-least-squares.js";
import { _weightedCrossProducts, type _Matrix } from "./_linear-algebra.js";

/** A ridge fit on standardized columns with an unpenalized intercept. */
export interface RidgeFit {
  /** The penalty λ used, on the scale of the standardized Gram matrix. */
  readonly penalty: number;
  /** Effective degrees of freedom tr(H) (intercept included). */
  readonly effectiveDf: number;
  /** Predictions for a design with the same columns. */
  readonly predict: (x: _Matrix) => Float64Array;
}

export interface RidgeOptions {
  /** A fixed λ ≥ 0 (0 = least squares, minimum-norm when rank deficient), or "gcv" (default): minimise generalized cross-validation. */
  readonly penalty?: number | "gcv";
}

/** λ candidates for GCV, as multiples of the mean eigenvalue of the standardized Gram matrix. */
const gcvMultiples = Array.from({ length: 33 }, (_, i) => 10 ** (-6 + i * 0.25));

/**
 * Ridge regression (Hoerl & Kennard 1970) of y on the columns of x (no intercept column: one is added unpenalized),
 * columns standardized to mean 0 and SD 1. λ is chosen through the eigen-decomposition Zᵀ Z = V D Vᵀ, so every candidate costs O(k):
 * β(λ) = V (D + λ)⁻¹ Vᵀ Zᵀ y, RSS(λ) = ‖y‖² − 2 Σ c²/(d + λ) + Σ d c²/(d + λ)², df(λ) = 1 + Σ d/(d + λ), and λ minimises
 * GCV = n RSS / (n − df)² (Golub, Heath & Wahba 1979); the coefficients come from a Householder QR of [Z; √λ I].
 */
export function fitRidge(x: _Matrix, y: ArrayLike<number>, options: RidgeOptions = {}): RidgeFit {
  const { n, k } = x;
  const means = new Float64Array(k);
  const scales = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x.values[i * k + j] ?? 0;
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += ((x.values[i * k + j] ?? 0) - mean) ** 2;
    means[j] = mean;
    scales[j] = Math.sqrt(squares / n);
  }
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += (y[i] ?? 0) / n;
  const z = new Float64Array(n * k);
  const centered = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    centered[i] = (y[i] ?? 0) - yMean;
    for (let j = 0; j < k; j++) z[i * k + j] = (scales[j] ?? 0) > 0 ? ((x.values[i * k + j] ?? 0) - (means[j] ?? 0)) / (scales[j] ?? 1) : 0;
  }
  const { xtx: gram, xty } = _weightedCrossProducts({ n, k, values: z }, centered, null);
  const { values: eigenvalues, vectors } = _symmetricEigen(gram, k);
  const c = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let sum = 0;
    for (let a = 0; a < k; a++) sum += (vectors[a * k + j] ?? 0) * (xty[a] ?? 0);
    c[j] = sum;
  }
  const largest = Math.max(0, ...eigenvalues);
  const usable = (d: number): boolean => d > 1e-10 * largest;
  let totalSquares = 0;
  for (let i = 0; i < n; i++) totalSquares += (centered[i] ?? 0) ** 2;
  const summary = (lambda: number): { rss: number; df: number } => {
    let rss = totalSquares;
    let df = 1;
    for (let j = 0; j < k; j++) {
      const d = eigenvalues[j] ?? 0;
      if (!usable(d)) continue;
      const cj = c[j] ?? 0;
      const shrink = 1 / (d + lambda);
      rss += -2 * cj * cj * shrink + d * cj * cj * shrink * shrink;
      df += d * shrink;
    }
    return { rss: Math.max(rss, 0), df };
  };
  let penalty: number;
  if (options.penalty === undefined || options.penalty === "gcv") {
    const meanEigenvalue = eigenvalues.reduce((sum, d) => sum + Math.max(d, 0), 0) / Math.max(k, 1);
    let best = Infinity;
    penalty = 0;
    for (const multiple of gcvMultiples) {
      const lambda = multiple * meanEigenvalue;
      const { rss, df } = summary(lambda);
      const gcv = df < n ? (n * rss) / (n - df) ** 2 : Infinity;
      if (gcv < best) {
        best = gcv;
        penalty = lambda;
      }
    }
  } else penalty = options.penalty;
  // The final fit by QR: the eigen route above is fine for choosing λ but loses cond(Z)² digits (badly conditioned splines).
  const standardizedBeta = _householderLeastSquares(z, centered, n, k, penalty);
  const beta = Float64Array.from(standardizedBeta, (value, j) => ((scales[j] ?? 0) > 0 ? value / (scales[j] ?? 1) : 0));
  const intercept = yMean - beta.reduce((sum, value, j) => sum + value * (means[j] ?? 0), 0);
  const predict = (design: _Matrix): Float64Array => {
    const output = new Float64Array(design.n);
    for (let i = 0; i < design.n; i++) {
      let sum = intercept;
      for (let j = 0; j < k; j++) sum += (design.values[i * design.k + j] ?? 0) * (beta[j] ?? 0);
      output[i] = sum;
    }
    return output;
  };
  return { penalty, effectiveDf: summary(penalty).df, predict };
}
