import { _fail } from "../stats/_validate.js";

/**
 * Complete or quasi-complete separation by one covariate (Albert & Anderson 1984): the treated rows' range and the control
 * rows' range do not overlap (or touch only at one value, e.g. a dummy whose level 1 occurs in one arm only). The logistic
 * MLE does not exist then — the propensity is 0 or 1 for some rows and no weighting or adjustment can compare like with like.
 */
export function _checkSeparation(where: string, treatment: Uint8Array, covariates: Readonly<Record<string, Float64Array>>): void {
  for (const [name, values] of Object.entries(covariates)) {
    let minTreated = Infinity;
    let maxTreated = -Infinity;
    let minControl = Infinity;
    let maxControl = -Infinity;
    values.forEach((value, row) => {
      if (treatment[row] === 1) {
        minTreated = Math.min(minTreated, value);
        maxTreated = Math.max(maxTreated, value);
      } else {
        minControl = Math.min(minControl, value);
        maxControl = Math.max(maxControl, value);
      }
    });
    const describe = (low: string, lowMax: number, high: string, highMin: number): string => {
      const kind = lowMax < highMin ? "perfectly separates" : "quasi-completely separates";
      const tie = lowMax < highMin ? "" : ` (only the value ${highMin} occurs in both)`;
      return (
        `covariate "${name}" ${kind} the arms: every ${low} row has ${name} ≤ ${lowMax} and every ${high} row has ${name} ≥ ${highMin}${tie}. ` +
        `The propensity is 0 or 1 beyond that point, so the logistic model has no finite fit and no weighting or adjustment can compare like with like. ` +
        `Fix: restrict the rows to the range of "${name}" where both arms occur, merge the rare level, or drop "${name}" if it is a consequence of treatment`
      );
    };
    if (maxControl <= minTreated && minControl < maxTreated) _fail(where, describe("control", maxControl, "treated", minTreated));
    if (maxTreated <= minControl && minTreated < maxControl) _fail(where, describe("treated", maxTreated, "control", minControl));
  }
}
