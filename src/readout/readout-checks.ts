import { differenceInMeans, srmTest, standardizedMeanDifference } from "../stats/index.js";
import type { ControlLint } from "./lint-bad-controls.js";
import { isLatencyLike } from "./outcome-direction.js";
import type { RatioReadout } from "./ratio-readouts.js";
import type { NumericColumn, ReadoutTable } from "./readout-table.js";
import { confidenceLabel, intervalAt } from "./rule-checks.js";
import type { OutcomeReadout, ReadoutCheck } from "./readout-types.js";
import type { DesignChoice } from "./select-design.js";

const fmt = (value: number): string => (Number.isFinite(value) ? value.toPrecision(4) : String(value));
const percent = (value: number): string => `${(value * 100).toFixed(2)} %`;

/** Assignment check: SRM χ² on assignment-unit counts per arm (flag p < 0.001). */
export function assignmentCheck(table: ReadoutTable, design: DesignChoice, treatmentShare: number | null): ReadoutCheck {
  const labels = design.unitColumn === null ? null : design.unitColumn === table.block?.name ? table.block.labels : design.unitColumn === table.cluster?.name ? table.cluster.labels : table.unit?.labels ?? null;
  let treatedUnits = 0;
  let controlUnits = 0;
  if (labels === null) {
    for (const arm of table.treatment.treated) if (arm === 1) treatedUnits++; else controlUnits++;
  } else {
    const seen = new Set<string>();
    labels.forEach((label, index) => {
      if (label === null || seen.has(label)) return;
      seen.add(label);
      if (table.treatment.treated[index] === 1) treatedUnits++; else controlUnits++;
    });
  }
  const values = { controlUnits, treatedUnits, designedTreatmentShare: treatmentShare };
  const notRandom = nonRandomAssignment(table, design);
  if (notRandom !== null) {
    return { check: "assignment", name: "assignment was not random", status: "skipped", values, message: `${controlUnits} control / ${treatedUnits} treated units; ${notRandom} — a sample-ratio test presumes a fixed randomized share, so SRM does not apply`, effect: "the arm comparison is not a randomized one (see design)" };
  }
  if (treatmentShare === null) {
    return { check: "assignment", name: "sample ratio (SRM)", status: "skipped", values, message: `${controlUnits} control / ${treatedUnits} treated units; the designed share is unknown for a generic table — pass --treatment-share to test it`, effect: "none until the designed share is stated" };
  }
  const srm = srmTest([controlUnits, treatedUnits], [1 - treatmentShare, treatmentShare]);
  return {
    check: "assignment",
    name: "sample ratio (SRM)",
    status: srm.mismatch ? "fail" : "pass",
    values: { ...values, chiSquare: srm.statistic, pValue: srm.pValue },
    message: `${controlUnits} control / ${treatedUnits} treated units against a designed treated share of ${treatmentShare}: χ²(1) = ${fmt(srm.statistic)}, p = ${fmt(srm.pValue)}${srm.mismatch ? " — SAMPLE RATIO MISMATCH (p < 0.001): assignment or logging is broken" : ""}`,
    effect: srm.mismatch ? "broken → pause the readout until the assignment is fixed" : "none",
  };
}

/**
 * Why the arms were not assigned by a fixed-share coin flip, or null: the story says so (observational, threshold, waves,
 * router logs), or the log's propensities vary from row to row (a policy that chose from state).
 */
export function nonRandomAssignment(table: ReadoutTable, design: DesignChoice): string | null {
  if (design.chosen === "observational") return "the assignment story says treatment was not randomized";
  if (design.storyDesign !== null) return `the assignment story describes a ${design.storyDesign === "rdd" ? "threshold" : design.storyDesign === "did" ? "staged rollout" : design.storyDesign === "ope" ? "logged routing policy" : "single changed unit"}`;
  const propensity = table.log.propensity;
  if (propensity === null) return null;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const value of propensity) {
    if (!Number.isFinite(value)) continue;
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  return high - low > 1e-6 ? `the logged propensities vary from ${fmt(low)} to ${fmt(high)}: the router chose actions from state, not by a fixed-share coin flip` : null;
}

