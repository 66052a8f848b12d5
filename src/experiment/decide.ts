import type { CostMatrixRow } from "./cost-matrix.js";
import type { EvidenceKey } from "./evidence-key.js";
import type { ExperimentConfig } from "./experiment-schema.js";
import { formatUsd } from "./format-usd.js";

export type DecisionStatus = "supported" | "not supported" | "inconclusive";

/** A decision written down (docs/design.md §5): what was asked, what was compared, what was decided and why. */
export interface DecisionRecord {
  readonly experiment: string;
  readonly question: string;
  readonly decisionServed: string;
  readonly comparison: string;
  /** The unit-cost metric the decision rule ranked by (default costPer1kAccepted); `evidence[].metric` holds its values. */
  readonly metric: string;
  /** The metric shown beside it (the other of cost per 1K accepted / successful); `evidence[].otherMetric` holds its values. */
  readonly otherMetric: string;
  /** Which profile the other metric would pick per case, so a reader sees whether the choice of metric mattered. */
  readonly otherMetricPicks: readonly { readonly case: string; readonly cheapest: string }[];
  /** Where the evidence came from; every cell shares it (a matrix never mixes evidence). */
  readonly evidenceKey?: EvidenceKey;
  readonly evidence: readonly { readonly case: string; readonly profile: string; readonly runId: string; readonly metric: number; readonly otherMetric: number; readonly accepted: number; readonly sloPassed: boolean; readonly summary: string }[];
  readonly decision: string;
  readonly guardrails: readonly string[];
  readonly rollbackTriggers: readonly string[];
  readonly tradeoff: string;
  readonly evidenceBoundary: string;
  readonly status: DecisionStatus;
  readonly perCase: readonly { readonly case: string; readonly cheapest: string; readonly advantage: number; readonly cheapestSloPassed: boolean }[];
}

const money = (value: number): string => (Number.isFinite(value) ? formatUsd(value) : "∞ (nothing accepted)");

type RankMetric = ExperimentConfig["decisionRule"]["metric"];

const metricUnit: Readonly<Record<RankMetric, string>> = {
  costPer1kAccepted: "per 1K in-SLO requests",
  lcpr: "per in-SLO request",
  costPer1MTokensInSlo: "per 1M in-SLO tokens",
  costPer1kSuccessful: "per 1K successful",
  costPer1MTokens: "per 1M tokens",
};

const metricWords: Readonly<Record<RankMetric, string>> = {
  costPer1kAccepted: "cost per 1K accepted (in-SLO) requests",
  lcpr: "cost per accepted (in-SLO) request (LCPR)",
  costPer1MTokensInSlo: "cost per 1M output tokens within the SLO",
  costPer1kSuccessful: "cost per 1K successful requests (SLO ignored)",
  costPer1MTokens: "cost per 1M output tokens (SLO ignored)",
};

/** The SLO-blind metric shown beside an in-SLO one, and the reverse. */
const otherMetricOf = (metric: RankMetric): RankMetric => (metric === "costPer1kSuccessful" || metric === "costPer1MTokens" ? "costPer1kAccepted" : "costPer1kSuccessful");

function _cheapest(rows: readonly CostMatrixRow[], caseName: string, metric: RankMetric): CostMatrixRow[] {
  return rows.filter((row) => row.case === caseName).sort((a, b) => a[metric] - b[metric]);
}

/**
 * The experiment's decision rule: per case, rank profiles by the unit-cost metric (lower is better)
 * and check the winner's SLO. One profile cheapest everywhere → use it, and gate the SLO claim on
 * every case where it misses the SLO; different winners → target by segment; nothing served or no
 * clear advantage → inconclusive.
 */
