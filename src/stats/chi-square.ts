import { regularizedGammaQ } from "./_special.js";

/** χ² survival function P(X > x) = Q(df/2, x/2) with the regularized upper incomplete gamma (NR gammq, §6.2). */
export function chiSquareSurvival(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}
