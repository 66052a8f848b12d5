/** How strong an unmeasured confounder would have to be to explain an estimate away. */
export interface EValue {
  /** "difference": continuous outcome through d → RR ≈ exp(0.91 d); "risk ratio": 0/1 outcome, RR = p₁ / p₀ directly. */
  readonly scale: "difference" | "risk ratio";
  /** Standardized effect d = estimate / SD of the outcome (null on the risk-ratio scale). */
  readonly standardizedEffect: number | null;
  /** The risk ratio the E-value is computed from. */
  readonly riskRatio: number;
  /** E-value of the point estimate. */
  readonly estimate: number;
  /** E-value of the confidence limit closer to zero (1 when the interval includes zero). */
  readonly ciLimit: number;
}

const eValueOfRatio = (ratio: number): number => {
  const rr = ratio >= 1 ? ratio : 1 / ratio;
  return rr + Math.sqrt(rr * (rr - 1));
};

/** The CI limit nearer zero, or null when the interval already includes zero (its E-value is then 1). */
const limitNearerZero = (estimate: number, ci95: readonly [number, number]): number | null => (ci95[0] <= 0 && ci95[1] >= 0 ? null : estimate >= 0 ? ci95[0] : ci95[1]);

/**
 * E-value for a difference in a continuous outcome (VanderWeele & Ding 2017, Ann Intern Med 167:268, Table;
 * VanderWeele 2017 for d → RR ≈ exp(0.91 d)): the minimum risk-ratio association a confounder would need with both the
 * treatment and the outcome, beyond the measured covariates, to move the estimate (or its CI limit) to zero.
 */
export function eValueForDifference(estimate: number, ci95: readonly [number, number], outcomeSd: number): EValue {
  const d = estimate / outcomeSd;
  const riskRatio = Math.exp(0.91 * d);
  const limit = limitNearerZero(estimate, ci95);
  return { scale: "difference", standardizedEffect: d, riskRatio, estimate: eValueOfRatio(riskRatio), ciLimit: limit === null ? 1 : eValueOfRatio(Math.exp((0.91 * limit) / outcomeSd)) };
}

/**
 * E-value for a 0/1 outcome straight from the risk ratio p₁ / p₀ of the potential-outcome means (VanderWeele & Ding
 * 2017, eq. 1): RR + √(RR(RR − 1)), with RR inverted below 1. The CI limit uses (p₀ + limit) / p₀, holding p₀ fixed.
 */
export function eValueForRiskRatio(treatedRisk: number, controlRisk: number, estimate: number, ci95: readonly [number, number]): EValue {
  const riskRatio = treatedRisk / controlRisk;
  const limit = limitNearerZero(estimate, ci95);
  return { scale: "risk ratio", standardizedEffect: null, riskRatio, estimate: eValueOfRatio(riskRatio), ciLimit: limit === null ? 1 : eValueOfRatio((controlRisk + limit) / controlRisk) };
}
