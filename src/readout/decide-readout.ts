import type { ReadoutTable } from "./readout-table.js";
import type { DecisionAction, OutcomeReadout, Readout, ReadoutDecision, ReadoutEstimate } from "./readout-types.js";
import { confidenceLabel, intervalAt } from "./rule-checks.js";

const fmt = (value: number): string => (Number.isFinite(value) ? value.toPrecision(4) : String(value));

/** Rules from estimates, checks and guardrails to one decision with its counterfactual, failure mode and ramp stops (SPEC §7.7). */
export function decideReadout(table: ReadoutTable, readout: Omit<Readout, "decision">): ReadoutDecision {
  const { design, checks, outcomes, treatment } = readout;
  const primaryOutcome = outcomes[0];
  const primary = primaryOutcome?.estimates.find((entry) => entry.primary) ?? null;
  const failed = (name: string): boolean => checks.some((check) => check.check === name && check.status === "fail");
  const warned = (name: string): boolean => checks.some((check) => check.check === name && check.status === "warn");
  const reasons: string[] = [];
  const lowerIsBetter = primaryOutcome?.lowerIsBetter ?? false;
  const alpha = readout.settings.alpha;
  const level = `${confidenceLabel(alpha)} CI`;
  const better = (entry: ReadoutEstimate): boolean => (lowerIsBetter ? intervalAt(entry, alpha)[1] < 0 : intervalAt(entry, alpha)[0] > 0);
  const worse = (entry: ReadoutEstimate): boolean => (lowerIsBetter ? intervalAt(entry, alpha)[0] > 0 : intervalAt(entry, alpha)[1] < 0);
  const ci = (entry: ReadoutEstimate): string => {
    const [low, high] = intervalAt(entry, alpha);
    return `${level} ${fmt(low)} to ${fmt(high)}`;
  };
  const rollback = checks.find((check) => check.check === "rollback");

  let action: DecisionAction;
  if (failed("instrumentation")) {
    action = "instrument more";
    reasons.push(`required log fields are missing (${table.missingLogFields.join(", ")}): log them and rerun — a fancier model cannot recover them`);
  } else if (failed("assignment")) {
    action = "pause";
    reasons.push("sample ratio mismatch: the assignment or the logging is broken; no estimate is trustworthy until it is explained");
  } else if (!design.requestLevelValid) {
    action = "redesign";
    reasons.push(`the ${design.chosen}-level A/B cannot measure this policy: ${design.sharedStateReason ?? "shared state"}`);
  } else if (failed("rollback")) {
    action = rollback?.values?.action === "do not ship" ? "do not ship" : "roll back";
    reasons.push(`${rollback?.name ?? "rollback triggers"}: ${rollback?.message ?? "a rollback trigger fired"}`);
  } else if (failed("guardrail")) {
    action = "do not ship";
    reasons.push(`guardrail breached: ${checks.filter((check) => check.check === "guardrail" && check.status === "fail").map((check) => check.message).join("; ")}`);
  } else if (primary === null) {
    action = "hold";
    reasons.push("no valid primary estimate could be computed");
  } else if (design.chosen === "observational") {
    action = "hold";
    reasons.push("observational estimate: unobserved confounding is not ruled out; run a randomized test before shipping");
  } else if (worse(primary)) {
    action = "do not ship";
    reasons.push(`${primaryOutcome?.outcome ?? ""} gets worse: ${fmt(primary.estimate)} (${ci(primary)})`);
  } else if (better(primary)) {
    if (failed("economic")) {
      action = "do not ship";
      reasons.push("the effect is real but below the minimum worth shipping");
    } else {
      action = table.isRequestLog ? "ramp with holdout" : "ship";
      reasons.push(`${primaryOutcome?.outcome ?? ""} improves: ${fmt(primary.estimate)} (${ci(primary)}, ${primary.method})`);
      if (warned("guardrail")) {
        action = "ramp with holdout";
        reasons.push("a guardrail is not cleared yet (its upper bound exceeds the tolerated degradation): ramp slowly with a holdout and re-read it");
      }
    }
  } else {
    action = "hold";
    reasons.push(`no detectable effect on ${primaryOutcome?.outcome ?? ""}: ${fmt(primary.estimate)} (${ci(primary)}) — do not ship on a p-value or on noise`);
  }
  const targetSegments = primaryOutcome === undefined ? [] : segmentsToTarget(primaryOutcome, alpha);
  if (targetSegments.length > 0 && ["ship", "ramp with holdout", "hold", "do not ship"].includes(action) && !failed("rollback") && !failed("guardrail")) {
    const previous = action;
    action = "target a segment";
    const valued = primaryOutcome?.segments.some((segment) => segment.netValue !== null) === true;
    reasons.unshift(`target ${targetSegments.map((name) => `"${name}"`).join(", ")}: its ${valued ? "net value (value × lift − incremental cost)" : "lift"} is clearly positive (Holm-adjusted p < ${alpha}) and the other segments' is not; the pooled decision would be "${previous}"`);
  }
  if (warned("balance")) reasons.push("covariate imbalance (|SMD| > 0.1): the covariate-adjusted estimate is the one to read, and the claim is downgraded");
  if (warned("execution")) reasons.push("executed actions diverged from intended ones: the estimates are intent-to-treat");
  if (checks.some((check) => check.check === "bad-controls" && check.status !== "pass" && check.status !== "skipped")) reasons.push("some requested adjustment columns are post-decision and were left out");

  const fatTail = outcomes.some((outcome) => outcome.robustSummary.includes("disagree"));
  const { mainFailureMode, mitigation } = failureMode(readout, table, fatTail);
  const others = outcomes.slice(1).map((outcome) => {
    const headline = outcome.estimates.find((entry) => entry.primary) ?? outcome.estimates[0];
    if (headline === undefined) return null;
    const direction = headline.ci95[0] > 0 ? "rises" : headline.ci95[1] < 0 ? "falls" : "does not move detectably";
    return `${outcome.outcome} ${direction} (${fmt(headline.estimate)}, 95 % CI ${fmt(headline.ci95[0])} to ${fmt(headline.ci95[1])})`;
  }).filter((text): text is string => text !== null);
  const tradeoff = primaryOutcome === undefined
    ? "none computed"
    : `${primaryOutcome.outcome} (${lowerIsBetter ? "lower" : "higher"} is better) against ${others.length > 0 ? others.join("; ") : "no other outcome given — pair it with latency, errors and cost per successful request"}; a change in the price per GPU-hour or in the tail share of huge requests could flip it`;
  const stopRamp = [
    `${primaryOutcome?.outcome ?? "the primary outcome"}'s 95 % CI moving wholly to the harmful side at the next ramp step`,
    ...(readout.rule === null
      ? ["failure rate up with a 95 % CI above 0", "p99 of any latency outcome up with a 95 % CI above 0", "cost per successful request up with a 95 % CI above 0"]
      : [
          ...readout.rule.rollback.map((trigger) => `rule trigger: ${trigger.metric}${trigger.statistic === "mean" ? "" : ` ${trigger.statistic}`} harm above ${trigger.threshold} with ${level.replace(" CI", "")} confidence (→ ${trigger.action})`),
          ...readout.rule.guardrails.map((guardrail) => `rule guardrail: ${guardrail.metric}${guardrail.statistic === "mean" ? "" : ` ${guardrail.statistic}`} degrading by more than ${guardrail.maxDegradation}`),
        ]),
    "a sample ratio mismatch (p < 0.001) or executed ≠ intended actions rising",
    ...(design.sharedState ? ["untreated traffic's latency or queue depth rising as the treated share grows (spillover)"] : []),
  ];
  const estimand = design.chosen === "switchback" || design.chosen === "cluster"
    ? "policy value: the effect of running the policy for all traffic of a time block / cluster versus the old policy (global effect)"
    : design.chosen === "observational"
      ? "a covariate-adjusted association (ATE only under no unobserved confounding)"
      : "ATE of assigning the treatment (intent-to-treat), for a broad rollout";
  return {
    action,
    summary: `${action.toUpperCase()}: ${reasons[0] ?? ""}`,
    question: `Should "${treatment.treated}" replace "${treatment.control}" (column ${treatment.column}) for the traffic in this ${table.isRequestLog ? "log" : "table"}?`,
    estimand,
    counterfactual: `the control arm "${treatment.control}" — the old policy / untreated units over the same period${design.chosen === "switchback" ? " (the other time blocks)" : design.chosen === "cluster" ? " (the other clusters)" : ""}`,
    assignment: `${design.chosen} design; unit: ${design.unit}, ${design.unitCount} units; ${treatment.rowsControl} control / ${treatment.rowsTreated} treated rows${design.story === null ? "" : `; story: "${design.story}"`}`,
    primaryOutcome: primaryOutcome?.outcome ?? "",
    primaryEstimate: primary,
    mainFailureMode,
    mitigation,
    tradeoff,
    stopRamp,
    targetSegments,
    surrogate: table.isRequestLog
      ? "system metrics (TTFT, E2E, cost) are short-run surrogates for session and business outcomes: the recommendation is conditional — ramp only if the mechanism metric improves and guardrails hold, and keep a durable holdout (surrogate risk)"
      : `${primaryOutcome?.outcome ?? "the outcome"} is taken as the decision metric; if it is a short-run proxy, keep a durable holdout`,
    reasons,
  };
}

