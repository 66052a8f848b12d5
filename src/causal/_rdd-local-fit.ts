import { _invert } from "./_linear-solve.js";

/** One side of the cutoff, sorted by the running variable, with tie counts for nearest-neighbour variances. */
export interface _RddSide {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Number of observations sharing this x (mass points). */
  readonly dups: Int32Array;
  /** 1-based position of this observation inside its group of ties. */
  readonly dupsId: Int32Array;
}

/** Sorts one side by x and records ties. */
export function _makeSide(x: ArrayLike<number>, y: ArrayLike<number>): _RddSide {
  const order = Array.from({ length: x.length }, (_, index) => index).sort((a, b) => (x[a] ?? 0) - (x[b] ?? 0) || a - b);
  const xs = Float64Array.from(order, (index) => x[index] ?? 0);
  const ys = Float64Array.from(order, (index) => y[index] ?? 0);
  const dups = new Int32Array(xs.length);
  const dupsId = new Int32Array(xs.length);
  let start = 0;
  while (start < xs.length) {
    let end = start;
    while (end + 1 < xs.length && xs[end + 1] === xs[start]) end++;
    for (let index = start; index <= end; index++) {
      dups[index] = end - start + 1;
      dupsId[index] = index - start + 1;
    }
    start = end + 1;
  }
  return { x: xs, y: ys, dups, dupsId };
}

/** Weighted polynomial fit of y on (x − c)^0..order with triangular kernel weights (1 − |x − c|/h)/h, on the observations with positive weight. */
export interface _LocalFit {
  readonly n: number;
  readonly order: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly dups: Int32Array;
  readonly dupsId: Int32Array;
  readonly weights: Float64Array;
  /** Design rows (x − c)^j. */
  readonly rows: readonly (readonly number[])[];
  /** (R'WR)⁻¹. */
  readonly inverseGram: readonly (readonly number[])[];
  readonly beta: readonly number[];
}

/** Triangular kernel K(u) = (1 − |u|) on |u| ≤ 1, divided by h (the scale cancels in every ratio used). */
export function _triangularWeight(distance: number, bandwidth: number): number {
  const u = Math.abs(distance) / bandwidth;
  return u <= 1 ? (1 - u) / bandwidth : 0;
}

export function _localPolyFit(side: _RddSide, cutoff: number, bandwidth: number, order: number): _LocalFit | null {
  const kept: number[] = [];
  for (let index = 0; index < side.x.length; index++) if (_triangularWeight((side.x[index] ?? 0) - cutoff, bandwidth) > 0) kept.push(index);
  const k = order + 1;
  if (kept.length < k) return null;
  const x = Float64Array.from(kept, (index) => side.x[index] ?? 0);
  const y = Float64Array.from(kept, (index) => side.y[index] ?? 0);
  const weights = Float64Array.from(x, (value) => _triangularWeight(value - cutoff, bandwidth));
  const rows = Array.from(x, (value) => Array.from({ length: k }, (_, power) => (value - cutoff) ** power));
  const gram = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const moment = new Array<number>(k).fill(0);
  rows.forEach((row, index) => {
    const weight = weights[index] ?? 0;
    for (let a = 0; a < k; a++) {
      moment[a] = (moment[a] ?? 0) + weight * (row[a] ?? 0) * (y[index] ?? 0);
      const gramRow = gram[a] ?? [];
      for (let b = 0; b < k; b++) gramRow[b] = (gramRow[b] ?? 0) + weight * (row[a] ?? 0) * (row[b] ?? 0);
    }
  });
  const inverseGram = _invert(gram);
  if (inverseGram === null) return null;
  const beta = inverseGram.map((row) => row.reduce((sum, value, index) => sum + value * (moment[index] ?? 0), 0));
  return {
    n: kept.length, order, x, y, weights, rows, inverseGram, beta,
    dups: Int32Array.from(kept, (index) => side.dups[index] ?? 1),
    dupsId: Int32Array.from(kept, (index) => side.dupsId[index] ?? 1),
  };
}

/**
 * Nearest-neighbour residuals √(J/(J+1))·(yᵢ − mean of the J nearest neighbours in x), J ≥ `matches`
 * with ties kept together (Abadie & Imbens 2006; the default variance of Calonico, Cattaneo & Titiunik 2014).
 */
function nearestNeighbourResiduals(fit: _LocalFit, matches: number): Float64Array {
  const { x, y, dups, n } = fit;
  const residuals = new Float64Array(n);
  const need = Math.min(matches, n - 1);
  for (let position = 0; position < n; position++) {
    let right = (dups[position] ?? 1) - (fit.dupsId[position] ?? 1);
    let left = (fit.dupsId[position] ?? 1) - 1;
    while (left + right < need) {
      const leftIndex = position - left - 1;
      const rightIndex = position + right + 1;
      if (leftIndex < 0) right += dups[rightIndex] ?? 1;
      else if (rightIndex > n - 1) left += dups[leftIndex] ?? 1;
      else {
        const leftGap = (x[position] ?? 0) - (x[leftIndex] ?? 0);
        const rightGap = (x[rightIndex] ?? 0) - (x[position] ?? 0);
        if (leftGap > rightGap) right += dups[rightIndex] ?? 1;
        else if (leftGap < rightGap) left += dups[leftIndex] ?? 1;
        else {
          right += dups[rightIndex] ?? 1;
          left += dups[leftIndex] ?? 1;
        }
      }
    }
    const from = Math.max(0, position - left);
    const to = Math.min(n - 1, position + right);
    let sum = 0;
    for (let index = from; index <= to; index++) if (index !== position) sum += y[index] ?? 0;
    const count = to - from;
    residuals[position] = count > 0 ? Math.sqrt(count / (count + 1)) * ((y[position] ?? 0) - sum / count) : 0;
  }
  return residuals;
}

/** Residual scheme for the sandwich variance: HC1 (Eicker–Huber–White with n/(n−k)) or nearest neighbours (3 matches, as rdrobust's default). */
export type RddVarianceType = "hc1" | "nn";

/** Sandwich variance of coefficient `index`: [(R'WR)⁻¹ (Σ eᵢ² wᵢ² RᵢRᵢ') (R'WR)⁻¹]_{index,index}. */
export function _coefficientVariance(fit: _LocalFit, index: number, vce: RddVarianceType): number {
  const k = fit.order + 1;
  let residuals: Float64Array;
  if (vce === "nn") residuals = nearestNeighbourResiduals(fit, 3);
  else {
    const correction = fit.n > k ? Math.sqrt(fit.n / (fit.n - k)) : Number.NaN;
    residuals = Float64Array.from(fit.rows, (row, i) => correction * ((fit.y[i] ?? 0) - row.reduce((sum, value, j) => sum + value * (fit.beta[j] ?? 0), 0)));
  }
  // a = row `index` of (R'WR)⁻¹; the variance is Σ (eᵢ wᵢ a·Rᵢ)².
  const a = fit.inverseGram[index] ?? [];
  let variance = 0;
  fit.rows.forEach((row, i) => {
    const projection = row.reduce((sum, value, j) => sum + value * (a[j] ?? 0), 0);
    const term = (residuals[i] ?? 0) * (fit.weights[i] ?? 0) * projection;
    variance += term * term;
  });
  return variance;
}
