import type { DidResult } from "../causal/did-estimate.js";
import type { IvResult } from "../causal/iv-estimate.js";
import type { RddResult } from "../causal/rdd-estimate.js";
import type { SyntheticControlResult } from "../causal/synthetic-control-estimate.js";
import { decideDesign, type DesignDecision } from "./design-decision.js";
import { outcomeDirection, type OutcomeDirection } from "./outcome-direction.js";

/**
 * Each quasi-experimental readout → the decision table (src/readout/decision-table.ts), with the design's own checks as
 * the downgrades (docs/design.md §7.2 "key check" column): a failed check means "run a stronger design", never a ship.
 */
const p = (value: number): string => value.toPrecision(3);

/** true / false when the good direction is known (declared by --direction, or said by the name), null when it is not. */
const lowerIsBetterOf = (direction: OutcomeDirection | null): boolean | null => (direction === null ? null : direction === "lower");

/** IV / encouragement: first-stage strength (robust F ≥ 10, Staiger & Stock 1997). */
export function ivDecision(result: IvResult, outcome: string, direction: OutcomeDirection | null = outcomeDirection(outcome)): DesignDecision {
  const failures = result.firstStage.F < 10 ? [`weak first stage: robust F = ${p(result.firstStage.F)} < 10 — the LATE is biased toward OLS and its CI unreliable`] : [];
  const term = result.late ?? result.estimate;
  return decideDesign({ design: "iv", evidence: "quasi", designFailures: failures, primary: { outcome, method: result.late === undefined ? "2SLS" : "LATE (Wald, ITT_Y / ITT_D)", estimate: term.estimate, standardError: term.standardError, ci95: term.ci95, lowerIsBetter: lowerIsBetterOf(direction) } });
}

/** DiD / event study: joint pre-trend test (p < 0.05 fails) and, for staggered adoption, the heterogeneity-robust estimate. */
export function didDecision(result: DidResult, outcome: string, staggered: { readonly estimate: number; readonly standardError: number; readonly ci95: readonly [number, number]; readonly method: string } | string | null, direction: OutcomeDirection | null = outcomeDirection(outcome)): DesignDecision {
  const failures: string[] = [];
  // Staggered adoption without a heterogeneity-robust estimate: TWFE alone may be biased, even in sign (Goodman-Bacon 2021).
  if (typeof staggered === "string") failures.push(`staggered adoption and no heterogeneity-robust estimate (${staggered}): TWFE alone can be biased`);
  const robust = typeof staggered === "string" ? null : staggered;
  if (result.preTrend !== null && result.preTrend.pValue < 0.05) failures.push(`pre-trends: joint F(${result.preTrend.df1}, ${p(result.preTrend.df2)}) = ${p(result.preTrend.F)}, p = ${p(result.preTrend.pValue)} — treated and control units were already diverging, so parallel trends fail`);
  const headline = robust ?? { ...result.estimate, method: "TWFE" };
  return decideDesign({ design: "did", evidence: "quasi", designFailures: failures, primary: { outcome, method: headline.method, estimate: headline.estimate, standardError: headline.standardError, ci95: headline.ci95, lowerIsBetter: lowerIsBetterOf(direction) } });
}

/** RDD: manipulation (density) test and bandwidth sensitivity (the sign must not flip between 0.5h and 2h). */
export function rddDecision(result: RddResult, outcome: string, direction: OutcomeDirection | null = outcomeDirection(outcome)): DesignDecision {
  const failures: string[] = [];
  if (result.densityTest.pValue < 0.05) failures.push(`manipulation: the running variable's density jumps at the cutoff (p = ${p(result.densityTest.pValue)}) — units sort themselves across it`);
  const signs = new Set(result.sensitivity.filter((row) => row.ci95[0] > 0 || row.ci95[1] < 0).map((row) => Math.sign(row.estimate)));
  if (signs.size > 1) failures.push("bandwidth sensitivity: significant estimates of opposite sign between 0.5h and 2h");
  const jumps = result.covariates.filter((row) => row.pValue < 0.05 / Math.max(1, result.covariates.length));
  if (jumps.length > 0) failures.push(`covariates jump at the cutoff (${jumps.map((row) => row.name).join(", ")}, Bonferroni): units just above and below differ`);
  return decideDesign({ design: "rdd", evidence: "quasi", designFailures: failures, primary: { outcome, method: "local linear RDD (triangular kernel)", estimate: result.estimate.estimate, standardError: result.estimate.standardError, ci95: result.estimate.ci95, lowerIsBetter: lowerIsBetterOf(direction) } });
}

/**
 * Synthetic control: inference is the placebo-in-space rank (Abadie, Diamond & Hainmueller 2010), not a CI; the average
 * post-period gap is "better" / "worse" when its placebo p ≤ 0.1. A poor pre-period fit (the treated unit's pre-RMSPE over
 * twice the median placebo's) downgrades.
 */
export function syntheticControlDecision(result: SyntheticControlResult, outcome: string, direction: OutcomeDirection | null = outcomeDirection(outcome)): DesignDecision {
  const failures: string[] = [];
  const placebo = result.placebo;
  if (placebo !== null && placebo.units.length > 1) {
    const pre = placebo.units.map((unit) => unit.preRmspe).sort((a, b) => a - b);
    const median = pre[Math.floor(pre.length / 2)] ?? Number.POSITIVE_INFINITY;
    if (result.rmspe.pre > 2 * median) failures.push(`poor pre-period fit: pre-RMSPE ${p(result.rmspe.pre)} is over twice the median placebo's (${p(median)}) — the synthetic unit does not track the treated one`);
  }
  const lowerIsBetter = lowerIsBetterOf(direction);
  const gap = result.averagePostGap;
  const significant = placebo !== null && placebo.pValue <= 0.1;
  const verdict = !significant ? "unclear" : lowerIsBetter === null ? "direction unknown" : (lowerIsBetter ? gap < 0 : gap > 0) ? "better" : "worse";
  return decideDesign({ design: "synthetic-control", evidence: "quasi", designFailures: failures, primary: { outcome, method: "synthetic control, average post-period gap", estimate: gap, standardError: Number.NaN, ci95: [gap, gap], lowerIsBetter, verdict, inference: placebo === null ? "no placebo test run" : `placebo-in-space p = ${p(placebo.pValue)}, rank ${placebo.rank} of ${placebo.units.length}` } });
}