function failureMode(readout: Omit<Readout, "decision">, table: ReadoutTable, fatTail: boolean): { mainFailureMode: string; mitigation: string } {
  const { design, checks } = readout;
  if (table.missingLogFields.length > 0) return { mainFailureMode: "unobserved execution and state: the log cannot show what the policy saw or did", mitigation: `log ${table.missingLogFields.join(", ")} at decision time, then rerun` };
  if (design.sharedState && !design.requestLevelValid) return { mainFailureMode: "spillovers (interference through shared queues / caches)", mitigation: design.recommendation ?? "cluster or switchback randomization" };
  if (design.chosen === "observational") return { mainFailureMode: "confounding", mitigation: "randomize; meanwhile adjust for pre-decision covariates only and state the unobserved ones" };
  if (checks.some((check) => check.check === "execution" && check.status === "warn")) return { mainFailureMode: "noncompliance (executed ≠ intended action)", mitigation: "report ITT; estimate LATE with assignment as the instrument; analyse fallbacks separately" };
  if (readout.lint.some((entry) => entry.verdict === "refuse")) return { mainFailureMode: "bad controls", mitigation: "adjust only for pre-decision covariates; treat post-decision columns as outcomes" };
  if (fatTail) return { mainFailureMode: "tail-state risk: a few huge requests drive the mean", mitigation: "read the raw mean beside winsorized / QTE estimates; cap or stratify huge requests in the next test; use more units" };
  if (design.sharedState) return { mainFailureMode: "carryover between blocks / clusters", mitigation: "keep the washout; check the carryover-order-1 estimate agrees" };
  return { mainFailureMode: "chance imbalance and small effects", mitigation: "pre-register the outcome, adjust for pre-period covariates (CUPED), size the test for the minimum effect worth shipping" };
}

/**
 * Segments clearly worth treating: net value (or, without --value-per-unit, lift) positive with Holm-adjusted p < alpha,
 * while at least one other segment is not — a heterogeneous effect that argues for targeting, not a global ship.
 */
function segmentsToTarget(outcome: OutcomeReadout, alpha: number): string[] {
  if (outcome.segments.length < 2) return [];
  const clearly = outcome.segments.filter((segment) => {
    const value = segment.netValue;
    return value === null ? segment.lift > 0 && segment.pHolm < alpha : value.estimate > 0 && value.pHolm < alpha;
  });
  return clearly.length > 0 && clearly.length < outcome.segments.length ? clearly.map((segment) => segment.segment) : [];
}
