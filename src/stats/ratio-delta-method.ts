import { _referenceInterval } from "./_interval.js";
import { _sumByUnit, _unitAggregates } from "./_unit-aggregates.js";
import { _checkLengths, _fail, _finiteColumn, _treatmentColumn } from "./_validate.js";
import type { Estimate, NumericArray, TreatmentArray, UnitLabels } from "./estimate.js";

export interface RatioOptions {
  /** Assignment units (users, clusters): sums are taken per unit and units are the independent draws. Default: rows. */
  readonly units?: UnitLabels;
}

/** One arm's ratio Σnumerator / Σdenominator and its delta-method SE. */
export interface ArmRatio {
  readonly ratio: number;
  readonly standardError: number;
  readonly units: number;
}

/** Difference of per-arm ratio metrics with delta-method SEs. */
export interface RatioEstimate extends Estimate {
  readonly treated: ArmRatio;
  readonly control: ArmRatio;
}

function armRatio(numerators: Float64Array, denominators: Float64Array, unitArm: Uint8Array, arm: number): ArmRatio {
  let count = 0;
  let sumN = 0;
  let sumD = 0;
  for (let unit = 0; unit < unitArm.length; unit++) {
    if (unitArm[unit] !== arm) continue;
    count++;
    sumN += numerators[unit] ?? 0;
    sumD += denominators[unit] ?? 0;
  }
  const meanN = sumN / count;
  const meanD = sumD / count;
  let varN = 0;
  let varD = 0;
  let cov = 0;
  for (let unit = 0; unit < unitArm.length; unit++) {
    if (unitArm[unit] !== arm) continue;
    const dn = (numerators[unit] ?? 0) - meanN;
    const dd = (denominators[unit] ?? 0) - meanD;
    varN += dn * dn;
    varD += dd * dd;
    cov += dn * dd;
  }
  varN /= count - 1;
  varD /= count - 1;
  cov /= count - 1;
  const ratio = sumN / sumD;
  const variance = (varN / meanD ** 2 - (2 * meanN * cov) / meanD ** 3 + (meanN ** 2 * varD) / meanD ** 4) / count;
  return { ratio, standardError: Math.sqrt(Math.max(0, variance)), units: count };
}

/** Ratio metric Σnumerator/Σdenominator per arm (e.g. cost per successful request) with the delta-method SE over assignment units (Deng, Knoblich & Lu 2018). */
export function ratioDeltaMethod(numerator: NumericArray, denominator: NumericArray, treated: TreatmentArray, options: RatioOptions = {}): RatioEstimate {
  const where = "ratioDeltaMethod";
  const n = _checkLengths(where, options.units === undefined ? { numerator, denominator, treated } : { numerator, denominator, treated, units: options.units });
  const numerators = _finiteColumn(where, "numerator", numerator);
  const denominators = _finiteColumn(where, "denominator", denominator, "nonNegative");
  const arms = _treatmentColumn(where, treated, 1);
  const { unitCount, codes, arm } = _unitAggregates(where, arms, options.units);
  const unitNumerators = _sumByUnit(numerators, codes, unitCount);
  const unitDenominators = _sumByUnit(denominators, codes, unitCount);
  let treatedUnits = 0;
  for (const value of arm) treatedUnits += value;
  if (treatedUnits < 2 || unitCount - treatedUnits < 2) _fail(where, `needs at least 2 assignment units per arm (has ${treatedUnits} treated, ${unitCount - treatedUnits} control)`);
  const treatedRatio = armRatio(unitNumerators, unitDenominators, arm, 1);
  const controlRatio = armRatio(unitNumerators, unitDenominators, arm, 0);
  if (!Number.isFinite(treatedRatio.ratio) || !Number.isFinite(controlRatio.ratio)) _fail(where, "the denominator sums to 0 in an arm; the ratio is undefined (e.g. no successful requests)");
  const estimate = treatedRatio.ratio - controlRatio.ratio;
  const standardError = Math.hypot(treatedRatio.standardError, controlRatio.standardError);
  return {
    estimand: "difference of ratio metrics Σnumerator/Σdenominator, treated − control (e.g. cost per successful request)",
    method: `delta method over ${options.units === undefined ? "rows" : "assignment units"} (normal reference)`,
    estimate,
    standardError,
    ..._referenceInterval(estimate, standardError, null),
    df: null,
    n,
    assumptions: [
      "assignment units are independent; numerator and denominator are summed within each unit",
      "enough units per arm for the first-order Taylor (delta-method) approximation",
      "the denominator can be moved by treatment: a change in the ratio may come from either side",
    ],
    treated: treatedRatio,
    control: controlRatio,
  };
}
