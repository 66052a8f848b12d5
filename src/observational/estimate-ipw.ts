import { _matrixVector } from "./_linear-algebra.js";
import type { _Sample } from "./_sample.js";
import type { PropensityFit } from "./fit-logistic-propensity.js";
import { _observationalEstimate, type ObservationalEstimand, type ObservationalEstimate } from "./observational-estimate.js";

/** The Hájek IPW estimate plus the per-row weights it used (for balance and ESS diagnostics). */
export interface IpwResult {
  readonly estimate: ObservationalEstimate;
  /** ATE: 1/e for treated, 1/(1 − e) for controls. ATT: 1 for treated, e/(1 − e) for controls. */
  readonly weights: Float64Array;
}

/** The inverse-probability weight of each row for the estimand. */
export function ipwWeights(t: Uint8Array, propensity: Float64Array, estimand: ObservationalEstimand): Float64Array {
  return Float64Array.from(propensity, (e, i) => (t[i] === 1 ? (estimand === "ate" ? 1 / e : 1) : estimand === "ate" ? 1 / (1 - e) : e / (1 - e)));
}

/**
 * Inverse-probability weighting with normalized (Hájek) weights: the weighted mean of the treated minus that of the controls.
 * SE by stacked M-estimation that accounts for the estimated logistic propensity (Lunceford & Davidian 2004, Stat Med
 * 23:2937, eq. 9–10): ψ₁ = (w₁(y − μ₁) − H₁ᵀ I⁻¹ S)/E[w₁], ψ₀ = (w₀(y − μ₀) + G₀ᵀ I⁻¹ S)/E[w₀], with S = x(T − e) the logistic
 * score, I its information, H₁ = E[T(y − μ₁)(1 − e)/e · x] (ATE only) and G₀ = E[(1 − T)(y − μ₀) e/(1 − e) · x]; Var = Σ(ψ₁ − ψ₀)²/n².
 */
export function estimateIpw(sample: _Sample, propensity: PropensityFit, estimand: ObservationalEstimand): IpwResult {
  const { y, t } = sample;
  const e = propensity.fitted;
  const n = y.length;
  const weights = ipwWeights(t, e, estimand);
  let sum1 = 0;
  let sum0 = 0;
  let weighted1 = 0;
  let weighted0 = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i] ?? 0;
    if (t[i] === 1) {
      sum1 += w;
      weighted1 += w * (y[i] ?? 0);
    } else {
      sum0 += w;
      weighted0 += w * (y[i] ?? 0);
    }
  }
  const mu1 = weighted1 / sum1;
  const mu0 = weighted0 / sum0;
  const { design, inverseInformation } = propensity;
  const k = design.k;
  const h1 = new Float64Array(k);
  const g0 = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const ei = e[i] ?? 0;
    const yi = y[i] ?? 0;
    const a = t[i] === 1 ? (estimand === "ate" ? ((yi - mu1) * (1 - ei)) / ei : 0) : 0;
    const b = t[i] === 1 ? 0 : ((yi - mu0) * ei) / (1 - ei);
    for (let j = 0; j < k; j++) {
      const x = design.values[i * k + j] ?? 0;
      h1[j] = (h1[j] ?? 0) + (a * x) / n;
      g0[j] = (g0[j] ?? 0) + (b * x) / n;
    }
  }
  const h1Projected = _matrixVector(inverseInformation, h1, k);
  const g0Projected = _matrixVector(inverseInformation, g0, k);
  const d1 = sum1 / n;
  const d0 = sum0 / n;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const residual = (t[i] ?? 0) - (e[i] ?? 0);
    let h = 0;
    let g = 0;
    for (let j = 0; j < k; j++) {
      const score = (design.values[i * k + j] ?? 0) * residual;
      h += (h1Projected[j] ?? 0) * score;
      g += (g0Projected[j] ?? 0) * score;
    }
    const w = weights[i] ?? 0;
    const psi1 = ((t[i] === 1 ? w * ((y[i] ?? 0) - mu1) : 0) - h) / d1;
    const psi0 = ((t[i] === 1 ? 0 : w * ((y[i] ?? 0) - mu0)) + g) / d0;
    variance += (psi1 - psi0) ** 2;
  }
  const estimate = _observationalEstimate({
    method: "ipw",
    label: "inverse-probability weighting, normalized (Hájek) weights",
    estimand: estimand.toUpperCase(),
    estimate: mu1 - mu0,
    standardError: Math.sqrt(variance) / n,
    n,
    standardErrorMethod: "stacked M-estimation sandwich, accounting for the estimated propensity (Lunceford & Davidian 2004)",
    assumptions: ["the logistic propensity model (linear in the covariates) is correctly specified"],
  });
  return { estimate, weights };
}
