import { _welchEstimate, type DifferenceInMeans } from "./difference-in-means.js";
import { _checkLengths, _fail, _finiteColumn, _treatmentColumn } from "./_validate.js";
import { quantileSorted } from "./quantile.js";
import type { NumericArray, TreatmentArray } from "./estimate.js";

export interface WinsorizeOptions {
  /** Cap at this pooled quantile (default 0.99). */
  readonly quantile?: number;
  /** "upper" caps only the right tail (costs, latencies); "both" also floors at 1 − quantile (default "upper"). */
  readonly tails?: "upper" | "both";
}

/** Winsorized difference in means, caps from the POOLED sample so both arms share them (Dixon 1960; Deng et al. 2013 "capping"). */
export function winsorizedMeanDifference(y: NumericArray, treated: TreatmentArray, options: WinsorizeOptions = {}): DifferenceInMeans & { readonly upperCap: number; readonly lowerCap: number | null } {
  const where = "winsorizedMeanDifference";
  const probability = options.quantile ?? 0.99;
  if (!(probability > 0.5 && probability < 1)) _fail(where, `quantile = ${probability} must be in (0.5, 1), e.g. 0.99`);
  const n = _checkLengths(where, { y, treated });
  const outcome = _finiteColumn(where, "y", y);
  const arms = _treatmentColumn(where, treated, 2);
  const sorted = Float64Array.from(outcome).sort();
  const upperCap = quantileSorted(sorted, probability);
  const lowerCap = options.tails === "both" ? quantileSorted(sorted, 1 - probability) : null;
  for (let index = 0; index < n; index++) {
    const value = outcome[index] ?? 0;
    outcome[index] = Math.min(upperCap, lowerCap === null ? value : Math.max(lowerCap, value));
  }
  const result = _welchEstimate(outcome, arms, `difference in means of the outcome capped at the pooled p${probability * 100} (${upperCap}); a different estimand from the raw mean`, n, "Welch t on winsorized outcome", [
    "caps are treated as fixed although they are estimated from the pooled data",
    "the capped mean ignores the tail beyond the cap: report the raw mean difference beside it",
  ]);
  return { ...result, upperCap, lowerCap };
}
