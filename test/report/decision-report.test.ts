import { describe, expect, test } from "vitest";
import { buildDecisionReport } from "../../src/report/decision/build-decision-report.js";
import { renderReportHtml } from "../../src/report/render-report.js";
import type { ReportBlock } from "../../src/report/report-document.js";
import { goodputErrorOf } from "../goodput-error-of.js";

/** A decision record as the store holds it: JSON.stringify turned the unserved run's ∞ metric into null. */
const record = {
  experiment: "cost",
  question: "Which profile?",
  decisionServed: "pick a profile",
  comparison: "naive vs batched on steady and burst, by costPer1kSuccessful (lower is better) with the SLO checked per run",
  evidence: [
    { case: "steady", profile: "naive", runId: "r1", metric: 0.7, sloPassed: false, summary: "48/200 served" },
    { case: "steady", profile: "batched", runId: "r2", metric: 0.087, sloPassed: true, summary: "200/200 served" },
    { case: "burst", profile: "naive", runId: "r3", metric: null, sloPassed: false, summary: "0/200 served" },
    { case: "burst", profile: "batched", runId: "r4", metric: 0.017, sloPassed: true, summary: "200/200 served" },
  ],
  decision: "Use batched.",
  guardrails: ["hold p95 ≤ 4 s"],
  rollbackTriggers: ["p95 above 4 s over 5 minutes", "drop rate above 1 %"],
  tradeoff: "burstier traffic",
  evidenceBoundary: "serving GPU only",
  status: "inconclusive",
  perCase: [
    { case: "steady", cheapest: "batched", advantage: 8.05, cheapestSloPassed: true },
    { case: "burst", cheapest: "batched", advantage: null, cheapestSloPassed: true },
  ],
};

const blocks = (json: unknown): ReportBlock[] => buildDecisionReport(json, { source: "test" }).sections.flatMap((section) => section.blocks);

describe("decision-record report", () => {
  test("status as the first callout (inconclusive → warn), the decision text, guardrails and rollback triggers as lists", () => {
    const all = blocks(record);
    expect(all[0]).toEqual({ kind: "callout", tone: "warn", title: "INCONCLUSIVE", text: "Use batched." });
    expect(all.flatMap((block) => (block.kind === "list" ? [block.items] : []))).toEqual([["hold p95 ≤ 4 s"], ["p95 above 4 s over 5 minutes", "drop rate above 1 %"]]);
  });

  test("one bar per served run, named by the comparison's metric; the unserved run has no bar, ∞ in the table and is counted in the description", async () => {
    const chart = blocks(record).find((block): block is Extract<ReportBlock, { kind: "chart" }> => block.kind === "chart")!;
    expect(chart.title).toBe("costPer1kSuccessful by profile and case");
    const values = (chart.spec as { data: { values: { case: string; profile: string; metric: number; slo: string }[] } }).data.values;
    expect(values.map((row) => [row.case, row.profile, row.metric, row.slo])).toEqual([
      ["steady", "naive", 0.7, "SLO missed"],
      ["steady", "batched", 0.087, "SLO passed"],
      ["burst", "batched", 0.017, "SLO passed"],
    ]);
    expect(chart.description).toMatch(/1 run\(s\) served nothing/);
    const runs = blocks(record).find((block) => block.kind === "table" && block.caption === "Runs");
    expect(runs?.kind === "table" && runs.rows[2]?.[2]).toBe("∞ (nothing served)");
    const perCase = blocks(record).find((block) => block.kind === "table" && block.caption?.startsWith("Cheapest"));
    expect(perCase?.kind === "table" && perCase.rows.map((row) => row[2])).toEqual([8.05, "∞"]);
    const html = await renderReportHtml(buildDecisionReport(record, { source: "test" }));
    // One rect-mark group per case facet; bars are its <path> children.
    const bars = [...html.matchAll(/<g class="mark-rect role-mark[^>]*>(.*?)<\/g>/gs)].flatMap((group) => group[1]?.match(/<path /g) ?? []);
    expect(bars).toHaveLength(3);
  });

  test("the metric comes from the record, not from 'by …' inside user-chosen profile names", () => {
    const hostileNames = { ...record, metric: "costPer1kSuccessful", comparison: "served by vllm vs batched on steady and burst, by costPer1kSuccessful (lower is better) with the SLO checked per run" };
    const chart = blocks(hostileNames).find((block) => block.kind === "chart");
    expect(chart?.kind === "chart" && chart.title).toBe("costPer1kSuccessful by profile and case");
    // An older record without the field: the comparison's fixed ending still names it.
    const { metric: _metric, ...older } = hostileNames;
    const olderChart = blocks(older).find((block) => block.kind === "chart");
    expect(olderChart?.kind === "chart" && olderChart.title).toBe("costPer1kSuccessful by profile and case");
  });

  test("a record missing fields is a BAD_INPUT naming them", () => {
    const { evidence: _evidence, status: _status, ...partial } = record;
    const error = goodputErrorOf(() => buildDecisionReport(partial, { source: "test" }));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toMatch(/"status", "evidence"/);
  });
});
