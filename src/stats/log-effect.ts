import { _welchEstimate } from "./difference-in-means.js";
import { _checkLengths, _fail, _finiteColumn, _treatmentColumn } from "./_validate.js";
import type { Estimate, NumericArray, TreatmentArray } from "./estimate.js";

export interface LogEffectOptions {
  /** Added before the log (default 0; every y + offset must be > 0). */
  readonly offset?: number;
}

/** Log-scale effect with its multiplicative form. */
export interface LogEffect extends Estimate {
  /** exp(Δ): ratio of geometric means (treated / control). */
  readonly multiplicativeEffect: number;
  /** exp of the log-scale interval. */
  readonly multiplicativeCi95: readonly [number, number];
  /** Delta-method SE of exp(Δ): exp(Δ)·SE(Δ). */
  readonly multiplicativeStandardError: number;
}

/** Difference in mean log outcome (Welch) and the multiplicative effect exp(Δ) with a log-scale CI (Keene 1995, "the log transformation is special"). */
export function logEffect(y: NumericArray, treated: TreatmentArray, options: LogEffectOptions = {}): LogEffect {
  const where = "logEffect";
  const offset = options.offset ?? 0;
  if (!Number.isFinite(offset) || offset < 0) _fail(where, `offset = ${offset} must be a finite number ≥ 0`);
  const n = _checkLengths(where, { y, treated });
  const outcome = _finiteColumn(where, "y", y);
  for (let index = 0; index < n; index++) {
    const shifted = (outcome[index] ?? 0) + offset;
    if (!(shifted > 0)) _fail(where, `y[${index}] + offset = ${shifted} is not positive; pass offset (e.g. 1) for zero outcomes`);
    outcome[index] = Math.log(shifted);
  }
  const arms = _treatmentColumn(where, treated, 2);
  const result = _welchEstimate(outcome, arms, `difference in mean log(outcome${offset === 0 ? "" : ` + ${offset}`}), treated − control; exp of it is the ratio of geometric means`, n, "Welch t on log outcome", [
    "a ratio of geometric means, not of arithmetic means: it down-weights the tail that drives cost",
  ]);
  const multiplicativeEffect = Math.exp(result.estimate);
  return {
    estimand: result.estimand,
    method: result.method,
    estimate: result.estimate,
    standardError: result.standardError,
    ci95: result.ci95,
    df: result.df,
    pValue: result.pValue,
    n,
    assumptions: result.assumptions,
    multiplicativeEffect,
    multiplicativeCi95: [Math.exp(result.ci95[0]), Math.exp(result.ci95[1])],
    multiplicativeStandardError: multiplicativeEffect * result.standardError,
  };
}