/** Execution: intended vs executed action and fallbacks per arm; failures (non-ok status) analysed as their own outcome. */
export function executionChecks(table: ReadoutTable): ReadoutCheck[] {
  const { treated } = table.treatment;
  const checks: ReadoutCheck[] = [];
  const rate = (flag: (index: number) => boolean): { control: number; treated: number } => {
    let c = 0;
    let t = 0;
    let nc = 0;
    let nt = 0;
    for (let index = 0; index < treated.length; index++) {
      if (treated[index] === 1) { nt++; if (flag(index)) t++; } else { nc++; if (flag(index)) c++; }
    }
    return { control: nc === 0 ? 0 : c / nc, treated: nt === 0 ? 0 : t / nt };
  };
  const { intendedAction, executedAction, fallbackReason, status } = table.log;
  if (intendedAction !== null && executedAction !== null) {
    const diverged = rate((index) => intendedAction[index] !== null && executedAction[index] !== null && intendedAction[index] !== executedAction[index]);
    const fallback = fallbackReason === null ? null : rate((index) => fallbackReason[index] !== null && fallbackReason[index] !== "");
    const any = diverged.control + diverged.treated + (fallback?.control ?? 0) + (fallback?.treated ?? 0) > 0;
    checks.push({
      check: "execution",
      name: "intended vs executed action",
      status: any ? "warn" : "pass",
      values: { divergedControl: diverged.control, divergedTreated: diverged.treated, fallbackControl: fallback?.control ?? null, fallbackTreated: fallback?.treated ?? null },
      message: `executed ≠ intended on ${percent(diverged.control)} of control and ${percent(diverged.treated)} of treated rows${fallback ? `; fallbacks ${percent(fallback.control)} / ${percent(fallback.treated)}` : ""}`,
      effect: any ? "diverged → estimates are intent-to-treat (by assigned arm); analyse fallbacks and failures separately" : "none: assigned = executed",
    });
  }
  if (status !== null) {
    const failed = Float64Array.from(status, (value) => (value === "ok" ? 0 : 1));
    const rates = rate((index) => failed[index] === 1);
    let estimate: ReturnType<typeof differenceInMeans> | null;
    try {
      estimate = differenceInMeans(failed, treated, { outcomeName: "failure rate" });
    } catch {
      estimate = null;
    }
    const worse = estimate !== null && estimate.ci95[0] > 0;
    checks.push({
      check: "execution",
      name: "failures (status ≠ ok), analysed separately",
      status: worse ? "fail" : rates.control + rates.treated > 0 ? "info" : "pass",
      values: { failureRateControl: rates.control, failureRateTreated: rates.treated, difference: estimate?.estimate ?? null, ciLow: estimate?.ci95[0] ?? null, ciHigh: estimate?.ci95[1] ?? null },
      message: `failure rate ${percent(rates.control)} control vs ${percent(rates.treated)} treated${estimate ? ` (difference ${percent(estimate.estimate)}, 95 % CI ${percent(estimate.ci95[0])} to ${percent(estimate.ci95[1])})` : ""}; latency outcomes exist only for completed requests, so they are reported beside this rate, never instead of it`,
      effect: worse ? "treatment fails more requests → rollback trigger" : "none",
    });
  }
  return checks;
}

/** Balance: standardized mean differences of every covariate and the pre-period column (|SMD| > 0.1 flagged). */
export function balanceCheck(table: ReadoutTable, adjusted: { readonly covariates: readonly NumericColumn[]; readonly prePeriod: NumericColumn | null } = table): ReadoutCheck {
  // Only the pre-decision columns the estimate adjusts for: a mediator is "imbalanced" because the treatment moved it.
  const columns = [...adjusted.covariates, ...(adjusted.prePeriod === null ? [] : [adjusted.prePeriod])];
  if (columns.length === 0) return { check: "balance", name: "covariate balance (SMD)", status: "skipped", message: "no covariates given (--covariate, --pre-period)", effect: "none" };
  const values: Record<string, number> = {};
  const flagged: string[] = [];
  for (const column of columns) {
    try {
      const smd = standardizedMeanDifference(column.values, table.treatment.treated);
      values[column.name] = smd.estimate;
      if (smd.imbalanced) flagged.push(`${column.name} (${fmt(smd.estimate)})`);
    } catch {
      values[column.name] = Number.NaN;
    }
  }
  return {
    check: "balance",
    name: "covariate balance (SMD)",
    status: flagged.length > 0 ? "warn" : "pass",
    values,
    message: `SMD ${Object.entries(values).map(([name, value]) => `${name} ${fmt(value)}`).join(", ")}${flagged.length > 0 ? `; |SMD| > 0.1: ${flagged.join(", ")}` : ""}`,
    effect: flagged.length > 0 ? "poor → report the covariate-adjusted estimate and downgrade the claim" : "none",
  };
}

