import { _unitCodes } from "../stats/_validate.js";
import { clusterRobust, type Estimate, type TreatmentArray } from "../stats/index.js";

const treatedColumns = new WeakMap<object, Float64Array>();

/** The 0/1 treatment as a regressor column, converted once per treatment array. */
function treatedColumn(treated: TreatmentArray): Float64Array {
  let column = treatedColumns.get(treated);
  if (column === undefined) {
    column = Float64Array.from(treated, Number);
    treatedColumns.set(treated, column);
  }
  return column;
}

/**
 * Re-states a row-level difference estimate (raw, winsorized, log, CUPED — each a difference in means of a transformed
 * outcome) with a CR2 standard error over the assignment units, when rows are not the units (cluster, user, switchback).
 * The coefficient of OLS(transformed ~ 1 + treated) equals the difference in means, so only the SE, df, CI and p change;
 * rows within a unit share traffic and state, and a row-level SE would be too small by the design effect.
 * Bell & McCaffrey (2002) CR2 with Satterthwaite df, as estimatr::lm_robust(se_type = "CR2").
 */
export function withUnitRobustSe<T extends Estimate>(estimate: T, transformed: ArrayLike<number>, treated: TreatmentArray, units: readonly string[] | null): T {
  if (units === null) return estimate;
  const fit = clusterRobust(transformed, { treated: treatedColumn(treated) }, units, { treatmentColumn: "treated", type: "CR2" });
  const unitCount = _unitCodes("withUnitRobustSe", "units", units).count;
  return {
    ...estimate,
    estimate: fit.estimate,
    standardError: fit.standardError,
    ci95: fit.ci95,
    df: fit.df,
    pValue: fit.pValue,
    method: `${estimate.method}; SE: CR2 over ${unitCount} assignment units (Bell–McCaffrey df), not rows`,
    assumptions: [...estimate.assumptions.filter((text) => !/independent/i.test(text)), `the ${unitCount} assignment units are independent; rows within a unit may be arbitrarily correlated`],
  };
}
