import type { ReadoutTable } from "./readout-table.js";
import type { DecisionAction, Readout, ReadoutDecision } from "./readout-types.js";
import { decide, surrogateRung, type DecisionFacts } from "./decision-table.js";
import { readoutFacts } from "./readout-facts.js";
import { confidenceLabel } from "./rule-checks.js";

const fmt = (value: number): string => (Number.isFinite(value) ? value.toPrecision(4) : String(value));

/** Rules from estimates, checks and guardrails to one decision with its counterfactual, failure mode and ramp stops (docs/design.md §7.7). */
export function decideReadout(table: ReadoutTable, readout: Omit<Readout, "decision">): ReadoutDecision {
  const { design, checks, outcomes, treatment } = readout;
  const primaryOutcome = outcomes[0];
  const primary = primaryOutcome?.estimates.find((entry) => entry.primary) ?? null;
  const warned = (name: string): boolean => checks.some((check) => check.check === name && check.status === "warn");
  const reasons: string[] = [];
  const lowerIsBetter = primaryOutcome?.lowerIsBetter ?? false;
  const alpha = readout.settings.alpha;
  const level = `${confidenceLabel(alpha)} CI`;

  const facts = readoutFacts(table, readout);
  const decided = decide(facts);
  const action: DecisionAction = decided.action;
  reasons.push(...decided.reasons);
  if (warned("balance")) reasons.push("covariate imbalance (|SMD| > 0.1): the covariate-adjusted estimate is the one to read, and the claim is downgraded");
  if (warned("execution")) reasons.push("executed actions diverged from intended ones: the estimates are intent-to-treat");
  const dropped = readout.lint.filter((entry) => entry.verdict === "refuse").map((entry) => entry.column);
  if (dropped.length > 0) reasons.push(`post-decision columns (${dropped.join(", ")}) were left out of the total-effect estimate and are shown as mechanisms`);
  const carried = primaryOutcome?.tail?.leaveTopOut.find((entry) => Math.abs(entry.shareOfEffect) >= 0.5);
  if (carried !== undefined && primaryOutcome?.tail !== undefined) reasons.push(`tail-state risk: ${primaryOutcome.tail.summary}`);
  const fatTail = carried !== undefined || outcomes.some((outcome) => outcome.robustSummary.includes("disagree"));
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
    targetSegments: action === "target a segment" ? facts.targetSegments : [],
    rule: decided.rule,
    conditions: decided.conditions,
    holdout: decided.holdout,
    surrogate: surrogateText(primaryOutcome?.outcome ?? "the outcome", facts.surrogates, outcomes.map((outcome) => outcome.outcome)),
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

/** The surrogate ladder line (system metric → session → user → business, docs/design.md §7.6). */
function surrogateText(primary: string, surrogates: DecisionFacts["surrogates"], outcomes: readonly string[]): string {
  const rungs = outcomes.map((name) => `${name}: ${surrogateRung(name)}`).join(", ");
  if (surrogates.shortRunOnly) return `${primary} is a ${surrogates.primaryRung}-level metric, a short-run surrogate for user and business outcomes (ladder: ${rungs}); no long-run outcome was measured, so the recommendation is conditional — ramp only while the mechanism metric improves and guardrails hold, keep a durable holdout (surrogate risk)`;
  return `surrogate ladder: ${rungs}; ${primary} is read directly as the decision metric — if it is a short-run proxy, keep a durable holdout`;
}
