import { decide, type DecisionFacts, type DecisionWord, type PrimaryFact } from "./decision-table.js";

/** What a non-experimental design (IV, DiD, RDD, synthetic control, OPE, observational) hands the decision table. */
export interface DesignDecisionInput {
  readonly design: string;
  readonly evidence: DecisionFacts["design"]["evidence"];
  /** The headline estimate in outcome units; `verdict` overrides the CI reading (e.g. a placebo rank for synthetic control). */
  readonly primary: {
    readonly outcome: string;
    readonly method: string;
    readonly estimate: number;
    readonly standardError: number;
    readonly ci95: readonly [number, number];
    /** null: the good direction is unknown (a column named `y`): a significant move is then neither benefit nor harm. */
    readonly lowerIsBetter: boolean | null;
    readonly verdict?: PrimaryFact["verdict"];
    readonly inference?: string;
  } | null;
  /** Failed design checks (weak first stage, pre-trends, manipulation, poor pre-fit, weak support …): each downgrades. */
  readonly designFailures: readonly string[];
  readonly missingFields?: readonly string[];
  readonly assignmentBroken?: string | null;
  readonly invalidReason?: string | null;
  readonly stronger?: string | null;
  readonly belowBar?: string | null;
}

/** The decision of a design readout: the table's word, its row, reasons and a one-line summary. */
export interface DesignDecision {
  readonly action: DecisionWord;
  readonly rule: string;
  readonly summary: string;
  readonly reasons: readonly string[];
  readonly conditions: readonly string[];
  readonly holdout: boolean;
}

/** Feeds one design's estimate and checks through the same rule table the experiment readout uses. */
export function decideDesign(input: DesignDecisionInput): DesignDecision {
  const { primary } = input;
  const finite = primary !== null && Number.isFinite(primary.estimate) && Number.isFinite(primary.ci95[0]) && Number.isFinite(primary.ci95[1]);
  const verdict = (): PrimaryFact["verdict"] => {
    if (primary === null) return "unclear";
    if (primary.verdict !== undefined) return primary.verdict;
    const [low, high] = primary.ci95;
    if (primary.lowerIsBetter === null) return low > 0 || high < 0 ? "direction unknown" : "unclear";
    if (primary.lowerIsBetter ? high < 0 : low > 0) return "better";
    if (primary.lowerIsBetter ? low > 0 : high < 0) return "worse";
    return "unclear";
  };
  const facts: DecisionFacts = {
    design: { name: input.design, evidence: input.evidence, invalidReason: input.invalidReason ?? null, stronger: input.stronger ?? null },
    checks: { missingFields: input.missingFields ?? [], assignmentBroken: input.assignmentBroken ?? null, designFailures: input.designFailures },
    primary: primary === null || !finite ? null : { outcome: primary.outcome, method: primary.method, estimate: primary.estimate, standardError: primary.standardError, ci: primary.ci95, ciLabel: "95 % CI", verdict: verdict(), ...(primary.inference === undefined ? {} : { inference: primary.inference }) },
    guardrails: { rollbackFired: [], breached: [], uncleared: [], harms: [] },
    economics: { belowBar: input.belowBar ?? null },
    surrogates: { primaryRung: "unknown", shortRunOnly: false },
    targetSegments: [],
  };
  const decided = decide(facts);
  return { ...decided, summary: `${decided.action.toUpperCase()}: ${decided.reasons[0] ?? ""}` };
}

/** The decision lines appended to a design's text readout. */
export function formatDesignDecision(decision: DesignDecision): string {
  return [
    `Decision: ${decision.summary}`,
    ...decision.conditions.map((text) => `  condition: ${text}`),
    ...(decision.holdout ? ["  keep a durable holdout"] : []),
    `  (decision-table row: ${decision.rule})`,
    "",
  ].join("\n");
}
