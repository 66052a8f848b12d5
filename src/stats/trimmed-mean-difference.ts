import { _referenceInterval } from "./_interval.js";
import { _checkLengths, _fail, _finiteColumn, _treatmentColumn } from "./_validate.js";
import type { Estimate, NumericArray, TreatmentArray } from "./estimate.js";

export interface TrimmedMeanOptions {
  /** Share trimmed from EACH tail per arm (default 0.2). */
  readonly trim?: number;
}

function trimmedArm(sorted: Float64Array, trim: number): { mean: number; d: number; h: number } {
  const n = sorted.length;
  const g = Math.floor(trim * n);
  const h = n - 2 * g;
  let trimmedSum = 0;
  for (let index = g; index < n - g; index++) trimmedSum += sorted[index] ?? 0;
  const low = sorted[g] ?? 0;
  const high = sorted[n - g - 1] ?? 0;
  let winsorizedSum = 0;
  for (let index = 0; index < n; index++) winsorizedSum += Math.min(high, Math.max(low, sorted[index] ?? 0));
  const winsorizedMean = winsorizedSum / n;
  let squares = 0;
  for (let index = 0; index < n; index++) squares += (Math.min(high, Math.max(low, sorted[index] ?? 0)) - winsorizedMean) ** 2;
  return { mean: trimmedSum / h, d: squares / (h * (h - 1)), h };
}

/** Yuen's (1974) trimmed-mean difference with winsorized variances and Welch-type df (Wilcox 2017, §5.3; WRS2::yuen). */
export function trimmedMeanDifference(y: NumericArray, treated: TreatmentArray, options: TrimmedMeanOptions = {}): Estimate {
  const where = "trimmedMeanDifference";
  const trim = options.trim ?? 0.2;
  if (!(trim >= 0 && trim < 0.5)) _fail(where, `trim = ${trim} must be in [0, 0.5), e.g. 0.2`);
  const n = _checkLengths(where, { y, treated });
  const outcome = _finiteColumn(where, "y", y);
  const arms = _treatmentColumn(where, treated, 2);
  let treatedCount = 0;
  for (const arm of arms) treatedCount += arm;
  const treatedValues = new Float64Array(treatedCount);
  const controlValues = new Float64Array(n - treatedCount);
  let t = 0;
  let c = 0;
  for (let index = 0; index < n; index++) {
    if (arms[index] === 1) treatedValues[t++] = outcome[index] ?? 0;
    else controlValues[c++] = outcome[index] ?? 0;
  }
  const a = trimmedArm(treatedValues.sort(), trim);
  const b = trimmedArm(controlValues.sort(), trim);
  if (a.h < 2 || b.h < 2) _fail(where, `trimming ${trim * 100} % leaves fewer than 2 rows in an arm; use more rows or a smaller trim`);
  const estimate = a.mean - b.mean;
  const standardError = Math.sqrt(a.d + b.d);
  const denominator = (a.d * a.d) / (a.h - 1) + (b.d * b.d) / (b.h - 1);
  const df = denominator > 0 ? (a.d + b.d) ** 2 / denominator : a.h + b.h - 2;
  return {
    estimand: `difference in ${trim * 100} %-trimmed means per arm (a central-tendency effect, not the mean cost)`,
    method: "Yuen trimmed-mean t with winsorized variances",
    estimate,
    standardError,
    ..._referenceInterval(estimate, standardError, df),
    df,
    n,
    assumptions: ["rows are independent and are the assignment units", "the trimmed mean ignores the tails the business pays for: report the raw mean beside it"],
  };
}
