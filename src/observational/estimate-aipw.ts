import type { _ArmOutcomeModels } from "./_arm-outcome-models.js";
import type { _Sample } from "./_sample.js";
import { _observationalEstimate, type ObservationalEstimand, type ObservationalEstimate } from "./observational-estimate.js";

/**
 * Augmented IPW, doubly robust (Robins, Rotnitzky & Zhao 1994; Glynn & Quinn 2010): consistent if either the propensity
 * or the outcome models are right. ATE: mean of φ = μ₁ − μ₀ + T(y − μ₁)/e − (1 − T)(y − μ₀)/(1 − e). ATT (Moodie et al.
 * 2018): [Σ T(y − μ₀) − Σ (1 − T) e/(1 − e)(y − μ₀)] / Σ T. SE from the influence function, √Σ(φ − τ)² / n (the nuisance
 * fits do not enter to first order: the score is Neyman-orthogonal).
 */
export function estimateAipw(sample: _Sample, propensity: Float64Array, models: _ArmOutcomeModels, estimand: ObservationalEstimand): ObservationalEstimate {
  const { y, t } = sample;
  const { mu1, mu0 } = models;
  const n = y.length;
  const phi = new Float64Array(n);
  let tau = 0;
  const treatedCount = t.reduce((sum, value) => sum + value, 0);
  for (let i = 0; i < n; i++) {
    const e = propensity[i] ?? 0;
    const yi = y[i] ?? 0;
    if (estimand === "ate") phi[i] = (mu1[i] ?? 0) - (mu0[i] ?? 0) + (t[i] === 1 ? (yi - (mu1[i] ?? 0)) / e : -(yi - (mu0[i] ?? 0)) / (1 - e));
    else phi[i] = t[i] === 1 ? yi - (mu0[i] ?? 0) : (-e / (1 - e)) * (yi - (mu0[i] ?? 0));
    tau += phi[i] ?? 0;
  }
  tau /= estimand === "ate" ? n : treatedCount;
  let variance = 0;
  const share = treatedCount / n;
  for (let i = 0; i < n; i++) {
    const psi = estimand === "ate" ? (phi[i] ?? 0) - tau : ((phi[i] ?? 0) - (t[i] ?? 0) * tau) / share;
    variance += psi * psi;
  }
  return _observationalEstimate({
    method: "aipw",
    label: "augmented IPW (doubly robust): logistic propensity + linear outcome model per arm",
    estimand: estimand.toUpperCase(),
    estimate: tau,
    standardError: Math.sqrt(variance) / n,
    n,
    standardErrorMethod: "influence function (nuisance estimation ignored to first order)",
    assumptions: ["either the propensity model or the outcome models are correctly specified"],
  });
}
