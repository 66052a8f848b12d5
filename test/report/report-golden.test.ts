import { describe, expect, it } from "vitest";
import { buildCostMatrixReport } from "../../src/report/builders/cost-matrix-report.js";
import { buildKvReport } from "../../src/report/builders/kv-report.js";
import { renderReportHtml, renderReportMarkdown } from "../../src/report/render-report.js";
import { costMatrixInput, kvInput } from "./report-fixtures.js";
import { roundFloatNoise } from "./round-float-noise.js";

// Golden reports: hand-written inputs with round numbers, a pinned time, TZ=UTC (vitest.config.ts). A change in the
// bytes (after rounding float noise in chart coordinates) is a change someone should look at (run `npx vitest run test/report/report-golden.test.ts -u` to accept it).
const meta = { source: "goodput golden", createdAt: "2026-01-02T03:04:05.000Z" };

describe("golden reports", () => {
  it("calc kv report (HTML and Markdown)", async () => {
    const doc = buildKvReport(kvInput, meta);
    await expect(roundFloatNoise(await renderReportHtml(doc))).toMatchFileSnapshot("__snapshots__/calc-kv-report.html");
    await expect(roundFloatNoise(await renderReportMarkdown(doc))).toMatchFileSnapshot("__snapshots__/calc-kv-report.md");
  });

  it("useful-work cost matrix report (HTML and Markdown)", async () => {
    const doc = buildCostMatrixReport(costMatrixInput, meta);
    await expect(roundFloatNoise(await renderReportHtml(doc))).toMatchFileSnapshot("__snapshots__/cost-matrix-report.html");
    await expect(roundFloatNoise(await renderReportMarkdown(doc))).toMatchFileSnapshot("__snapshots__/cost-matrix-report.md");
  });

  it("rendering is deterministic: the same document gives the same bytes twice", async () => {
    const doc = buildCostMatrixReport(costMatrixInput, meta);
    expect(await renderReportHtml(doc)).toBe(await renderReportHtml(doc));
  });
});

describe("roundFloatNoise()", () => {
  it("rounds only numbers carrying float noise (six or more decimals), keeping short decimals and integers", () => {
    expect(roundFloatNoise('d="M112.00000000000003,224.00000000000006L0.875,-0.0000000001" width="1.953"')).toBe('d="M112,224L0.875,0" width="1.953"');
  });
});
