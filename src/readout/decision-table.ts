/**
 * THE decision rule table (docs/design.md §1 decision words, §7.5 checks, §7.6 surrogates, §7.7 the decision). Every design —
 * request / user / cluster / switchback RCTs, RDD, synthetic control, IV, DiD, OPE, observational — reduces its readout to
 * `DecisionFacts` and this table turns them into one decision word with its reasons. Rows are tried top to bottom; the first
 * row whose `when` holds decides. The order IS the policy: missing data before broken assignment before an invalid design
 * before harm before evidence of benefit. Pure: no I/O, no estimation.
 */

/** docs/design.md §1 decision words. */
export const decisionWords = ["ship", "ramp", "target a segment", "keep a holdout", "hold", "pause", "roll back", "instrument more", "run a stronger design"] as const;
export type DecisionWord = (typeof decisionWords)[number];

/** The primary estimate, reduced to what the rules read: its direction relative to "better", at the decision's alpha. */
export interface PrimaryFact {
  readonly outcome: string;
  readonly method: string;
  readonly estimate: number;
  readonly standardError: number;
  readonly ci: readonly [number, number];
  /** "95 % CI", "99.5 % CI": the level of `ci`. */
  readonly ciLabel: string;
  /** Replaces the CI in the text when the design's inference is not an interval (synthetic control's placebo rank). */
  readonly inference?: string;
  /**
   * better: the CI lies wholly on the good side; worse: wholly on the harmful side; unclear: it covers zero; direction
   * unknown: it excludes zero but nobody said (nor does the outcome's name say) which side is good.
   */
  readonly verdict: "better" | "worse" | "unclear" | "direction unknown";
}

/** Everything a decision may depend on (the "facts"), in the six groups of issue 11. */
export interface DecisionFacts {
  /** 1. design validity: may this design's estimate be read as the effect of the decision at all? */
  readonly design: {
    readonly name: string;
    /** randomized: an RCT at the analysed unit; quasi: RDD / DiD / SC / IV / OPE (identified under stated assumptions); observational: adjustment only. */
    readonly evidence: "randomized" | "quasi" | "observational";
    /** Why the design cannot answer the question (shared state under a request A/B, a threshold story read as an RCT …); null = valid. */
    readonly invalidReason: string | null;
    /** What to run instead when invalid. */
    readonly stronger: string | null;
  };
  /** 2. checks. */
  readonly checks: {
    /** Required fields absent or null on a whole arm (decision-time state, intended / executed action …). */
    readonly missingFields: readonly string[];
    /** SRM, or a log whose assignment was not random: no estimate is trustworthy. */
    readonly assignmentBroken: string | null;
    /** Failed design checks (pre-trends, weak first stage, density / manipulation, placebo rank, weight support …). */
    readonly designFailures: readonly string[];
  };
  /** 3. the primary estimate; null when none valid for the design could be computed. */
  readonly primary: PrimaryFact | null;
  /** 4. guardrails and harm. */
  readonly guardrails: {
    /** Pre-registered rollback triggers that fired, with the action the rule gave them. */
    readonly rollbackFired: readonly { readonly text: string; readonly action: "roll back" | "do not ship" }[];
    readonly breached: readonly string[];
    /** Guardrails whose interval still crosses the tolerated degradation. */
    readonly uncleared: readonly string[];
    /** Significant harmful moves in other stated outcomes (not governed by a pre-registered guardrail). */
    readonly harms: readonly string[];
  };
  /** 5. economics: why a real effect is not worth shipping (below the minimum effect, value × lift below incremental cost); null = clears or untested. */
  readonly economics: { readonly belowBar: string | null };
  /** 6. surrogates: the ladder rung the primary sits on, and whether any longer-run outcome was measured. */
  readonly surrogates: {
    readonly primaryRung: SurrogateRung;
    /** True when the benefit rests only on system / session metrics and no user or business outcome was read. */
    readonly shortRunOnly: boolean;
  };
  /** Segments whose lift (or net value) is clearly positive while others' is not. */
  readonly targetSegments: readonly string[];
}

/** The surrogate ladder of docs/design.md §7.6. */
export type SurrogateRung = "system" | "session" | "user" | "business" | "cost" | "unknown";

/** What the table returns. */
export interface TableDecision {
  readonly action: DecisionWord;
  /** The id of the row that decided (stable: tests and scripts match on it). */
  readonly rule: string;
  readonly reasons: readonly string[];
  /** Conditions attached to a ramp (mechanism metric improves, guardrails hold …). */
  readonly conditions: readonly string[];
  /** Keep a durable holdout after acting (short-run evidence, request logs). */
  readonly holdout: boolean;
}

