import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { buildReadoutReport } from "../../src/report/readout/build-readout-report.js";
import { renderReportHtml, renderReportMarkdown } from "../../src/report/render-report.js";
import type { ReportBlock, ReportDocument } from "../../src/report/report-document.js";
import { goodputErrorOf } from "../goodput-error-of.js";
import { readoutFixtureArgs, readoutFixtureJson } from "./readout-fixtures.js";

type Chart = Extract<ReportBlock, { kind: "chart" }>;
type Row = Record<string, unknown>;

const meta = { source: "goodput readout (test)", createdAt: "2025-01-01T00:00:00.000Z" };
const blocks = (doc: ReportDocument): ReportBlock[] => doc.sections.flatMap((section) => section.blocks);
const charts = (doc: ReportDocument): Chart[] => blocks(doc).filter((block): block is Chart => block.kind === "chart");
const chartTitled = (doc: ReportDocument, pattern: RegExp): Chart => {
  const chart = charts(doc).find((entry) => pattern.test(entry.title));
  if (chart === undefined) throw new Error(`no chart titled ${String(pattern)} (have: ${charts(doc).map((entry) => entry.title).join("; ")})`);
  return chart;
};
/** The inline data of a chart (top level) or of one of its layers. */
const chartData = (chart: Chart, layer?: number): Row[] => {
  const spec = chart.spec as { data?: { values: Row[] }; layer?: { data?: { values: Row[] } }[] };
  const data = layer === undefined ? spec.data : spec.layer?.[layer]?.data;
  return data?.values ?? [];
};
const expected = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

/** Rows of a CSV whose fields are plain or double-quoted without embedded quotes (the committed causal fixtures). */
function readCsv(path: string): Record<string, string>[] {
  const [header = "", ...lines] = readFileSync(path, "utf8").trim().split("\n");
  const split = (line: string): string[] => [...line.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)].slice(0, -1).map((match) => match[2] ?? match[1] ?? "");
  const names = split(header);
  return lines.map((line) => Object.fromEntries(split(line).map((value, index) => [names[index] ?? "", value])));
}

