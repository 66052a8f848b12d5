import { _referenceInterval } from "../stats/_interval.js";

/** Average treatment effect over everyone, or on the treated. */
export type ObservationalEstimand = "ate" | "att";

/** One estimator's answer, with how its SE was computed and what it needs to mean anything. */
export interface ObservationalEstimate {
  /** Short stable name: "ols-adjustment", "regression-imputation", "ipw", "aipw", "double-ml". */
  readonly method: "ols-adjustment" | "regression-imputation" | "ipw" | "aipw" | "double-ml";
  /** What the method is, in words. */
  readonly label: string;
  /** "ATE", "ATT", or the model coefficient the method targets. */
  readonly estimand: string;
  readonly estimate: number;
  readonly standardError: number;
  readonly ci95: readonly [number, number];
  readonly pValue: number;
  /** t degrees of freedom, or null for a normal reference. */
  readonly df: number | null;
  readonly n: number;
  readonly standardErrorMethod: string;
  /** Modelling assumptions on top of the shared identification assumption (no unmeasured confounding, overlap). */
  readonly assumptions: readonly string[];
}

/** Packs an estimate and its SE with the 95 % interval and p-value (normal reference unless df is given). */
export function _observationalEstimate(fields: Omit<ObservationalEstimate, "ci95" | "pValue" | "df"> & { readonly df?: number | null }): ObservationalEstimate {
  const df = fields.df ?? null;
  return { ...fields, df, ..._referenceInterval(fields.estimate, fields.standardError, df) };
}
