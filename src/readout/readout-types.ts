import type { TailAttribution } from "./tail-attribution.js";
import type { DecisionWord } from "./decision-table.js";
import type { DecisionRule } from "./decision-rule.js";
import type { ControlLint } from "./lint-bad-controls.js";
import type { RatioReadout } from "./ratio-readouts.js";
import type { DesignChoice } from "./select-design.js";

/**
 * One estimate in the readout. `method` names are stable (scripts match on them):
 * "difference-in-means (Welch)", "OLS HC0" … "OLS HC3", "OLS CR2", "OLS CR1", "cluster-level difference-in-means (Welch)",
 * "switchback Horvitz–Thompson (m=0)", "switchback Horvitz–Thompson (m=1)", "switchback block-level Welch",
 * robust: "raw mean difference", "winsorized mean (pooled p99 cap)", "trimmed mean (Yuen 20%)", "QTE p50" … "QTE p99",
 * "log effect (ratio of geometric means)", "randomization inference", "CUPED".
 */
export interface ReadoutEstimate {
  readonly method: string;
  readonly estimand: string;
  readonly estimate: number;
  readonly standardError: number;
  readonly ci95: readonly [number, number];
  readonly df: number | null;
  readonly pValue: number;
  readonly n: number;
  readonly assumptions: readonly string[];
  /** The estimator's own description (reference distribution, replicates, seed). */
  readonly detail: string;
  /** The one estimate the decision rests on. */
  readonly primary: boolean;
  /** False when the design makes this estimate invalid for the decision (e.g. request-level under shared state). */
  readonly valid: boolean;
  /** How this estimate's estimand differs from the raw mean (robust readouts), or why it is not valid. */
  readonly note: string | null;
  /** Estimator-specific extras (multiplicative effect, caps, per-arm quantiles, θ …). */
  readonly extra?: Readonly<Record<string, number | string | null>>;
}

export type CheckStatus = "pass" | "warn" | "fail" | "info" | "skipped";

/** A check that can change the decision (docs/design.md §7.5). */
export interface ReadoutCheck {
  readonly check: "assignment" | "execution" | "balance" | "spillover" | "economic" | "guardrail" | "rollback" | "bad-controls" | "instrumentation" | "missing-outcome" | "design";
  readonly name: string;
  readonly status: CheckStatus;
  readonly message: string;
  /** What it does to the recommendation. */
  readonly effect: string;
  readonly values?: Readonly<Record<string, number | string | null>>;
}

/** Net value of treating a segment: value per unit × lift − incremental cost, per row, with Holm / BH over segments. */
export interface SegmentNetValue {
  readonly estimate: number;
  readonly standardError: number;
  readonly ci95: readonly [number, number];
  readonly pValue: number;
  readonly pHolm: number;
  readonly pBH: number;
  /** Treated − control mean cost per row in the segment. */
  readonly incrementalCost: number;
  /** Segment rows with an outcome but no cost, left out of the net value (and counted here). */
  readonly rowsWithoutCost: number;
}

export interface SegmentEffect {
  readonly segment: string;
  readonly n: number;
  /** Treated − control. */
  readonly estimate: number;
  /** The effect in the good direction (−estimate when lower is better). */
  readonly lift: number;
  readonly standardError: number;
  readonly ci95: readonly [number, number];
  readonly pValue: number;
  readonly pHolm: number;
  readonly pBH: number;
  /** Present with --value-per-unit and a cost column. */
  readonly netValue: SegmentNetValue | null;
}

export interface OutcomeReadout {
  readonly outcome: string;
  readonly lowerIsBetter: boolean;
  readonly n: number;
  readonly missing: { readonly control: number; readonly treated: number };
  readonly means: { readonly control: number; readonly treated: number };
  readonly estimates: readonly ReadoutEstimate[];
  readonly robust: readonly ReadoutEstimate[];
  readonly segments: readonly SegmentEffect[];
  /** Pooled net value per row (value × lift − incremental cost), primary outcome with --value-per-unit only. */
  readonly netValue?: Omit<SegmentNetValue, "pHolm" | "pBH"> | null;
  readonly checks: readonly ReadoutCheck[];
  /** Which units carry the effect (leave-top-k-out, peak-state windows); primary outcome only. */
  readonly tail?: TailAttribution;
  /** Plain-language comparison of raw and robust estimates. */
  readonly robustSummary: string;
  /** Switchback designs only: the per-block outcome means in time order (washout rows dropped), for the block-series chart. */
  readonly blockSeries?: readonly { readonly block: number; readonly arm: 0 | 1; readonly outcomeMean: number; readonly n: number }[];
}

/** docs/design.md §1 decision words (src/readout/decision-table.ts). */
export type DecisionAction = DecisionWord;

export interface ReadoutDecision {
  readonly action: DecisionAction;
  readonly summary: string;
  readonly question: string;
  readonly estimand: string;
  readonly counterfactual: string;
  readonly assignment: string;
  readonly primaryOutcome: string;
  readonly primaryEstimate: ReadoutEstimate | null;
  readonly mainFailureMode: string;
  readonly mitigation: string;
  readonly tradeoff: string;
  readonly stopRamp: readonly string[];
  readonly surrogate: string;
  /** Segments worth treating when the decision is "target a segment". */
  readonly targetSegments: readonly string[];
  readonly reasons: readonly string[];
  /** The decision-table row that decided (src/readout/decision-table.ts). */
  readonly rule: string;
  /** Conditions attached to a ramp. */
  readonly conditions: readonly string[];
  /** Keep a durable holdout after acting. */
  readonly holdout: boolean;
}

/** A post-decision column asked for as a covariate: left out of the total effect and shown as a mechanism (docs/design.md §7.3). */
export interface MechanismReadout {
  readonly column: string;
  /** Treated − control of the column itself. */
  readonly effectOnColumn: ReadoutEstimate | null;
  /** The primary outcome adjusted for the column (marked not valid: it is not the total effect). */
  readonly adjustedPrimary: ReadoutEstimate | null;
}

/** Intended ≠ executed: ITT by the intended arm (the estimates), LATE by IV, as-treated shown as not valid. */
export interface NoncomplianceReadout {
  readonly intendedColumn: string;
  readonly executedColumn: string;
  /** Share executing the treated arm's action, by intended arm. */
  readonly takeUp: { readonly control: number; readonly treated: number };
  readonly late: ReadoutEstimate | null;
  readonly asTreated: ReadoutEstimate | null;
}

export interface Readout {
  readonly file: string;
  readonly rows: number;
  readonly treatment: { readonly column: string; readonly control: string; readonly treated: string; readonly rowsControl: number; readonly rowsTreated: number };
  readonly design: DesignChoice;
  readonly lint: readonly ControlLint[];
  /** Post-decision covariates, left out of every total-effect estimate and shown here as mechanisms. */
  readonly mechanisms: readonly MechanismReadout[];
  /** Present when --treatment named the executed action of a table with an intended arm. */
  readonly noncompliance: NoncomplianceReadout | null;
  readonly outcomes: readonly OutcomeReadout[];
  /** Ratio metrics by the delta method (cost per successful request, cache hit rate, --ratio NUM/DEN). */
  readonly ratios: readonly RatioReadout[];
  readonly checks: readonly ReadoutCheck[];
  readonly decision: ReadoutDecision;
  /** The pre-registered decision rule (--decision-rule), null when the defaults were used. */
  readonly rule: DecisionRule | null;
  readonly settings: { readonly seed: number; readonly bootstrap: number; readonly permutations: number; readonly alpha: number; readonly valuePerUnit: number | null };
}