/** Spillover guardrails: shared state named by the design; decision-time queue depth and KV utilization by arm when logged. */
export function spilloverCheck(table: ReadoutTable, design: DesignChoice): ReadoutCheck {
  const values: Record<string, number | null> = {};
  const byArm = (name: string, column: Float64Array | null): void => {
    if (column === null) return;
    const sums = [0, 0];
    const counts = [0, 0];
    column.forEach((value, index) => {
      if (!Number.isFinite(value)) return;
      const arm = table.treatment.treated[index] ?? 0;
      sums[arm] = (sums[arm] ?? 0) + value;
      counts[arm] = (counts[arm] ?? 0) + 1;
    });
    values[`${name}Control`] = (counts[0] ?? 0) > 0 ? (sums[0] ?? 0) / (counts[0] ?? 1) : null;
    values[`${name}Treated`] = (counts[1] ?? 0) > 0 ? (sums[1] ?? 0) / (counts[1] ?? 1) : null;
  };
  byArm("queueDepth", table.log.queueDepth);
  byArm("kvUtilization", table.log.kvUtilization);
  const guardrails = Object.keys(values).length > 0 ? ` Decision-time guardrails by arm: ${Object.entries(values).map(([name, value]) => `${name} ${value === null ? "-" : fmt(value)}`).join(", ")}.` : "";
  if (!design.sharedState) return { check: "spillover", name: "spillover / shared state", status: "pass", values, message: `no shared state named by the assignment story or the log.${guardrails} If the policy touches shared queues, caches or capacity, say so with --assignment-story.`, effect: "none" };
  if (!design.requestLevelValid) {
    return { check: "spillover", name: "spillover / shared state", status: "fail", values, message: `${design.sharedStateReason ?? "shared state"}; both arms run on the same replicas, so the control arm's latency is itself changed by the treatment (untreated-user latency is contaminated).${guardrails}`, effect: "material → require cluster or switchback evidence before any ramp" };
  }
  return { check: "spillover", name: "spillover / shared state", status: "pass", values, message: `${design.sharedStateReason ?? "shared state"}; handled by the ${design.chosen} design (each ${design.chosen === "switchback" ? "time block" : "cluster"} runs one policy).${guardrails}`, effect: "none; watch carryover between blocks (washout)" };
}

/**
 * Economic significance: cost per successful request (delta-method row) and the minimum effect worth shipping, measured in
 * the primary outcome's good direction (a large effect the wrong way is not "economically significant").
 */
export function economicCheck(primary: OutcomeReadout | undefined, costPerSuccess: RatioReadout | null, minEffect: number | null, alpha: number): ReadoutCheck {
  const values: Record<string, number | null> = {};
  const messages: string[] = [];
  let status: ReadoutCheck["status"] = "info";
  let effect = "none";
  if (costPerSuccess !== null) {
    const [low, high] = intervalAt(costPerSuccess, alpha);
    Object.assign(values, { costPerSuccessControl: costPerSuccess.control.ratio, costPerSuccessTreated: costPerSuccess.treated.ratio, difference: costPerSuccess.estimate, ciLow: low, ciHigh: high });
    messages.push(`cost per successful request ${fmt(costPerSuccess.control.ratio)} control vs ${fmt(costPerSuccess.treated.ratio)} treated (difference ${fmt(costPerSuccess.estimate)}, ${confidenceLabel(alpha)} CI ${fmt(low)} to ${fmt(high)}, delta method over ${costPerSuccess.linearizedOver})`);
    if (low > 0) {
      status = "warn";
      effect = "cost per success rises: ship only if the benefit is worth the extra spend";
    }
  }
  const headline = primary?.estimates.find((entry) => entry.primary);
  if (minEffect !== null && headline !== undefined && primary !== undefined) {
    const gain = primary.lowerIsBetter ? -headline.estimate : headline.estimate;
    values.minEffect = minEffect;
    values.gain = gain;
    const towards = primary.lowerIsBetter ? "decrease" : "increase";
    if (gain < minEffect) {
      status = "fail";
      effect = "below the bar → do not ship on a p-value";
      messages.push(`primary effect on ${primary.outcome}: a ${towards} of ${fmt(gain)} is below the minimum worth shipping (${minEffect})`);
    } else messages.push(`primary effect on ${primary.outcome}: a ${towards} of ${fmt(gain)} clears the minimum worth shipping (${minEffect})`);
  } else if (minEffect === null && primary?.netValue == null) messages.push("no minimum effect worth shipping given (--min-effect or the decision rule's primary.minEffect): statistical significance is not economic significance");
  const net = primary?.netValue ?? null;
  if (net !== null) {
    const [low, high] = intervalAt({ ...net, df: null }, alpha);
    Object.assign(values, { netValue: net.estimate, netValueLow: low, netValueHigh: high, incrementalCost: net.incrementalCost });
    const text = `net value per row (value × lift − incremental cost) ${fmt(net.estimate)} (${confidenceLabel(alpha)} CI ${fmt(low)} to ${fmt(high)}; incremental cost ${fmt(net.incrementalCost)} per row)`;
    if (net.estimate <= 0) {
      status = "fail";
      effect = "value × lift does not cover the incremental cost → do not ship";
      messages.push(`${text}: the lift is worth less than it costs`);
    } else messages.push(`${text}: the lift pays for its cost`);
  }
  return { check: "economic", name: "economic significance", status, values, message: messages.join("; "), effect };
}

