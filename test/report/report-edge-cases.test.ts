import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSimReportInput } from "../../src/cli/sim-report-input.js";
import { buildCacheReport } from "../../src/report/builders/cache-report.js";
import { buildSimReport } from "../../src/report/builders/sim-report.js";
import { buildReportForCommand } from "../../src/report/build-report.js";
import { renderReportHtml } from "../../src/report/render-report.js";
import { itemHref } from "../../src/ui/render-index-page.js";
import { routeRequest } from "../../src/ui/route-request.js";
import { runCli } from "../cli/run-cli.js";
import { svgsOf } from "./svg-marks.js";

const directory = mkdtempSync(join(tmpdir(), "goodput-report-edge-"));
const meta = { source: "goodput test" };

describe("report and viewer edge cases", () => {
  it("a cache tier that never breaks even says 'never', draws no break-even mark and no NaN", async () => {
    const result = await runCli(["calc", "cache", "--input-price", "1", "--cache-write-price", "2", "--cache-read-price", "1.5", "--ttl-seconds", "300", "--json"]);
    expect(result.code).toBe(0);
    const doc = buildCacheReport(JSON.parse(result.stdout), meta);
    const blocks = doc.sections.flatMap((section) => section.blocks);
    const chart = blocks.find((block) => block.kind === "chart");
    expect(chart?.kind === "chart" && chart.description).toMatch(/never for ttl-300s \(a read costs more than uncached input\)/);
    expect(JSON.stringify(doc)).not.toMatch(/null reads|NaN/);
    const layers = (chart?.kind === "chart" ? chart.spec.layer : []) as { data?: { values?: unknown[] } }[];
    expect(layers.slice(1).flatMap((layer) => layer.data?.values ?? [])).toEqual([]);
  });

  it("a half-written last log line (interrupted run) is counted and shown, not a crash", async () => {
    const log = join(directory, "requests.jsonl");
    writeFileSync(log, '{"status":"ok","arm":null,"ttft_s":0.1,"tpot_s":0.01,"e2e_s":1}\n{"status":"ok","arm":null,"ttft_s":0.2,"tpot_s":0.02,"e2e_s":2}\n{"request_id":"r999","status":"ok","tt');
    const summary = { requests: 3, latencySeconds: {}, ttftSeconds: {}, tpotSeconds: {}, costPer1kSuccessful: 1, interrupted: true };
    const input = await loadSimReportInput(summary, [log]);
    expect(input.unreadableLines).toBe(1);
    expect(input.cdf.filter((row) => row.metric === "ttft").length).toBeGreaterThan(0);
    const titles = buildSimReport(input, meta).sections.flatMap((section) => section.blocks).flatMap((block) => (block.kind === "callout" ? [block.title] : []));
    expect(titles).toEqual(["Interrupted", "Unreadable log lines"]);
  });

  it("viewer links encode dots, so an id ending in .md is its own HTML page, not another id's Markdown", () => {
    expect(itemHref("x.md")).toBe("/item/x%2Emd");
    expect(routeRequest("GET", itemHref("x.md"))).toEqual({ kind: "item", id: "x.md", format: "html" });
    expect(routeRequest("GET", itemHref("x.md", "md"))).toEqual({ kind: "item", id: "x.md", format: "md" });
  });

  it("the stored-readout hint on stderr single-quotes the id, so a file name with $ or backticks cannot run when copied", async () => {
    const file = join(directory, "a$(x)`y`'z.csv");
    copyFileSync("test/fixtures/stats/lalonde-nsw.csv", file);
    const result = await runCli(["readout", file, "--outcome", "re78", "--treatment", "treat", "--permutations", "50", "--bootstrap", "20"], { GOODPUT_HOME: join(directory, "lab") });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/goodput report 'readout-a\$\(x\)`y`'\\''z\.csv-[^']+' renders it/);
  });

  it("a long run's queue chart keeps each bucket's maximum, so a one-interval spike survives thinning", () => {
    // 3,000 intervals (stride 10 to stay near 300 points); queue 0 except 57 at interval 1,234.
    const series = Array.from({ length: 3000 }, (_, i) => ({ t_s: i, pool: "p", queue_depth: i === 1234 ? 57 : 0, kv_utilization: i === 2001 ? 0.9 : 0.1 }));
    const summary = { requests: 1, latencySeconds: {}, ttftSeconds: {}, tpotSeconds: {}, costPer1kSuccessful: 1 };
    const charts = buildSimReport({ summary, cdf: [], series }, meta).sections.flatMap((section) => section.blocks).flatMap((block) => (block.kind === "chart" ? [block] : []));
    const values = (charts.find((block) => block.title === "Queue depth over time")?.spec as { data: { values: { t: number; queue: number; kv: number }[] } }).data.values;
    expect(values).toHaveLength(300);
    expect(Math.max(...values.map((row) => row.queue))).toBe(57);
    expect(values.find((row) => row.queue === 57)?.t).toBe(1230);
    expect(Math.max(...values.map((row) => row.kv))).toBe(90);
  });

  it("catalog and tour have reports: one table row per GPU with long source text listed below; the tour carries each calculator's own charts", async () => {
    const gpus = JSON.parse((await runCli(["catalog", "gpus", "--json"])).stdout) as { id: string; source: string }[];
    const out = join(directory, "gpus.md");
    expect((await runCli(["catalog", "gpus", "--report", out])).code).toBe(0);
    const tour = await runCli(["tour", "--json"]);
    const doc = buildReportForCommand(["tour"], JSON.parse(tour.stdout), meta);
    const headings = (JSON.parse(tour.stdout) as { heading: string }[]).map((step) => step.heading);
    expect(doc.sections.filter((section) => headings.includes(section.title))).toHaveLength(headings.length);
    const [roofline] = svgsOf(await renderReportHtml(doc));
    expect(roofline).toContain("<title>Cost per million tokens vs batch size</title>");
    const gpuDoc = buildReportForCommand(["catalog", "gpus"], gpus, meta);
    const blocks = gpuDoc.sections.flatMap((section) => section.blocks);
    const table = blocks.find((block) => block.kind === "table");
    expect(table?.kind === "table" && table.rows.length).toBe(gpus.length);
    expect(table?.kind === "table" && table.columns).not.toContain("source");
    const notes = blocks.find((block) => block.kind === "list");
    expect(notes?.kind === "list" && notes.items[0]).toBe(`id ${gpus[0]?.id ?? ""} — source: ${gpus[0]?.source ?? ""}`);
  });
});