interface DecisionRow {
  readonly id: string;
  readonly when: (facts: DecisionFacts) => boolean;
  readonly action: DecisionWord | ((facts: DecisionFacts) => DecisionWord);
  readonly reason: (facts: DecisionFacts) => string;
  readonly holdout?: boolean;
  readonly conditions?: (facts: DecisionFacts) => string[];
}

const fmt = (value: number): string => (Number.isFinite(value) ? value.toPrecision(4) : String(value));
const describe = (primary: PrimaryFact): string => `${primary.outcome} ${fmt(primary.estimate)} (${primary.inference ?? `${primary.ciLabel} ${fmt(primary.ci[0])} to ${fmt(primary.ci[1])}`}, ${primary.method})`;
const better = (facts: DecisionFacts): boolean => facts.primary?.verdict === "better";

/** The table. Read it top to bottom. */
export const decisionTable: readonly DecisionRow[] = [
  {
    id: "missing-log-fields",
    when: (f) => f.checks.missingFields.length > 0,
    action: "instrument more",
    reason: (f) => `required fields are missing or empty (${f.checks.missingFields.join("; ")}): log them and rerun — no estimator recovers what was not logged`,
  },
  {
    id: "assignment-broken",
    when: (f) => f.checks.assignmentBroken !== null,
    action: "pause",
    reason: (f) => `${f.checks.assignmentBroken ?? ""}; no estimate is trustworthy until the assignment is explained`,
  },
  {
    id: "design-invalid",
    when: (f) => f.design.invalidReason !== null,
    action: "run a stronger design",
    reason: (f) => `the ${f.design.name} comparison cannot answer this: ${f.design.invalidReason ?? ""}${f.design.stronger === null ? "" : ` — run ${f.design.stronger}`}`,
  },
  {
    id: "rollback-trigger",
    when: (f) => f.guardrails.rollbackFired.length > 0,
    action: (f) => (f.guardrails.rollbackFired.some((entry) => entry.action === "roll back") ? "roll back" : "hold"),
    reason: (f) => `rollback trigger fired: ${f.guardrails.rollbackFired.map((entry) => entry.text).join("; ")}${f.guardrails.rollbackFired.every((entry) => entry.action === "do not ship") ? " (the rule says: do not ship)" : ""}`,
  },
  {
    id: "guardrail-breached",
    when: (f) => f.guardrails.breached.length > 0,
    action: "hold",
    reason: (f) => `guardrail breached — do not ship: ${f.guardrails.breached.join("; ")}`,
  },
  {
    id: "primary-harm",
    when: (f) => f.primary?.verdict === "worse",
    action: "roll back",
    reason: (f) => `the primary outcome gets worse: ${f.primary === null ? "" : describe(f.primary)} — turn the treatment off`,
  },
  {
    id: "harm-in-a-stated-outcome",
    when: (f) => f.guardrails.harms.length > 0,
    action: "hold",
    reason: (f) => `a stated outcome moves significantly the harmful way, which blocks shipping whatever the primary does (pre-register a guardrail if this trade-off is acceptable): ${f.guardrails.harms.join("; ")}`,
  },
  {
    id: "no-valid-estimate",
    when: (f) => f.primary === null,
    action: "hold",
    reason: () => "no estimate valid for this design could be computed",
  },
  {
    id: "design-check-failed",
    when: (f) => f.checks.designFailures.length > 0,
    action: "run a stronger design",
    reason: (f) => `the design's own checks fail, so its estimate is not credible: ${f.checks.designFailures.join("; ")}`,
  },
  {
    id: "direction-unknown",
    when: (f) => f.primary?.verdict === "direction unknown",
    action: "hold",
    reason: (f) => `${f.primary === null ? "" : describe(f.primary)} moves, but the outcome's name does not say whether higher is better, so this is neither a benefit nor a harm: rerun with --direction higher or --direction lower`,
  },
  {
    id: "segment-pays",
    when: (f) => f.targetSegments.length > 0 && f.design.evidence !== "observational",
    action: "target a segment",
    reason: (f) => `target ${f.targetSegments.map((name) => `"${name}"`).join(", ")}: its lift (net value when priced) is clearly positive (Holm-adjusted) and the other segments' is not`,
  },
  {
    id: "observational-only",
    when: (f) => f.design.evidence === "observational" && better(f),
    action: "run a stronger design",
    reason: (f) => `an observational association (${f.primary === null ? "" : describe(f.primary)}) with unobserved confounding not ruled out: randomize (or find a threshold / staged rollout) before shipping`,
  },
  {
    id: "no-detectable-effect",
    when: (f) => f.primary?.verdict === "unclear",
    action: "hold",
    reason: (f) => `no detectable effect: ${f.primary === null ? "" : describe(f.primary)} — do not ship on noise`,
  },
  {
    id: "below-economic-bar",
    when: (f) => better(f) && f.economics.belowBar !== null,
    action: "hold",
    reason: (f) => `the effect is real but not worth shipping: ${f.economics.belowBar ?? ""}`,
  },
  {
    id: "guardrail-not-cleared",
    when: (f) => better(f) && f.guardrails.uncleared.length > 0,
    action: "ramp",
    holdout: true,
    reason: (f) => `${f.primary === null ? "" : describe(f.primary)} improves, but a guardrail is not cleared yet (${f.guardrails.uncleared.join("; ")}): ramp slowly with a holdout and re-read it`,
    conditions: (f) => f.guardrails.uncleared.map((text) => `guardrail cleared at the next step: ${text}`),
  },
  {
    id: "short-run-surrogate",
    when: (f) => better(f) && f.surrogates.shortRunOnly,
    action: "ramp",
    holdout: true,
    reason: (f) => `${f.primary === null ? "" : describe(f.primary)} improves, but it is a ${f.surrogates.primaryRung}-level metric and no user or business outcome was measured (surrogate risk): ramp conditionally and keep a durable holdout`,
    conditions: () => ["ramp only while the mechanism metric keeps improving and every guardrail holds", "keep a durable holdout and read the long-run (user / business) outcome on it before the last step"],
  },
  {
    id: "quasi-experimental-benefit",
    when: (f) => better(f) && f.design.evidence === "quasi",
    action: "ramp",
    holdout: true,
    reason: (f) => `${f.primary === null ? "" : describe(f.primary)} improves under the ${f.design.name} design's assumptions, which its checks support but cannot prove: ramp with a holdout`,
    conditions: () => ["the holdout's effect agrees in sign with this estimate"],
  },
  {
    id: "benefit",
    when: better,
    action: "ship",
    reason: (f) => `${f.primary === null ? "" : describe(f.primary)} improves and every check, guardrail and the economics clear`,
  },
];

