import type { ReportBlock, ReportDocument, ReportSection } from "../report-document.js";
import type { ReportMeta } from "../report-meta.js";
import { isRecord, requireRecords, roundSignificant } from "./_shape.js";

/** The fields of a useful-work cost matrix row (src/experiment/cost-matrix.ts) the report uses. */
interface MatrixRowJson {
  readonly case: string;
  readonly profile: string;
  readonly requests: number;
  readonly successful: number;
  readonly accepted: number;
  readonly dropped: number;
  readonly failed: number;
  readonly p95LatencySeconds: number;
  readonly costUsd: number;
  readonly costPer1kSuccessful: number;
  readonly costPer1MTokens: number;
  readonly goodputPerSecond: number;
  readonly sloPassed: boolean;
  readonly sloFailures: readonly string[];
}

interface DecisionJson {
  readonly status: string;
  readonly decision: string;
  readonly question: string;
  readonly comparison: string;
  readonly guardrails: readonly string[];
  readonly rollbackTriggers: readonly string[];
  readonly tradeoff: string;
  readonly evidenceBoundary: string;
}

/** Cost per 1 000 accepted requests (served within the SLO and passing quality): cost ÷ accepted × 1000; ∞ when none. */
export function costPer1kAccepted(row: { readonly costUsd: number; readonly accepted: number }): number {
  return row.accepted > 0 ? (row.costUsd / row.accepted) * 1000 : Infinity;
}

const sloDomain = ["SLO met", "SLO missed"];
const sloRange = ["#1a7f37", "#c0262d"];

/**
 * Report for `experiment run` / `experiment show` (docs/design.md §5): the useful-work cost matrix as a chart — one cell per
 * case × profile, coloured by SLO status and labelled with the cost per 1K accepted requests — the table, and the
 * decision record with its evidence boundary when the command passes it.
 */
export function buildCostMatrixReport(input: unknown, meta: ReportMeta): ReportDocument {
  const rowsInput = isRecord(input) && "rows" in input ? input.rows : input;
  const rows = requireRecords(rowsInput, "experiment cost matrix rows", ["case", "profile", "costUsd", "accepted", "sloPassed"]) as unknown as MatrixRowJson[];
  const decision = isRecord(input) && isRecord(input.decision) ? (input.decision as unknown as DecisionJson) : null;
  const evidenceBoundary = isRecord(input) && typeof input.evidenceBoundary === "string" ? input.evidenceBoundary : (decision?.evidenceBoundary ?? null);
  const experiment = isRecord(input) && typeof input.experiment === "string" ? input.experiment : null;
  const cells = rows.map((row) => {
    const cost = costPer1kAccepted(row);
    const rounded = roundSignificant(cost);
    return {
      case: row.case,
      profile: row.profile,
      costPer1kAccepted: rounded,
      slo: row.sloPassed ? "SLO met" : "SLO missed",
      label: rounded === null ? "nothing accepted" : `$${rounded} / 1K accepted`,
      detail: row.sloPassed ? "SLO met" : `SLO missed${row.sloFailures.length > 0 ? `: ${row.sloFailures[0] ?? ""}` : ""}`,
    };
  });
  const matrixBlocks: ReportBlock[] = [
    {
      kind: "chart",
      title: "Useful-work cost matrix",
      description: `Cost per 1 000 accepted requests for each of ${cells.length} case × profile cells; green cells met the SLO, red cells missed it.`,
      spec: {
        data: { values: cells },
        width: { step: 280 },
        height: { step: 70 },
        encoding: {
          x: { field: "profile", type: "nominal", title: "profile", axis: { orient: "top", labelAngle: 0, labelLimit: 260 } },
          y: { field: "case", type: "nominal", title: "case", axis: { labelLimit: 220 } },
        },
        layer: [
          {
            mark: { type: "rect", stroke: "#ffffff", strokeWidth: 3, cornerRadius: 4 },
            encoding: { color: { field: "slo", type: "nominal", title: "SLO", scale: { domain: sloDomain, range: sloRange }, legend: { orient: "bottom" } }, opacity: { value: 0.85 } },
          },
          { mark: { type: "text", fontSize: 13, fontWeight: "bold", color: "#ffffff", dy: -8 }, encoding: { text: { field: "label" } } },
          { mark: { type: "text", fontSize: 10, color: "#ffffff", dy: 10, limit: 260 }, encoding: { text: { field: "detail" } } },
        ],
      },
    },
    {
      kind: "table",
      caption: "Cost matrix",
      columns: ["case", "profile", "served / requests", "accepted", "dropped", "failed", "p95 latency s", "cost $", "$ / 1K accepted", "$ / 1K successful", "$ / 1M tokens", "goodput / s", "SLO"],
      rows: rows.map((row) => [
        row.case,
        row.profile,
        `${row.successful} / ${row.requests}`,
        row.accepted,
        row.dropped,
        row.failed,
        roundSignificant(row.p95LatencySeconds),
        roundSignificant(row.costUsd),
        roundSignificant(costPer1kAccepted(row)) ?? "∞",
        roundSignificant(row.costPer1kSuccessful) ?? "∞",
        roundSignificant(row.costPer1MTokens) ?? "∞",
        roundSignificant(row.goodputPerSecond),
        row.sloPassed ? "met" : "missed",
      ]),
    },
    ...(rows.some((row) => !row.sloPassed)
      ? [{ kind: "list", items: rows.filter((row) => !row.sloPassed).map((row) => `${row.case} × ${row.profile} missed the SLO: ${row.sloFailures.join("; ") || "no reason recorded"}`) } as const]
      : []),
    ...(evidenceBoundary === null ? [] : [{ kind: "callout", tone: "info", title: "Evidence boundary", text: evidenceBoundary } as const]),
  ];
  const sections: ReportSection[] = [{ title: "Cost per accepted request", blocks: matrixBlocks }];
  if (decision) sections.push({ title: "Decision", blocks: decisionBlocks(decision) });
  return {
    title: `Experiment${experiment === null ? "" : ` ${experiment}`}: useful-work cost matrix`,
    subtitle: decision?.question ?? `${new Set(rows.map((row) => row.case)).size} cases × ${new Set(rows.map((row) => row.profile)).size} profiles`,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections,
  };
}

function decisionBlocks(decision: DecisionJson): ReportBlock[] {
  const tone = decision.status === "supported" ? "pass" : decision.status === "not supported" ? "fail" : "warn";
  return [
    { kind: "callout", tone, title: `Decision: ${decision.status}`, text: decision.decision },
    { kind: "keyValues", entries: [["question", decision.question], ["comparison", decision.comparison], ["tradeoff that could change it", decision.tradeoff]] },
    { kind: "table", caption: "Guardrails and rollback triggers", columns: ["kind", "condition"], rows: [...decision.guardrails.map((text) => ["guardrail", text] as const), ...decision.rollbackTriggers.map((text) => ["rollback trigger", text] as const)] },
  ];
}
