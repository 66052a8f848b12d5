import { describe, expect, it } from "vitest";
import { buildReportForCommand } from "../../src/report/build-report.js";
import { buildBenchReport, recommendedPoint } from "../../src/report/builders/bench-report.js";
import { buildCacheReport, cacheCostAtReads } from "../../src/report/builders/cache-report.js";
import { buildCostMatrixReport, costPer1kAccepted } from "../../src/report/builders/cost-matrix-report.js";
import { buildRooflineReport } from "../../src/report/builders/roofline-report.js";
import { latencyCdf } from "../../src/report/latency-cdf.js";
import { renderReportHtml, renderReportMarkdown } from "../../src/report/render-report.js";
import type { ReportBlock, ReportDocument } from "../../src/report/report-document.js";
import { goodputErrorOf } from "../goodput-error-of.js";
import { countTags, eventHandlerAttributes, hostileImage, hostileScript } from "./hostile-strings.js";
import { costMatrixInput, kvInput } from "./report-fixtures.js";
import { countMarks, externalReferences, svgsOf } from "./svg-marks.js";

const meta = { source: "goodput test", createdAt: "2026-01-02T03:04:05.000Z" };
const blocksOf = (doc: ReportDocument, kind: ReportBlock["kind"]) => doc.sections.flatMap((section) => section.blocks).filter((block) => block.kind === kind);

/** A roofline sweep of 6 batches, 1..32: cost halves with each doubling until the floor; batch 32 misses the SLO. */
const rooflinePoints = [1, 2, 4, 8, 16, 32].map((batch) => ({
  batch,
  contextTokens: 2048,
  stepSeconds: 0.005 + batch * 0.0005,
  tpotSeconds: 0.005 + batch * 0.0005,
  tailTpotSeconds: 0.005 + batch * 0.0005,
  tokensPerSecond: batch / (0.005 + batch * 0.0005),
  costUsdPerMTok: 4 / batch,
  costUsdPerMAcceptedTok: 4 / batch,
  bottleneck: batch < 8 ? "weight-bandwidth" : "kv-bandwidth",
  overheadShare: 0.1,
  zone: batch < 4 ? "weight-bound" : batch < 16 ? "amortization" : "floor",
  feasible: true,
  meetsSlo: batch < 32,
  operatingPoint: batch === 16,
}));

