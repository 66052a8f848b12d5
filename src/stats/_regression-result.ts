import { _referenceInterval } from "./_interval.js";
import type { Estimate } from "./estimate.js";
import type { LeastSquaresFit } from "./_least-squares.js";

/** One coefficient with its robust uncertainty. */
export interface RegressionCoefficient {
  readonly name: string;
  readonly estimate: number;
  readonly standardError: number;
  readonly ci95: readonly [number, number];
  readonly df: number | null;
  readonly pValue: number;
}

/** A regression readout: the treatment coefficient as the headline Estimate, plus every coefficient and the covariance. */
export interface RegressionEstimate extends Estimate {
  readonly coefficients: readonly RegressionCoefficient[];
  /** Robust covariance of the coefficients, k×k, in `coefficients` order. */
  readonly covariance: readonly (readonly number[])[];
}

/** Packs a sandwich covariance into the shared result shape. */
export function _regressionEstimate(fit: Pick<LeastSquaresFit, "n" | "k" | "names" | "coefficients" | "treatmentIndex">, covariance: Float64Array, dfs: readonly (number | null)[], text: { estimand: string; method: string; assumptions: readonly string[] }): RegressionEstimate {
  const { k } = fit;
  const coefficients = fit.names.map((name, index): RegressionCoefficient => {
    const estimate = fit.coefficients[index] ?? Number.NaN;
    const standardError = Math.sqrt(Math.max(0, covariance[index * k + index] ?? Number.NaN));
    const df = dfs[index] ?? null;
    return { name, estimate, standardError, df, ..._referenceInterval(estimate, standardError, df) };
  });
  const headline = coefficients[fit.treatmentIndex] ?? coefficients[0];
  if (headline === undefined) throw new RangeError("regression without coefficients");
  const rows = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_unused, j) => covariance[i * k + j] ?? Number.NaN));
  return { ...text, estimate: headline.estimate, standardError: headline.standardError, ci95: headline.ci95, df: headline.df, pValue: headline.pValue, n: fit.n, coefficients, covariance: rows };
}