describe("readout report of an experiment readout (LaLonde NSW, request design)", () => {
  let doc: ReportDocument;
  beforeAll(async () => {
    doc = buildReadoutReport(await readoutFixtureJson(readoutFixtureArgs.lalonde), meta);
  });

  test("starts with the decision as a callout, then design, the outcome, checks and settings", () => {
    expect(doc.sections.map((section) => section.title.replace(/ —.*/, ""))).toEqual(["Decision", "Design", "Outcome re78", "Checks", "Settings"]);
    const decision = doc.sections[0]!.blocks[0]!;
    expect(decision).toMatchObject({ kind: "callout", tone: "pass", title: "SHIP" });
    const keys = (doc.sections[0]!.blocks[1] as Extract<ReportBlock, { kind: "keyValues" }>).entries.map(([key]) => key);
    expect(keys).toEqual(expect.arrayContaining(["counterfactual", "assignment", "main failure mode", "mitigation", "tradeoff"]));
    expect(blocks(doc).some((block) => block.kind === "list" && block.items.some((item) => /95 % CI/.test(item)))).toBe(true); // stop-ramp list
  });

  test("the estimates chart has one dot per design estimator at R's values, the primary one (OLS HC2) highlighted", () => {
    const chart = chartTitled(doc, /^Estimates of the re78 effect/);
    const rows = chartData(chart);
    expect(rows.map((row) => row.label)).toEqual(["difference-in-means (Welch)", "OLS HC2", "OLS HC0", "OLS HC1", "OLS HC3"]);
    const welch = (expected("test/fixtures/stats/lalonde-nsw.expected.json").welch as { estimate: number; ci95: [number, number] });
    const welchRow = rows[0]!;
    expect(welchRow.estimate).toBeCloseTo(welch.estimate, 1);
    expect(welchRow.low).toBeCloseTo(welch.ci95[0], 1);
    expect(welchRow.high).toBeCloseTo(welch.ci95[1], 1);
    expect(rows.filter((row) => String(row.status).startsWith("primary")).map((row) => row.label)).toEqual(["OLS HC2"]);
  });

  test("raw vs robust: chart and table side by side with the robust summary; the log effect (another scale) is tabled, not drawn", () => {
    const chart = chartTitled(doc, /^Raw vs robust/);
    const labels = chartData(chart).map((row) => row.label);
    expect(labels[0]).toBe("raw mean difference");
    expect(labels).toEqual(expect.arrayContaining(["winsorized mean (pooled p99 cap)", "trimmed mean (Yuen 20%)", "QTE p50", "QTE p99"]));
    expect(labels).not.toContain("log effect (ratio of geometric means)");
    expect(chart.description).toMatch(/Not drawn \(another scale\): log effect/);
    const table = blocks(doc).find((block) => block.kind === "table" && block.caption === "re78: raw and robust readouts") as Extract<ReportBlock, { kind: "table" }>;
    expect(table.rows.map((row) => row[0])).toContain("log effect (ratio of geometric means)");
    expect(blocks(doc).some((block) => block.kind === "paragraph" && block.text.startsWith("Raw mean difference"))).toBe(true);
  });

  test("a readout stored before ratio metrics, decision rules and segment targeting existed still renders (those parts left out)", async () => {
    const json = (await readoutFixtureJson(readoutFixtureArgs.lalonde)) as { ratios?: unknown; rule?: unknown; decision: { targetSegments?: unknown } };
    delete json.ratios;
    delete json.rule;
    delete json.decision.targetSegments;
    const old = buildReadoutReport(json, meta);
    expect(old.sections.map((section) => section.title.replace(/ —.*/, ""))).toEqual(["Decision", "Design", "Outcome re78", "Checks", "Settings"]);
  });

  test("checks become callouts coloured by status (balance warns at |SMD| > 0.1, skipped SRM is a note)", () => {
    const checks = doc.sections.find((section) => section.title === "Checks")!.blocks;
    expect(checks.every((block) => block.kind === "callout")).toBe(true);
    expect(checks.find((block) => block.kind === "callout" && block.title === "covariate balance (SMD)")).toMatchObject({ tone: "warn" });
    expect(checks.find((block) => block.kind === "callout" && block.title.startsWith("sample ratio (SRM)"))).toMatchObject({ tone: "info", title: "sample ratio (SRM) (skipped)" });
  });
});

describe("readout report of a switchback", () => {
  test("the block-series chart has one point per block at the block's mean, coloured by its arm (hand-computed means)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-switchback-report-"));
    // 8 blocks alternating A/B (ABBA AB BA), 3 rows each; block b's rows are 10b + {0, 1, 2} (+5 in B): mean 10b + 1 (+5).
    const arms = ["A", "B", "B", "A", "A", "B", "B", "A"];
    const lines = ["arm,time_block,y"];
    arms.forEach((arm, block) => {
      for (const offset of [0, 1, 2]) lines.push(`${arm},${block},${10 * block + offset + (arm === "B" ? 5 : 0)}`);
    });
    writeFileSync(join(dir, "switchback.csv"), lines.join("\n") + "\n");
    const json = await readoutFixtureJson([join(dir, "switchback.csv"), "--design", "switchback", "--outcome", "y", "--block", "time_block", "--permutations", "100", "--bootstrap", "50"]);
    const doc = buildReadoutReport(json, meta);
    const rows = chartData(chartTitled(doc, /per switchback block$/), undefined);
    expect(rows.map((row) => row.block)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(rows.map((row) => row.mean)).toEqual(arms.map((arm, block) => 10 * block + 1 + (arm === "B" ? 5 : 0)));
    expect(rows.map((row) => String(row.arm).slice(0, 7))).toEqual(arms.map((arm) => (arm === "B" ? "treated" : "control")));
  });
});