describe("report builders", () => {
  it("roofline: one point per batch size, one cost line, three zone bands and the frontier rule", async () => {
    const doc = buildRooflineReport({ points: rooflinePoints, sloTpotSeconds: 0.02 }, meta);
    const [costChart, tpotChart] = svgsOf(await renderReportHtml(doc));
    expect(countMarks(costChart ?? "", "point")).toBe(6);
    expect(countMarks(costChart ?? "", "line mark")).toBe(1);
    expect(countMarks(costChart ?? "", "rect mark")).toBe(3); // weight-bound, amortization, floor
    expect(countMarks(costChart ?? "", "rule mark")).toBe(1);
    expect(costChart).toContain("SLO frontier: batch 16");
    // Status colours: five met (green), batch 32 missed (red).
    expect(costChart?.match(/aria-roledescription="point"[^>]*fill="#1a7f37"/g)).toHaveLength(5);
    expect(costChart?.match(/aria-roledescription="point"[^>]*fill="#c0262d"/g)).toHaveLength(1);
    // TPOT chart: mean and tail lines, the 20 ms SLO rule.
    expect(countMarks(tpotChart ?? "", "line mark")).toBe(2);
    expect(countMarks(tpotChart ?? "", "rule mark")).toBe(1);
    // Headline = the flagged point: $4/16 = $0.25 per million accepted tokens.
    expect(blocksOf(doc, "callout")[0]).toMatchObject({ tone: "pass", title: "$0.25 per million accepted tokens at batch 16" });
  });

  it("roofline: a frontier between swept batches (from the command) is the headline and the rule", async () => {
    const points = rooflinePoints.map((point) => ({ ...point, operatingPoint: false }));
    const doc = buildRooflineReport({ points, operatingPoint: { batch: 24, tpotSeconds: 0.017, costUsdPerMAcceptedTok: 4 / 24 } }, meta);
    expect(blocksOf(doc, "callout")[0]).toMatchObject({ tone: "pass", title: "$0.1667 per million accepted tokens at batch 24" });
    const [costChart] = svgsOf(await renderReportHtml(doc));
    expect(costChart).toContain("SLO frontier: batch 24");
    expect(countMarks(costChart ?? "", "rule mark")).toBe(1);
  });

  it("roofline: zone bands come from the physics' boundaries (not midway between swept batches) and span the axis", () => {
    // Boundaries 2.5 and 12 fall between swept batches; the bands must be [1, 2.5], [2.5, 12], [12, 32].
    const doc = buildRooflineReport({ points: rooflinePoints, sloTpotSeconds: 0.02, zoneBoundaries: { weightBoundBelowBatch: 2.5, floorFromBatch: 12 } }, meta);
    const chart = blocksOf(doc, "chart")[0];
    const layers = (chart?.kind === "chart" ? chart.spec.layer : []) as { data?: { values?: unknown } }[];
    expect(layers[0]?.data?.values).toEqual([
      { zone: "weight-bound", fromBatch: 1, toBatch: 2.5 },
      { zone: "amortization", fromBatch: 2.5, toBatch: 12 },
      { zone: "floor", fromBatch: 12, toBatch: 32 },
    ]);
  });

  it("roofline without an SLO: no cost headline (docs/design.md §3.1), the callout is info and the rule is the KV limit", async () => {
    const points = rooflinePoints.map((point) => ({ ...point, meetsSlo: null, operatingPoint: false }));
    const doc = buildRooflineReport({ points, sloTpotSeconds: null, operatingPoint: null, maxFeasibleBatch: 16 }, meta);
    expect(blocksOf(doc, "callout")[0]).toMatchObject({ tone: "info", title: "No SLO given — KV-feasible frontier up to batch 16" });
    const [costChart] = svgsOf(await renderReportHtml(doc));
    expect(costChart).toContain("largest batch that fits in KV: batch 16");
    expect(costChart).not.toContain("SLO frontier");
    expect(costChart?.match(/aria-roledescription="point"[^>]*fill="#4c78a8"/g)).toHaveLength(6);
  });

  it("roofline: the bare --json array (as stored) is enough; a wrong shape is a BAD_INPUT naming the field", () => {
    expect(buildRooflineReport(rooflinePoints, meta).sections[0]?.blocks.length).toBeGreaterThan(2);
    const error = goodputErrorOf(() => buildRooflineReport([{ batch: 1 }], meta));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toMatch(/calc roofline points\[0\].*costUsdPerMTok/);
  });

  it("cost matrix: one cell per case × profile, coloured by SLO status, cost per 1K accepted worked by hand", async () => {
    // Hand: 0.05 $ / 40 accepted × 1000 = $1.25; 0.02 / 100 × 1000 = $0.2; 0.04 / 8 × 1000 = $5; 0 accepted → none.
    expect(costMatrixInput.rows.map(costPer1kAccepted)).toEqual([1.25, 0.2, 5, Infinity]);
    const html = await renderReportHtml(buildCostMatrixReport(costMatrixInput, meta));
    const [matrix] = svgsOf(html);
    expect(countMarks(matrix ?? "", "rect mark")).toBe(4);
    expect(matrix?.match(/aria-roledescription="rect mark"[^>]*fill="#c0262d"/g)).toHaveLength(3);
    expect(matrix?.match(/aria-roledescription="rect mark"[^>]*fill="#1a7f37"/g)).toHaveLength(1);
    for (const label of ["$1.25 / 1K accepted", "$0.2 / 1K accepted", "$5 / 1K accepted", "nothing accepted"]) expect(matrix).toContain(`>${label}</text>`);
    expect(html).toContain("Decision: supported");
    expect(html).toContain("serving GPU only");
  });

  it("cost matrix: the bare rows array (experiment show --json) works without a decision", () => {
    const doc = buildCostMatrixReport(costMatrixInput.rows, meta);
    expect(doc.sections.map((section) => section.title)).toEqual(["Cost per accepted request"]);
  });

  it("cache: the cached and uncached lines cross at (p_write − p_in) / (p_in − p_read) reads", () => {
    // Hand: p_in 3, p_write 3.75, p_read 0.3 $/MTok → (3.75 − 3) / (3 − 0.3) = 0.27778 reads; P = 10 000 tokens.
    const tier = { tier: "5m", ttlSeconds: 300, writeUsd: 0.0375, readUsdPerMTok: 0.3, rentPerWriteUsd: 0, breakEvenReads: 1.3889, breakEvenReadsVsUncached: 0.75 / 2.7, atReuse: null, perRequest: null };
    const at = cacheCostAtReads(tier, 10_000, 3, 0.75 / 2.7);
    expect(at.cachedUsd).toBeCloseTo(at.uncachedUsd, 12);
    expect(at.uncachedUsd).toBeCloseTo((1 + 0.75 / 2.7) * 0.03, 12);
    const doc = buildCacheReport({ prefixTokens: 10_000, inputUsdPerMTok: 3, tiers: [tier], bestTier: "5m", cheapestOption: "5m" }, meta);
    expect(blocksOf(doc, "chart")[0]).toMatchObject({ description: expect.stringContaining("0.278 reads for 5m") as unknown });
  });

  it("latencyCdf() is the type-7 quantile function on a 1 % grid", () => {
    const points = latencyCdf([5, 1, 4, 2, 3], 4);
    expect(points).toEqual([
      { seconds: 1, probability: 0 },
      { seconds: 2, probability: 0.25 },
      { seconds: 3, probability: 0.5 },
      { seconds: 4, probability: 0.75 },
      { seconds: 5, probability: 1 },
    ]);
    // R: quantile(1:10, 0.37) = 1 + 9 × 0.37 = 4.33
    expect(latencyCdf(Array.from({ length: 10 }, (_, index) => index + 1))[37]?.seconds).toBeCloseTo(4.33, 12);
  });

  it("bench: the recommended point is the highest goodput among points with ≥ 90 % SLO attainment", () => {
    const point = (goodputRequestsPerSecond: number, sloAttainment: number | null) => ({ summary: { goodputRequestsPerSecond, sloAttainment } });
    const points = [point(2, 1), point(3.8, 0.95), point(4.1, 0.89), point(1, 0.2)];
    expect(recommendedPoint(points)).toBe(points[1]);
    expect(recommendedPoint([point(1, 0.5)])).toBeNull();
    const noSlo = [point(2, null), point(5, null)];
    expect(recommendedPoint(noSlo)).toBe(noSlo[1]);
  });

  it("bench sweep: goodput and completed lines with one point per rate, the recommended point marked", async () => {
    const sample = { n: 10, mean: 100, p50: 100, p90: 150, p95: 160, p99: 200, max: 250 };
    const point = (rate: number, goodput: number, attainment: number) => ({
      label: `rate ${rate}`,
      mode: { kind: "open", ratePerSecond: rate },
      stopReason: "count",
      scheduled: 100,
      sent: 100,
      summary: { requests: 100, statuses: { ok: 100, error: 0, incomplete: 0 }, requestsPerSecond: rate, goodputRequestsPerSecond: goodput, outputTokensPerSecond: rate * 64, sloAttainment: attainment, latencies: { ttftMs: sample, tpotMs: sample, e2eMs: sample }, warnings: [] },
    });
    const report = { target: "http://127.0.0.1:8000/", api: "chat", model: "m", points: [point(1, 1, 1), point(2, 1.96, 0.98), point(4, 3.6, 0.9), point(8, 4, 0.5)], maxRate: null, legend: [] };
    const doc = buildBenchReport(report, meta);
    expect(blocksOf(doc, "callout")[0]).toMatchObject({ title: "Recommended operating point: rate 4" });
    const [chart] = svgsOf(await renderReportHtml(doc));
    expect(countMarks(chart ?? "", "line mark")).toBe(2);
    expect(countMarks(chart ?? "", "point")).toBe(8);
    expect(countMarks(chart ?? "", "rule mark")).toBe(1);
  });

  it("every builder's page is self-contained and has no script", async () => {
    const docs = [
      buildReportForCommand(["goodput", "calc", "roofline"], rooflinePoints, meta),
      buildReportForCommand(["calc", "kv"], kvInput, meta),
      buildReportForCommand(["experiment", "show"], costMatrixInput, meta),
      buildReportForCommand(["calc", "moe"], { experts: 8, notes: ["a long note that goes on for more than forty characters"], rows: [{ a: 1, b: { c: 2 } }] }, meta),
    ];
    for (const doc of docs) {
      const html = await renderReportHtml(doc);
      expect(externalReferences(html)).toEqual([]);
      expect(countTags(html, "script")).toBe(0);
      const markdown = await renderReportMarkdown(doc);
      expect(externalReferences(markdown.replace(/\(data:image\/svg\+xml;charset=utf-8,[^)]*\)/g, "(svg)"))).toEqual([]);
    }
  });

  it("hostile case and profile names in a cost matrix render as text", async () => {
    const rows = costMatrixInput.rows.map((row, index) => ({ ...row, case: index < 2 ? hostileScript : "b", profile: index % 2 === 0 ? hostileImage : "p" }));
    const html = await renderReportHtml(buildCostMatrixReport(rows, meta));
    expect(countTags(html, "script")).toBe(0);
    expect(countTags(html, "img")).toBe(0);
    expect(eventHandlerAttributes(html)).toEqual([]);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("a command without a report builder is a BAD_USAGE that lists the ones with reports", () => {
    const error = goodputErrorOf(() => buildReportForCommand(["goodput", "catalog", "list"], [], meta));
    expect(error.code).toBe("BAD_USAGE");
    expect(error.message).toMatch(/no report for this command.*goodput calc roofline/);
  });
});
