import { _armMoments, _welch } from "./_arm-moments.js";
import { _referenceInterval } from "./_interval.js";
import { _checkLengths, _finiteColumn, _treatmentColumn } from "./_validate.js";
import type { Estimate, NumericArray, TreatmentArray } from "./estimate.js";

/** Difference in means with per-arm summaries. */
export interface DifferenceInMeans extends Estimate {
  readonly meanTreated: number;
  readonly meanControl: number;
  readonly nTreated: number;
  readonly nControl: number;
}

export interface DifferenceInMeansOptions {
  /** Names the outcome in the estimand text (default "outcome"). */
  readonly outcomeName?: string;
}

/** Treated − control difference in means with Welch's SE and Welch–Satterthwaite df (Welch 1947; R's t.test(var.equal = FALSE)). */
export function differenceInMeans(y: NumericArray, treated: TreatmentArray, options: DifferenceInMeansOptions = {}): DifferenceInMeans {
  const where = "differenceInMeans";
  const n = _checkLengths(where, { y, treated });
  const outcome = _finiteColumn(where, "y", y);
  const arms = _treatmentColumn(where, treated, 2);
  return _welchEstimate(outcome, arms, `difference in mean ${options.outcomeName ?? "outcome"}, treated − control (ATE under randomization)`, n, "Welch t (unequal variances)");
}

/** Welch comparison of an already validated column (shared by CUPED, winsorized and log effects). */
export function _welchEstimate(outcome: Float64Array, arms: Uint8Array, estimand: string, n: number, method: string, extraAssumptions: readonly string[] = []): DifferenceInMeans {
  const { treated, control } = _armMoments(outcome, arms);
  const { estimate, standardError, df } = _welch(treated, control);
  return {
    estimand,
    method,
    estimate,
    standardError,
    ..._referenceInterval(estimate, standardError, df),
    df,
    n,
    assumptions: [
      "rows are independent and are the assignment units (use clusterRobust or randomizationInference when assignment is by user, cluster or time block)",
      "the mean is approximately normal in each arm (CLT); fat tails need many rows",
      ...extraAssumptions,
    ],
    meanTreated: treated.mean,
    meanControl: control.mean,
    nTreated: treated.n,
    nControl: control.n,
  };
}
