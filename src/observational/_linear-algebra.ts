import { _invertSpd } from "../stats/_dense.js";

/** A dense row-major n×k design matrix. */
export interface _Matrix {
  readonly n: number;
  readonly k: number;
  readonly values: Float64Array;
}

/** The design [1, columns…] (intercept first when `intercept`), restricted to `rows` when given. */
export function _designMatrix(columns: readonly Float64Array[], options: { readonly intercept: boolean; readonly rows?: ArrayLike<number> }): _Matrix {
  const rows = options.rows;
  const n = rows === undefined ? (columns[0]?.length ?? 0) : rows.length;
  const offset = options.intercept ? 1 : 0;
  const k = columns.length + offset;
  const values = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const source = rows === undefined ? i : (rows[i] ?? 0);
    if (options.intercept) values[i * k] = 1;
    columns.forEach((column, j) => {
      values[i * k + j + offset] = column[source] ?? Number.NaN;
    });
  }
  return { n, k, values };
}

/** Xᵀ diag(w) X (k×k) and Xᵀ diag(w) y (k); w defaults to 1. */
export function _weightedCrossProducts(x: _Matrix, y: ArrayLike<number> | null, weights: ArrayLike<number> | null): { xtx: Float64Array; xty: Float64Array } {
  const { n, k, values } = x;
  const xtx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const w = weights === null ? 1 : (weights[i] ?? 0);
    if (w === 0) continue;
    const base = i * k;
    const yi = y === null ? 0 : (y[i] ?? 0);
    for (let a = 0; a < k; a++) {
      const wa = w * (values[base + a] ?? 0);
      xty[a] = (xty[a] ?? 0) + wa * yi;
      for (let b = 0; b <= a; b++) xtx[a * k + b] = (xtx[a * k + b] ?? 0) + wa * (values[base + b] ?? 0);
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) xtx[b * k + a] = xtx[a * k + b] ?? 0;
  return { xtx, xty };
}

/** A⁻¹ for symmetric positive-definite A (Cholesky); null when A is singular (collinear design). */
export function _inverseSpd(matrix: Float64Array, k: number): Float64Array | null {
  return _invertSpd(matrix, k);
}

/** A v for a k×k matrix A. */
export function _matrixVector(matrix: Float64Array, vector: ArrayLike<number>, k: number): Float64Array {
  const output = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let sum = 0;
    for (let b = 0; b < k; b++) sum += (matrix[a * k + b] ?? 0) * (vector[b] ?? 0);
    output[a] = sum;
  }
  return output;
}

/** Row i of X times β. */
export function _rowDot(x: _Matrix, row: number, coefficients: ArrayLike<number>): number {
  let sum = 0;
  const base = row * x.k;
  for (let j = 0; j < x.k; j++) sum += (x.values[base + j] ?? 0) * (coefficients[j] ?? 0);
  return sum;
}

/** Mean and sample SD (n − 1) of the values at `rows` (all rows when omitted). */
export function _meanSd(values: ArrayLike<number>, rows?: ArrayLike<number>): { mean: number; sd: number } {
  const n = rows === undefined ? values.length : rows.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[rows === undefined ? i : (rows[i] ?? 0)] ?? 0;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((values[rows === undefined ? i : (rows[i] ?? 0)] ?? 0) - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0 };
}