/** Rollback triggers: failure rate up, tail latency (p99) up, cost per success up — each with a CI wholly on the harmful side. */
export function rollbackCheck(outcomes: readonly OutcomeReadout[], checks: readonly ReadoutCheck[]): ReadoutCheck {
  const fired: string[] = [];
  const failures = checks.find((check) => check.name.startsWith("failures"));
  if (failures?.status === "fail") fired.push("failure rate up (95 % CI above 0)");
  for (const outcome of outcomes) {
    if (!isLatencyLike(outcome.outcome)) continue;
    const p99 = outcome.robust.find((entry) => entry.method === "QTE p99");
    if (p99 !== undefined && p99.valid && p99.ci95[0] > 0) fired.push(`${outcome.outcome} p99 up by ${fmt(p99.estimate)} (95 % CI ${fmt(p99.ci95[0])} to ${fmt(p99.ci95[1])})`);
  }
  const economic = checks.find((check) => check.check === "economic");
  if (economic?.status === "warn") fired.push("cost per successful request up (95 % CI above 0)");
  return {
    check: "rollback",
    name: "rollback triggers",
    status: fired.length > 0 ? "fail" : "pass",
    values: { fired: fired.length },
    message: fired.length > 0 ? `fired: ${fired.join("; ")}` : "none fired (failure rate, p99 of latency outcomes, cost per success)",
    effect: fired.length > 0 ? "fired → pause or roll back even if the average looks fine" : "none",
  };
}

/** Bad-control lint as a check. */
export function lintCheck(lint: readonly ControlLint[]): ReadoutCheck {
  const flagged = lint.filter((entry) => entry.verdict !== "adjust");
  return {
    check: "bad-controls",
    name: "bad-control lint",
    status: flagged.some((entry) => entry.verdict === "refuse") ? "fail" : flagged.length > 0 ? "warn" : lint.length > 0 ? "pass" : "skipped",
    message: lint.length === 0 ? "no adjustment or segment columns" : lint.map((entry) => `${entry.verdict.toUpperCase()} ${entry.message}`).join("; "),
    effect: flagged.length > 0 ? "post-decision columns are left out of the total-effect adjustment" : "none",
  };
}

/** Required request-log fields (docs/design.md §7.7). */
export function instrumentationCheck(table: ReadoutTable): ReadoutCheck {
  if (!table.isRequestLog) return { check: "instrumentation", name: "required log fields", status: "skipped", message: "not a request log: decision-time state and intended / executed action fields do not apply", effect: "none" };
  const missing = table.missingLogFields;
  return {
    check: "instrumentation",
    name: "required log fields",
    status: missing.length > 0 ? "fail" : "pass",
    message: missing.length > 0 ? `missing or never filled: ${missing.join(", ")}` : "decision-time state, intended action, executed action and fallback reason are logged",
    effect: missing.length > 0 ? "instrument more before deciding: no estimator recovers what was not logged" : "none",
  };
}
