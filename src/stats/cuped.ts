import { _armMoments, _welch } from "./_arm-moments.js";
import { _welchEstimate, type DifferenceInMeans } from "./difference-in-means.js";
import { _checkLengths, _fail, _finiteColumn, _treatmentColumn } from "./_validate.js";
import type { NumericArray, TreatmentArray } from "./estimate.js";

/** CUPED result: the adjusted comparison plus what the adjustment bought. */
export interface CupedEstimate extends DifferenceInMeans {
  /** θ = cov(y, x) / var(x), pooled over both arms. */
  readonly theta: number;
  /** SE of the unadjusted Welch difference. */
  readonly rawStandardError: number;
  /** 1 − Var(adjusted)/Var(raw) of the difference estimate. */
  readonly varianceReduction: number;
}

/** CUPED: Welch on y − θ(x − x̄) with θ pooled from a PRE-period covariate (Deng, Xu, Kohavi & Walker 2013). */
export function cuped(y: NumericArray, treated: TreatmentArray, preCovariate: NumericArray): CupedEstimate {
  const where = "cuped";
  const n = _checkLengths(where, { y, treated, preCovariate });
  const outcome = _finiteColumn(where, "y", y);
  const covariate = _finiteColumn(where, "preCovariate", preCovariate);
  const arms = _treatmentColumn(where, treated, 2);
  let sumX = 0;
  let sumY = 0;
  for (let index = 0; index < n; index++) {
    sumX += covariate[index] ?? 0;
    sumY += outcome[index] ?? 0;
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  let crossProducts = 0;
  let squaresX = 0;
  for (let index = 0; index < n; index++) {
    const dx = (covariate[index] ?? 0) - meanX;
    crossProducts += dx * ((outcome[index] ?? 0) - meanY);
    squaresX += dx * dx;
  }
  if (!(squaresX > 0)) _fail(where, "preCovariate is constant; CUPED needs a covariate that varies");
  const theta = crossProducts / squaresX;
  const raw = _armMoments(outcome, arms);
  const rawStandardError = _welch(raw.treated, raw.control).standardError;
  const adjusted = outcome;
  for (let index = 0; index < n; index++) adjusted[index] = (outcome[index] ?? 0) - theta * ((covariate[index] ?? 0) - meanX);
  const result = _welchEstimate(adjusted, arms, "difference in mean outcome, treated − control (same ATE as the raw difference; CUPED only reduces variance)", n, "CUPED (pooled θ) + Welch t", [
    "the covariate is measured before assignment and cannot be affected by treatment",
    "θ is estimated from the same data (negligible bias for large n)",
  ]);
  return { ...result, theta, rawStandardError, varianceReduction: 1 - (result.standardError / rawStandardError) ** 2 };
}
