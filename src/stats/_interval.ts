import { normalCdf, normalQuantile } from "./normal-distribution.js";
import { studentTQuantile, studentTTwoSidedP } from "./student-t.js";

/** 95 % interval and two-sided p-value for estimate ± t_{0.975, df}·se (df null: normal reference). */
export function _referenceInterval(estimate: number, standardError: number, df: number | null): { ci95: readonly [number, number]; pValue: number } {
  const critical = df === null ? normalQuantile(0.975) : studentTQuantile(0.975, df);
  const ci95 = [estimate - critical * standardError, estimate + critical * standardError] as const;
  if (standardError === 0) return { ci95, pValue: estimate === 0 ? 1 : 0 };
  const statistic = estimate / standardError;
  const pValue = df === null ? Math.min(1, 2 * normalCdf(-Math.abs(statistic))) : studentTTwoSidedP(statistic, df);
  return { ci95, pValue };
}
