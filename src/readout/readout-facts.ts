import { onlyShortRun, surrogateRung, type DecisionFacts, type PrimaryFact } from "./decision-table.js";
import type { ReadoutTable } from "./readout-table.js";
import type { OutcomeReadout, Readout, ReadoutCheck, ReadoutEstimate } from "./readout-types.js";
import { confidenceLabel, intervalAt } from "./rule-checks.js";

const fmt = (value: number): string => (Number.isFinite(value) ? value.toPrecision(4) : String(value));

/** better / worse / unclear for an estimate of an outcome, at the decision's alpha. */
export function verdictOf(entry: { readonly estimate: number; readonly standardError: number; readonly df: number | null; readonly ci95: readonly [number, number] }, lowerIsBetter: boolean, alpha: number): PrimaryFact["verdict"] {
  const [low, high] = intervalAt(entry, alpha);
  if (!Number.isFinite(low) || !Number.isFinite(high)) return "unclear";
  if (lowerIsBetter ? high < 0 : low > 0) return "better";
  if (lowerIsBetter ? low > 0 : high < 0) return "worse";
  return "unclear";
}

/** The primary estimate as a table fact (null when the outcome has none valid for the design). */
export function primaryFact(outcome: OutcomeReadout | undefined, alpha: number): PrimaryFact | null {
  const primary = outcome?.estimates.find((entry) => entry.primary && entry.valid);
  if (outcome === undefined || primary === undefined) return null;
  const ci = intervalAt(primary, alpha);
  return { outcome: outcome.outcome, method: primary.method, estimate: primary.estimate, standardError: primary.standardError, ci, ciLabel: `${confidenceLabel(alpha)} CI`, verdict: verdictOf(primary, outcome.lowerIsBetter, alpha) };
}

/** Significant harmful moves of the other stated outcomes, except those a pre-registered rule already governs. */
function harmsOf(readout: Omit<Readout, "decision">, alpha: number): string[] {
  const governed = new Set(readout.rule === null ? [] : [...readout.rule.guardrails, ...readout.rule.rollback].map((entry) => entry.metric));
  return readout.outcomes.slice(1).flatMap((outcome) => {
    if (governed.has(outcome.outcome)) return [];
    const headline: ReadoutEstimate | undefined = outcome.estimates.find((entry) => entry.primary && entry.valid);
    if (headline === undefined || verdictOf(headline, outcome.lowerIsBetter, alpha) !== "worse") return [];
    const [low, high] = intervalAt(headline, alpha);
    return [`${outcome.outcome} ${outcome.lowerIsBetter ? "rises" : "falls"} by ${fmt(Math.abs(headline.estimate))} (CI ${fmt(low)} to ${fmt(high)}, ${headline.method})`];
  });
}

/**
 * Segments clearly worth treating: net value (or, without --value-per-unit, lift) positive with Holm-adjusted p < alpha,
 * while at least one other segment is not — a heterogeneous effect that argues for targeting, not a global ship.
 */
export function segmentsToTarget(outcome: OutcomeReadout | undefined, alpha: number): string[] {
  if (outcome === undefined || outcome.segments.length < 2) return [];
  const clearly = outcome.segments.filter((segment) => {
    const value = segment.netValue;
    return value === null ? segment.lift > 0 && segment.pHolm < alpha : value.estimate > 0 && value.pHolm < alpha;
  });
  return clearly.length > 0 && clearly.length < outcome.segments.length ? clearly.map((segment) => segment.segment) : [];
}

const messages = (checks: readonly ReadoutCheck[], kind: ReadoutCheck["check"], status: ReadoutCheck["status"]): string[] =>
  checks.filter((check) => check.check === kind && check.status === status).map((check) => check.message);

/** Reduces an experiment readout (request / user / cluster / switchback / observational table) to the decision table's facts. */
export function readoutFacts(table: ReadoutTable, readout: Omit<Readout, "decision">): DecisionFacts {
  const { design, checks, outcomes } = readout;
  const alpha = readout.settings.alpha;
  const rollback = checks.find((check) => check.check === "rollback" && check.status === "fail");
  const instrumentation = checks.find((check) => check.check === "instrumentation" && check.status === "fail");
  const assignment = checks.find((check) => check.check === "assignment" && check.status === "fail");
  const economic = checks.filter((check) => check.check === "economic" && check.status === "fail").map((check) => check.message);
  const primaryName = outcomes[0]?.outcome ?? "";
  const notRandom = checks.find((check) => check.check === "design" && check.name === "assignment was not random" && check.status === "fail");
  return {
    design: {
      name: design.chosen,
      evidence: design.chosen === "observational" ? "observational" : "randomized",
      invalidReason: notRandom !== undefined ? notRandom.message : design.requestLevelValid ? null : design.storyDesign !== null ? design.validity : design.sharedStateReason ?? "the comparison is not valid for this assignment",
      stronger: notRandom !== undefined ? notRandom.effect : design.recommendation,
    },
    checks: {
      missingFields: instrumentation === undefined ? [] : [instrumentation.message],
      assignmentBroken: assignment === undefined ? null : assignment.message,
      designFailures: [],
    },
    primary: primaryFact(outcomes[0], alpha),
    guardrails: {
      rollbackFired: rollback === undefined ? [] : [{ text: rollback.message, action: rollback.values?.action === "do not ship" ? "do not ship" : "roll back" }],
      breached: messages(checks, "guardrail", "fail"),
      uncleared: messages(checks, "guardrail", "warn"),
      harms: harmsOf(readout, alpha),
    },
    economics: { belowBar: economic.length > 0 ? economic.join("; ") : null },
    surrogates: { primaryRung: surrogateRung(primaryName), shortRunOnly: onlyShortRun(primaryName, outcomes.map((outcome) => outcome.outcome)) || (table.isRequestLog && surrogateRung(primaryName) !== "cost" && !outcomes.some((outcome) => ["user", "business"].includes(surrogateRung(outcome.outcome)))) },
    targetSegments: segmentsToTarget(outcomes[0], alpha),
  };
}
