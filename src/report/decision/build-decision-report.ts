import type { DecisionRecord, DecisionStatus } from "../../experiment/decide.js";
import { describeEvidenceKey } from "../../experiment/evidence-key.js";
import { GoodputError } from "../../errors.js";
import type { CalloutTone, ReportDocument } from "../report-document.js";
import { chartBlock } from "../readout/_chart-specs.js";
import { roundSignificant } from "../readout/_round.js";

const toneOfStatus: Readonly<Record<DecisionStatus, CalloutTone>> = { supported: "pass", inconclusive: "warn", "not supported": "fail" };

/** A decision record as stored: JSON turns a metric of ∞ (nothing served) into null. */
type StoredDecisionRecord = Omit<DecisionRecord, "evidence" | "perCase" | "otherMetric"> & {
  /** Absent in records written before both metrics were shown. */
  readonly otherMetric?: string;
  readonly evidence: readonly (Omit<DecisionRecord["evidence"][number], "metric" | "otherMetric"> & { readonly metric: number | null; readonly otherMetric?: number | null })[];
  readonly perCase: readonly (Omit<DecisionRecord["perCase"][number], "advantage"> & { readonly advantage: number | null })[];
};

const requiredFields = ["experiment", "question", "decision", "status", "evidence", "perCase", "guardrails", "rollbackTriggers"] as const;

/** The ranking metric: recorded since it was added to the record; older records name it in the comparison's fixed ending. */
function metricName(record: StoredDecisionRecord): string {
  const recorded = (record as { readonly metric?: unknown }).metric;
  if (typeof recorded === "string" && recorded !== "") return recorded;
  return /, by (\S+) \(lower is better\) with the SLO checked per run$/.exec(record.comparison)?.[1] ?? "decision metric";
}

/**
 * The report of a decision record (docs/design.md §5; `goodput experiment run` stores one per complete matrix): the decision and
 * its status first, then the evidence — each profile's unit cost per case with its SLO verdict — guardrails and
 * rollback triggers. Pure: the time is passed in.
 */
export function buildDecisionReport(json: unknown, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new GoodputError("BAD_INPUT", "a decision record is a JSON object.", { where: "decision record" });
  const missing = requiredFields.filter((field) => !(field in json));
  if (missing.length > 0) throw new GoodputError("BAD_INPUT", `the decision record lacks ${missing.map((field) => `"${field}"`).join(", ")}; re-run goodput experiment run to record a new one.`, { where: "decision record" });
  const record = json as StoredDecisionRecord;
  const metric = metricName(record);
  const served = record.evidence.filter((entry) => entry.metric !== null && Number.isFinite(entry.metric));
  const unserved = record.evidence.length - served.length;
  const values = served.map((entry) => ({ case: entry.case, profile: entry.profile, metric: roundSignificant(entry.metric), slo: entry.sloPassed ? "SLO passed" : "SLO missed" }));
  return {
    title: `Decision: ${record.experiment}`,
    subtitle: `${record.status} — ${record.question}`,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections: [
      {
        title: "Decision",
        blocks: [
          { kind: "callout", tone: toneOfStatus[record.status], title: record.status.toUpperCase(), text: record.decision },
          {
            kind: "keyValues",
            entries: [
              ["question", record.question],
              ["decision served", record.decisionServed],
              ["comparison", record.comparison],
              ["tradeoff", record.tradeoff],
              ["evidence boundary", record.evidenceBoundary],
              // Records written before evidence keys carry none; say so rather than leave it out.
              ["evidence", record.evidenceKey === undefined ? "not recorded (older record)" : describeEvidenceKey(record.evidenceKey)],
            ],
          },
        ],
      },
      {
        title: "Evidence",
        blocks: [
          chartBlock(
            `${metric} by profile and case`,
            `Each profile's ${metric} (lower is better) in each case, from the runs below; bars are coloured by whether the run met the SLO.${unserved > 0 ? ` ${unserved} run(s) served nothing and have no bar (∞).` : ""}`,
            {
              data: { values },
              mark: { type: "bar" },
              // Height of one case's panel: a bar per profile.
              height: Math.max(48, 28 * Math.max(1, ...[...new Set(values.map((row) => row.case))].map((name) => values.filter((row) => row.case === name).length))),
              encoding: {
                row: { field: "case", type: "nominal", title: null, header: { labelAngle: 0, labelAlign: "left", labelFontWeight: "bold" } },
                y: { field: "profile", type: "nominal", title: null, axis: { labelLimit: 260 } },
                x: { field: "metric", type: "quantitative", title: `${metric} (lower is better)` },
                color: { field: "slo", type: "nominal", title: null, scale: { domain: ["SLO passed", "SLO missed"], range: ["#54a24b", "#e45756"] } },
              },
              resolve: { scale: { y: "independent" } },
            },
          ),
          {
            kind: "table",
            caption: "Runs",
            columns: ["case", "profile", `${metric} (decided)`, record.otherMetric ?? "other metric", "SLO", "summary", "run"],
            rows: record.evidence.map((entry) => [
              entry.case,
              entry.profile,
              entry.metric === null || !Number.isFinite(entry.metric) ? "∞ (nothing served)" : roundSignificant(entry.metric, 4),
              entry.otherMetric === undefined || entry.otherMetric === null || !Number.isFinite(entry.otherMetric) ? "∞" : roundSignificant(entry.otherMetric, 4),
              entry.sloPassed ? "passed" : "missed",
              entry.summary,
              entry.runId,
            ]),
          },
          {
            kind: "table",
            caption: "Cheapest profile per case (advantage: next cheapest ÷ cheapest)",
            columns: ["case", "cheapest", "advantage", "cheapest within SLO"],
            rows: record.perCase.map((entry) => [entry.case, entry.cheapest, entry.advantage === null || !Number.isFinite(entry.advantage) ? "∞" : roundSignificant(entry.advantage, 3), entry.cheapestSloPassed ? "yes" : "no"]),
          },
        ],
      },
      {
        title: "Guardrails and rollback",
        blocks: [
          { kind: "paragraph", text: record.guardrails.length === 0 ? "No guardrails stated." : "Guardrails:" },
          ...(record.guardrails.length === 0 ? [] : [{ kind: "list" as const, items: record.guardrails }]),
          { kind: "paragraph", text: record.rollbackTriggers.length === 0 ? "No rollback triggers stated." : "Roll back if:" },
          ...(record.rollbackTriggers.length === 0 ? [] : [{ kind: "list" as const, items: record.rollbackTriggers }]),
        ],
      },
    ],
  };
}
