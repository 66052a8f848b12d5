import { _fail } from "../stats/_validate.js";
import { _inverseSpd, _matrixVector, _rowDot, _weightedCrossProducts, type _Matrix } from "./_linear-algebra.js";

/** Linear outcome models fitted separately in each arm, with predictions for every row. */
export interface _ArmOutcomeModels {
  /** μ₁(x) and μ₀(x) for every row. */
  readonly mu1: Float64Array;
  readonly mu0: Float64Array;
  /** (1/n Σ_{T=a} x xᵀ)⁻¹ for a = 1, 0 (n = all rows), for influence functions. */
  readonly inverseGram1: Float64Array;
  readonly inverseGram0: Float64Array;
}

/** OLS of y on the design within each arm (g-formula outcome models); refuses an arm too small or collinear for the fit. */
export function _fitArmOutcomeModels(design: _Matrix, y: Float64Array, t: Uint8Array): _ArmOutcomeModels {
  const where = "outcome regression";
  const { n, k } = design;
  const fitArm = (arm: 0 | 1): { prediction: Float64Array; inverseGram: Float64Array } => {
    const indicator = Float64Array.from(t, (value) => (value === arm ? 1 : 0));
    const count = indicator.reduce((sum, value) => sum + value, 0);
    if (count <= k) _fail(where, `the ${arm === 1 ? "treated" : "control"} arm has ${count} rows for ${k} outcome-model coefficients; use fewer covariates or more data`);
    const { xtx, xty } = _weightedCrossProducts(design, y, indicator);
    const inverse = _inverseSpd(xtx, k);
    if (inverse === null) _fail(where, `the covariates are collinear (or one is constant) within the ${arm === 1 ? "treated" : "control"} arm; drop the redundant covariate`);
    const coefficients = _matrixVector(inverse, xty, k);
    const prediction = new Float64Array(n);
    for (let i = 0; i < n; i++) prediction[i] = _rowDot(design, i, coefficients);
    return { prediction, inverseGram: inverse.map((value) => value * n) };
  };
  const treated = fitArm(1);
  const control = fitArm(0);
  return { mu1: treated.prediction, mu0: control.prediction, inverseGram1: treated.inverseGram, inverseGram0: control.inverseGram };
}