export function decideExperiment(experiment: ExperimentConfig, rows: readonly CostMatrixRow[], evidenceKey?: EvidenceKey): DecisionRecord {
  const metric = experiment.decisionRule.metric;
  const otherMetric = otherMetricOf(metric);
  const minAdvantage = experiment.decisionRule.minAdvantage;
  const cases = experiment.cases.map((testCase) => testCase.name);
  const otherMetricPicks = cases.flatMap((caseName) => {
    const best = _cheapest(rows, caseName, otherMetric)[0];
    return best ? [{ case: caseName, cheapest: best.profile }] : [];
  });
  const perCase = cases.flatMap((caseName) => {
    const ranked = _cheapest(rows, caseName, metric);
    const best = ranked[0];
    if (!best) return [];
    const next = ranked[1];
    return [{ case: caseName, cheapest: best.profile, advantage: next ? next[metric] / best[metric] : Infinity, cheapestSloPassed: best.sloPassed, best }];
  });
  const evidence = rows.map((row) => ({
    case: row.case,
    profile: row.profile,
    runId: row.runId,
    metric: row[metric],
    otherMetric: row[otherMetric],
    accepted: row.accepted,
    sloPassed: row.sloPassed,
    summary: `${row.successful}/${row.requests} served, ${row.accepted} within the SLO, ${row.dropped} dropped, ${row.failed} failed, p95 ${row.p95LatencySeconds.toFixed(2)} s, ${metric} ${money(row[metric])} (decided), ${otherMetric} ${money(row[otherMetric])}, SLO ${row.sloPassed ? "passed" : `missed (${row.sloFailures.join("; ")})`}`,
  }));
  const winners = [...new Set(perCase.map((entry) => entry.cheapest))];
  const profiles = experiment.profiles.map((profile) => profile.name);
  const disagree = otherMetricPicks.filter((pick) => perCase.find((entry) => entry.case === pick.case)?.cheapest !== pick.cheapest);
  const comparison =
    `${profiles.join(" vs ")} on ${cases.join(" and ")}, decided by ${metric} — ${metricWords[metric]}, lower is better — with the SLO checked per run; ${otherMetric} shown beside it` +
    (disagree.length === 0 ? ` picks the same profiles` : ` would pick ${disagree.map((pick) => `${pick.cheapest} in ${pick.case}`).join(", ")}`);
  const sloText = [
    experiment.slo.p95LatencySeconds === undefined ? null : `p95 request latency ≤ ${experiment.slo.p95LatencySeconds} s`,
    experiment.slo.p99LatencySeconds === undefined ? null : `p99 request latency ≤ ${experiment.slo.p99LatencySeconds} s`,
    experiment.slo.ttftSeconds === undefined ? null : `TTFT ≤ ${experiment.slo.ttftSeconds} s`,
    experiment.slo.tpotSeconds === undefined ? null : `TPOT ≤ ${experiment.slo.tpotSeconds} s`,
  ].filter((text): text is string => text !== null);
  const base = {
    experiment: experiment.name, question: experiment.question, decisionServed: experiment.decision, comparison, metric, otherMetric, otherMetricPicks,
    ...(evidenceKey === undefined ? {} : { evidenceKey }), evidence, evidenceBoundary: experiment.evidenceBoundary, perCase: perCase.map(({ best: _best, ...entry }) => entry),
  };
  const nothingServed = perCase.length === 0 || perCase.every((entry) => !Number.isFinite(entry.best[metric]));
  if (nothingServed) {
    return {
      ...base,
      decision: "Instrument more / run a stronger design: no profile served enough requests within the SLO to price useful work.",
      guardrails: [],
      rollbackTriggers: [],
      tradeoff: "None can be stated until a profile serves traffic.",
      status: "inconclusive",
    };
  }
  const rollbackTriggers = [
    ...sloText.map((text) => `${text.replace("≤", "exceeded:")} over a 5-minute window`),
    "drop or error rate above 1 % of requests",
    ...perCase.map((entry) => `${metric} above ${money(entry.best[metric] * 1.25)} in ${entry.case} (25 % over the measured ${money(entry.best[metric])})`),
  ];
  if (winners.length === 1) {
    const winner = winners[0] ?? "";
    const failing = perCase.filter((entry) => !entry.cheapestSloPassed);
    const passing = perCase.filter((entry) => entry.cheapestSloPassed);
    const clear = perCase.every((entry) => entry.advantage >= minAdvantage);
    const advantages = perCase.map((entry) => `${money(entry.best[metric])} ${metricUnit[metric]}, ${Number.isFinite(entry.advantage) ? entry.advantage.toFixed(1) : "∞"}× cheaper in ${entry.case}`).join("; ");
    const decision =
      failing.length === 0
        ? `Use ${winner}: cheapest by ${metric} in every case (${advantages}) and within the SLO.`
        : `Use ${winner} for unit-cost economics — cheapest by ${metric} in every case (${advantages})${passing.length > 0 ? ` and within the SLO in ${passing.map((entry) => entry.case).join(", ")}` : ""} — but gate ${failing.map((entry) => entry.case).join(", ")} SLO claims on admission control, autoscaling or a different capacity shape (${failing.map((entry) => entry.best.sloFailures.join("; ")).join("; ")}).`;
    const passingP95 = passing.map((entry) => entry.best.p95LatencySeconds).filter(Number.isFinite);
    const headroom =
      passingP95.length > 0
        ? `if the latency SLO tightens below the p95 it achieved where it passed (${Math.max(...passingP95).toFixed(2)} s)`
        : "it meets the latency SLO in no case tested, so any latency claim needs more capacity or admission control";
    return {
      ...base,
      decision,
      guardrails: [...sloText.map((text) => `hold ${text}`), "no dropped or failed requests at steady load", `keep ${metric} within 25 % of the measured value`],
      rollbackTriggers,
      tradeoff: `${winner} buys its unit cost by sharing each step across many requests: ${headroom}; and if traffic turns burstier than the cases tested, queueing — not price — decides whether it is still the right choice.`,
      status: clear ? "supported" : "inconclusive",
    };
  }
  return {
    ...base,
    decision: `Target by segment: ${perCase.map((entry) => `${entry.cheapest} for ${entry.case}${entry.cheapestSloPassed ? "" : " (misses the SLO there)"}`).join("; ")}.`,
    guardrails: sloText.map((text) => `hold ${text} per segment`),
    rollbackTriggers,
    tradeoff: "Segments must be routed correctly: misclassified traffic pays the other profile's cost or latency.",
    status: perCase.every((entry) => entry.advantage >= minAdvantage) ? "supported" : "inconclusive",
  };
}
