import { _armMoments } from "./_arm-moments.js";
import { _checkLengths, _finiteColumn, _treatmentColumn } from "./_validate.js";
import type { NumericArray, TreatmentArray } from "./estimate.js";

/** Balance of one covariate between arms. */
export interface StandardizedMeanDifference {
  /** (mean₁ − mean₀) / √((s₁² + s₀²)/2). */
  readonly estimate: number;
  readonly meanTreated: number;
  readonly meanControl: number;
  readonly sdTreated: number;
  readonly sdControl: number;
  /** |SMD| > 0.1, the usual imbalance threshold. */
  readonly imbalanced: boolean;
  readonly n: number;
  readonly estimand: string;
  readonly assumptions: readonly string[];
}

/** Standardized mean difference with the pooled-SD denominator √((s₁² + s₀²)/2) (Austin 2009, Stat Med 28:3083). */
export function standardizedMeanDifference(x: NumericArray, treated: TreatmentArray): StandardizedMeanDifference {
  const where = "standardizedMeanDifference";
  const n = _checkLengths(where, { x, treated });
  const covariate = _finiteColumn(where, "x", x);
  const arms = _treatmentColumn(where, treated, 2);
  const { treated: a, control: b } = _armMoments(covariate, arms);
  const pooled = Math.sqrt((a.variance + b.variance) / 2);
  const difference = a.mean - b.mean;
  const estimate = pooled > 0 ? difference / pooled : difference === 0 ? 0 : Math.sign(difference) * Infinity;
  return {
    estimate,
    meanTreated: a.mean,
    meanControl: b.mean,
    sdTreated: Math.sqrt(a.variance),
    sdControl: Math.sqrt(b.variance),
    imbalanced: Math.abs(estimate) > 0.1,
    n,
    estimand: "covariate balance between arms in pooled-SD units (a diagnostic, not an effect)",
    assumptions: ["the covariate is measured before assignment", "0.1 is a convention, not a test"],
  };
}