describe("readout reports of quasi-experiments", () => {
  test("RDD: binned means equal the bin averages of senate.csv computed here; the fitted lines are the triangular-kernel WLS fits", async () => {
    const json = await readoutFixtureJson(readoutFixtureArgs.rdd);
    const doc = buildReadoutReport(json, meta);
    const chart = chartTitled(doc, /^RD plot/);
    const points = chartData(chart, 1);
    const fit = chartData(chart, 2);
    const data = readCsv("test/fixtures/causal/senate.csv").filter((row) => !["NA", ""].includes(row.margin ?? "") && !["NA", ""].includes(row.vote ?? "")).map((row) => ({ x: Number(row.margin), y: Number(row.vote) }));
    const h = (json as { estimate: { bandwidth: number } }).estimate.bandwidth;
    for (const side of ["left", "right"] as const) {
      const own = data.filter((point) => (side === "left" ? point.x < 0 : point.x >= 0));
      const low = Math.min(...own.map((point) => point.x));
      const width = (Math.max(...own.map((point) => point.x)) - low) / 20;
      const sums = new Map<number, { sum: number; n: number }>();
      for (const point of own) {
        const bin = Math.min(19, Math.floor((point.x - low) / width));
        const entry = sums.get(bin) ?? { sum: 0, n: 0 };
        sums.set(bin, { sum: entry.sum + point.y, n: entry.n + 1 });
      }
      const mine = points.filter((point) => point.side === side);
      expect(mine).toHaveLength(sums.size);
      const ordered = [...sums.entries()].sort((a, b) => a[0] - b[0]);
      ordered.forEach(([bin, entry], index) => {
        expect(mine[index]!.x).toBeCloseTo(low + (bin + 0.5) * width, 3);
        expect(mine[index]!.y).toBeCloseTo(entry.sum / entry.n, 3);
        expect(mine[index]!.n).toBe(entry.n);
      });
      // Weighted least squares with K(u) = 1 − |u| on |x| ≤ h: slope = Σw(x − x̄)(y − ȳ) / Σw(x − x̄)², intercept at 0 = ȳ − slope·x̄.
      const inside = own.filter((point) => Math.abs(point.x) <= h).map((point) => ({ ...point, w: 1 - Math.abs(point.x) / h })).filter((point) => point.w > 0);
      const sw = inside.reduce((sum, point) => sum + point.w, 0);
      const xBar = inside.reduce((sum, point) => sum + point.w * point.x, 0) / sw;
      const yBar = inside.reduce((sum, point) => sum + point.w * point.y, 0) / sw;
      const slope = inside.reduce((sum, point) => sum + point.w * (point.x - xBar) * (point.y - yBar), 0) / inside.reduce((sum, point) => sum + point.w * (point.x - xBar) ** 2, 0);
      const intercept = yBar - slope * xBar;
      const line = fit.filter((point) => point.side === side);
      const atCutoff = line.find((point) => point.x === 0)!;
      const atEdge = line.find((point) => point.x !== 0)!;
      expect(atCutoff.y).toBeCloseTo(intercept, 3);
      expect(atEdge.y).toBeCloseTo(intercept + slope * (side === "left" ? -h : h), 3);
    }
    // The jump between the fits at the cutoff is the R-checked estimate (rdrobust 7.4141, test/causal/rdd.test.ts).
    expect(Number(fit.find((point) => point.side === "right" && point.x === 0)!.y) - Number(fit.find((point) => point.side === "left" && point.x === 0)!.y)).toBeCloseTo(7.4141, 3);
    expect(chartData(chartTitled(doc, /^Estimate by bandwidth/))).toHaveLength(5);
  });

  test("synthetic control: the treated series is the Basque GDP in basque.csv, the synthetic one Σ w·donor from the CSV, the gap their difference", async () => {
    const json = (await readoutFixtureJson(readoutFixtureArgs.syntheticControl)) as { weights: { unit: string; weight: number }[]; placebo: { units: { unit: string; preRmspe: number }[] }; rmspe: { pre: number } };
    const doc = buildReadoutReport(json, meta);
    const csv = readCsv("test/fixtures/causal/basque.csv");
    const outcome = (unit: string, year: number): number => Number(csv.find((row) => row.regionname === unit && Number(row.year) === year)!.gdpcap);
    const series = chartData(chartTitled(doc, /vs its synthetic control$/));
    expect(series).toHaveLength(2 * 43);
    for (const year of [1955, 1969, 1975, 1997]) {
      const treated = series.find((row) => row.time === year && row.series === "treated unit")!.value as number;
      const synthetic = series.find((row) => row.time === year && row.series === "synthetic control")!.value as number;
      expect(treated).toBeCloseTo(outcome("Basque Country (Pais Vasco)", year), 4);
      expect(synthetic).toBeCloseTo(json.weights.reduce((sum, entry) => sum + entry.weight * outcome(entry.unit, year), 0), 4);
      const gap = chartData(chartTitled(doc, /^Gap/)).find((row) => row.time === year)!.gap as number;
      expect(gap).toBeCloseTo(treated - synthetic, 4);
    }
    const placebo = chartData(chartTitled(doc, /^Placebo gaps/), undefined);
    const drawn = new Set(placebo.map((row) => row.unit));
    const expectedDrawn = json.placebo.units.filter((unit, index) => index === 0 || unit.preRmspe <= 5 * json.rmspe.pre).map((unit) => unit.unit);
    expect([...drawn].sort()).toEqual([...expectedDrawn].sort());
    expect(placebo.filter((row) => row.role === "treated").map((row) => row.gap)).toEqual(chartData(chartTitled(doc, /^Gap/)).map((row) => row.gap));
  });

  test("DiD: the event study draws the 8 leads and lags of the −4:4 window (−1 is the reference) at plm's values", async () => {
    const doc = buildReadoutReport(await readoutFixtureJson(readoutFixtureArgs.did), meta);
    const rows = chartData(chartTitled(doc, /^Event study/));
    const reference = (expected("test/fixtures/causal/did-panel.expected.json").window4 as { eventStudy: { relativeTime: number; estimate: number; ci95: [number, number] }[] }).eventStudy;
    expect(rows.map((row) => row.x)).toEqual([-4, -3, -2, 0, 1, 2, 3, 4]);
    for (const row of rows) {
      const r = reference.find((entry) => entry.relativeTime === row.x)!;
      expect(row.estimate).toBeCloseTo(r.estimate, 4);
      expect(row.low).toBeCloseTo(r.ci95[0], 4);
      expect(row.high).toBeCloseTo(r.ci95[1], 4);
    }
    expect(blocks(doc).find((block) => block.kind === "callout" && block.title === "pre-trend test")).toMatchObject({ tone: "pass" });
  });

  test("IV: the stages table shows AER::ivreg's first stage, reduced form and 2SLS; a strong instrument passes", async () => {
    const doc = buildReadoutReport(await readoutFixtureJson(readoutFixtureArgs.iv), meta);
    const reference = expected("test/fixtures/causal/cigarettes-1995.expected.json").withoutIncome as { estimate: { estimate: number; standardError: number }; firstStage: { coefficient: number; F: number }; reducedForm: { estimate: number } };
    const stages = blocks(doc).find((block) => block.kind === "table" && block.caption === "Stages") as Extract<ReportBlock, { kind: "table" }>;
    const row = (name: RegExp) => stages.rows.find((cells) => name.test(String(cells[0])))!;
    expect(row(/^first stage/)[1]).toBeCloseTo(reference.firstStage.coefficient, 4);
    expect(row(/^reduced form/)[1]).toBeCloseTo(reference.reducedForm.estimate, 4);
    expect(row(/^2SLS/)[1]).toBeCloseTo(reference.estimate.estimate, 3);
    expect(row(/^2SLS/)[2]).toBeCloseTo(reference.estimate.standardError, 3);
    expect(blocks(doc).find((block) => block.kind === "callout" && block.title === "instrument strong")).toMatchObject({ tone: "pass" });
  });

  test("observational: the overlap histogram's bars are R's glm propensities (MatchIt lalonde) binned per arm; balance has a before and after dot per covariate", async () => {
    const doc = buildReadoutReport(await readoutFixtureJson(readoutFixtureArgs.observational), meta);
    const bars = chartData(chartTitled(doc, /^Propensity overlap/));
    const fitted = (expected("test/fixtures/observational/lalonde.expected.json").propensity as { fitted: number[] }).fitted;
    const treat = readCsv("test/fixtures/observational/lalonde.csv").map((row) => Number(row.treat));
    const counts = { treated: new Array<number>(20).fill(0), control: new Array<number>(20).fill(0) };
    fitted.forEach((p, row) => {
      counts[treat[row] === 1 ? "treated" : "control"][Math.min(19, Math.floor(p * 20))]! += 1;
    });
    expect(bars).toHaveLength(40);
    expect(bars.filter((bar) => bar.arm === "treated").map((bar) => bar.count)).toEqual(counts.treated);
    expect(bars.filter((bar) => bar.arm === "control").map((bar) => -Number(bar.count))).toEqual(counts.control);
    expect(counts.treated.reduce((a, b) => a + b, 0)).toBe(185);
    const balance = chartData(chartTitled(doc, /^Covariate balance/));
    expect(balance.filter((row) => row.stage === "before weighting")).toHaveLength(balance.length / 2);
    expect(chartData(chartTitled(doc, /^Estimates of the ATE/)).filter((row) => String(row.status).startsWith("quoted"))).toHaveLength(1);
  });

  test("a JSON that is no readout, or a readout missing its chart fields, is a BAD_INPUT naming what is missing", () => {
    expect(goodputErrorOf(() => buildReadoutReport(42, meta)).code).toBe("BAD_INPUT");
    const error = goodputErrorOf(() => buildReadoutReport({ design: "rdd", cutoff: 0, estimate: {} }, meta));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toMatch(/"sensitivity", "densityTest", "covariates", "binnedMeans"/);
    expect(goodputErrorOf(() => buildReadoutReport({ design: "bogus" }, meta)).message).toMatch(/"design" is "bogus"/);
  });
});