/** Runs the table: the first matching row decides. */
export function decide(facts: DecisionFacts): TableDecision {
  for (const row of decisionTable) {
    if (!row.when(facts)) continue;
    return {
      action: typeof row.action === "function" ? row.action(facts) : row.action,
      rule: row.id,
      reasons: [row.reason(facts)],
      conditions: row.conditions?.(facts) ?? [],
      holdout: row.holdout ?? false,
    };
  }
  // Unreachable: "no-valid-estimate", "no-detectable-effect", "primary-harm" and "benefit" cover every primary.
  return { action: "hold", rule: "fallthrough", reasons: ["no rule matched"], conditions: [], holdout: false };
}

const rungPatterns: readonly [SurrogateRung, RegExp][] = [
  // Money spent is read directly, not as a surrogate: a cost primary needs no long-run proxy, and a cost outcome is not a long-run outcome.
  ["cost", /(^|_)(cost|usd|spend|price|gpu_seconds|gpu_hours)(_|$)|_usd$/i],
  ["business", /(^|_)(revenue|conversion|converted|paid|purchase|purchases|gmv|margin|profit|arpu|ltv|churned?|subscri\w*|renewal)(_|$)/i],
  ["user", /(^|_)(retained|retention|retain|active|dau|wau|mau|return(ed|s)?|engagement|sessions_per|nps|csat|satisfaction)(_|\d|$)/i],
  ["session", /(^|_)(success|succeeded|task|session|completed|completion|accepted|quality|pass|resolved|slo_met|goodput|score)(_|$)/i],
  ["system", /(^|_)(ttft|tpot|e2e|latency|wait|queue|gpu|error|errors|fail|failed|failure|timeout|preemptions|throughput|tokens)(_|$)|(_s|_ms|_usd)$/i],
];

/** The surrogate-ladder rung of an outcome, from its name (system metric → session → user → business, docs/design.md §7.6). */
export function surrogateRung(outcome: string): SurrogateRung {
  for (const [rung, pattern] of rungPatterns) if (pattern.test(outcome)) return rung;
  return "unknown";
}

/** True when the primary is a system metric (latency, errors, queue) and no user- or business-level outcome was stated. */
export function onlyShortRun(primary: string, outcomes: readonly string[]): boolean {
  if (surrogateRung(primary) !== "system") return false;
  return !outcomes.some((name) => ["user", "business"].includes(surrogateRung(name)));
}
