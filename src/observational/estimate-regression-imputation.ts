import { _matrixVector, type _Matrix } from "./_linear-algebra.js";
import type { _ArmOutcomeModels } from "./_arm-outcome-models.js";
import type { _Sample } from "./_sample.js";
import { _observationalEstimate, type ObservationalEstimand, type ObservationalEstimate } from "./observational-estimate.js";

/**
 * Regression imputation (the g-formula with linear outcome models per arm, Robins 1986): ATE = mean over all rows of
 * μ₁(x) − μ₀(x); ATT = mean over treated rows of y − μ₀(x). SE from the stacked M-estimation influence function that
 * includes the outcome models' estimation error: ATE ψ = μ₁ − μ₀ − τ + x̄ᵀM₁⁻¹x·T r₁ − x̄ᵀM₀⁻¹x·(1 − T) r₀;
 * ATT ψ = [T(y − μ₀ − τ) − p x̄₁ᵀM₀⁻¹x·(1 − T) r₀]/p, with M_a = (1/n)Σ_{T=a} x xᵀ, p the treated share, x̄₁ the treated mean.
 */
export function estimateRegressionImputation(sample: _Sample, design: _Matrix, models: _ArmOutcomeModels, estimand: ObservationalEstimand): ObservationalEstimate {
  const { y, t } = sample;
  const { n, k } = design;
  const { mu1, mu0 } = models;
  const treatedCount = t.reduce((sum, value) => sum + value, 0);
  const share = treatedCount / n;
  const averageX = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    if (estimand === "att" && t[i] !== 1) continue;
    for (let j = 0; j < k; j++) averageX[j] = (averageX[j] ?? 0) + (design.values[i * k + j] ?? 0) / (estimand === "ate" ? n : treatedCount);
  }
  let tau = 0;
  for (let i = 0; i < n; i++) {
    if (estimand === "ate") tau += ((mu1[i] ?? 0) - (mu0[i] ?? 0)) / n;
    else if (t[i] === 1) tau += ((y[i] ?? 0) - (mu0[i] ?? 0)) / treatedCount;
  }
  const projected1 = _matrixVector(models.inverseGram1, averageX, k);
  const projected0 = _matrixVector(models.inverseGram0, averageX, k);
  let variance = 0;
  for (let i = 0; i < n; i++) {
    let along1 = 0;
    let along0 = 0;
    for (let j = 0; j < k; j++) {
      const x = design.values[i * k + j] ?? 0;
      along1 += (projected1[j] ?? 0) * x;
      along0 += (projected0[j] ?? 0) * x;
    }
    const residual = (y[i] ?? 0) - (t[i] === 1 ? (mu1[i] ?? 0) : (mu0[i] ?? 0));
    const psi =
      estimand === "ate"
        ? (mu1[i] ?? 0) - (mu0[i] ?? 0) - tau + (t[i] === 1 ? along1 * residual : -along0 * residual)
        : ((t[i] === 1 ? (y[i] ?? 0) - (mu0[i] ?? 0) - tau : 0) - (t[i] === 1 ? 0 : share * along0 * residual)) / share;
    variance += psi * psi;
  }
  return _observationalEstimate({
    method: "regression-imputation",
    label: "regression imputation (g-formula), linear outcome model per arm",
    estimand: estimand.toUpperCase(),
    estimate: tau,
    standardError: Math.sqrt(variance) / n,
    n,
    standardErrorMethod: "stacked M-estimation influence function (outcome-model estimation included)",
    assumptions: ["the outcome is linear in the covariates within each arm (extrapolation where the arms do not overlap)"],
  });
}
