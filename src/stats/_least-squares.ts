import { _invertSpd } from "./_dense.js";
import { _checkLengths, _fail, _finiteColumn } from "./_validate.js";
import type { NumericArray } from "./estimate.js";

/** Regressors by name, one value per row; an intercept is added unless `intercept: false`. */
export type Design = Readonly<Record<string, NumericArray>>;

/** An OLS fit with everything the sandwich estimators need. */
export interface LeastSquaresFit {
  readonly n: number;
  readonly k: number;
  readonly names: readonly string[];
  /** Row-major n×k design. */
  readonly x: Float64Array;
  readonly coefficients: Float64Array;
  /** (XᵀX)⁻¹, row-major k×k. */
  readonly bread: Float64Array;
  readonly residuals: Float64Array;
  readonly treatmentIndex: number;
}

/** Ordinary least squares by the normal equations with a Cholesky inverse; rejects collinear designs. */
export function _fitLeastSquares(where: string, y: NumericArray, design: Design, treatmentColumn: string, intercept: boolean): LeastSquaresFit {
  const regressorNames = Object.keys(design);
  const names = intercept ? ["(Intercept)", ...regressorNames] : regressorNames;
  const k = names.length;
  if (k === 0) _fail(where, "the design has no columns; pass at least the treatment column");
  const treatmentIndex = names.indexOf(treatmentColumn);
  if (treatmentIndex < 0) _fail(where, `treatmentColumn "${treatmentColumn}" is not in the design (columns: ${regressorNames.join(", ")})`);
  const n = _checkLengths(where, { y, ...design });
  if (n <= k) _fail(where, `${n} rows cannot identify ${k} coefficients; need more rows than coefficients`);
  const outcome = _finiteColumn(where, "y", y);
  const x = new Float64Array(n * k);
  const offset = intercept ? 1 : 0;
  if (intercept) for (let row = 0; row < n; row++) x[row * k] = 1;
  regressorNames.forEach((name, index) => {
    const column = _finiteColumn(where, name, design[name] ?? []);
    for (let row = 0; row < n; row++) x[row * k + index + offset] = column[row] ?? 0;
  });
  const crossProduct = new Float64Array(k * k);
  const crossOutcome = new Float64Array(k);
  for (let row = 0; row < n; row++) {
    const base = row * k;
    const value = outcome[row] ?? 0;
    for (let i = 0; i < k; i++) {
      const xi = x[base + i] ?? 0;
      crossOutcome[i] = (crossOutcome[i] ?? 0) + xi * value;
      for (let j = 0; j <= i; j++) crossProduct[i * k + j] = (crossProduct[i * k + j] ?? 0) + xi * (x[base + j] ?? 0);
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) crossProduct[j * k + i] = crossProduct[i * k + j] ?? 0;
  const bread = _invertSpd(crossProduct, k);
  if (bread === null) _fail(where, `the design columns (${names.join(", ")}) are collinear or a column is constant; drop the redundant column`);
  const coefficients = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += (bread[i * k + j] ?? 0) * (crossOutcome[j] ?? 0);
    coefficients[i] = sum;
  }
  const residuals = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    let fitted = 0;
    for (let j = 0; j < k; j++) fitted += (x[row * k + j] ?? 0) * (coefficients[j] ?? 0);
    residuals[row] = (outcome[row] ?? 0) - fitted;
  }
  return { n, k, names, x, coefficients, bread, residuals, treatmentIndex };
}