describe("golden report", () => {
  test("the RDD readout report (no resampling, UTC) renders byte-identical HTML and Markdown twice and matches the committed snapshot", async () => {
    const doc = buildReadoutReport(await readoutFixtureJson(readoutFixtureArgs.rdd), { source: "goodput readout test/fixtures/causal/senate.csv --design rdd --running margin --cutoff 0 --outcome vote --covariate population", createdAt: "2025-01-01T00:00:00.000Z" });
    const html = await renderReportHtml(doc);
    expect(await renderReportHtml(doc)).toBe(html);
    await expect(html).toMatchFileSnapshot("__snapshots__/readout-rdd.html");
    await expect(await renderReportMarkdown(doc)).toMatchFileSnapshot("__snapshots__/readout-rdd.md");
  });

  test("rendered: the RD plot draws its cutoff line; the synthetic-control series chart has a legend naming both lines", async () => {
    const rdd = await renderReportHtml(buildReadoutReport(await readoutFixtureJson(readoutFixtureArgs.rdd), meta));
    expect(rdd).toMatch(/<g class="mark-rule role-mark[^>]*><line [^>]*stroke-dasharray="4,4"/);
    const sc = await renderReportHtml(buildReadoutReport(await readoutFixtureJson(readoutFixtureArgs.syntheticControl), meta));
    expect(sc).toMatch(/aria-roledescription="legend" aria-label="[^"]*2 values: treated unit, synthetic control"/);
  });
});
