import { describe, expect, it } from "vitest";
import type { CommandSpec } from "../../src/cli/command.js";
import { calcDisaggCommand } from "../../src/cli/commands/calc-disagg.js";
import { calcGoodputCommand } from "../../src/cli/commands/calc-goodput.js";
import { calcLocalityCommand } from "../../src/cli/commands/calc-locality.js";
import { calcMoeCommand } from "../../src/cli/commands/calc-moe.js";
import { calcPrefillCommand } from "../../src/cli/commands/calc-prefill.js";
import { buildReportForCommand } from "../../src/report/build-report.js";
import { renderReportHtml } from "../../src/report/render-report.js";
import { svgsOf } from "../report/svg-marks.js";

async function resultOf(command: CommandSpec, values: Record<string, string | boolean>) {
  const result = await command.run?.({ values, positionals: [], io: { stdout: () => undefined, stderr: () => undefined }, cwd: process.cwd(), env: {} });
  if (!result) throw new Error("no result");
  return result.reportInput ?? result.json;
}

const meta = { source: "test" };

describe("moe / disagg / locality / prefill / goodput reports lead with the verdict and a chart", () => {
  const cases: [string, CommandSpec, Record<string, string | boolean>, RegExp][] = [
    ["prefill", calcPrefillCommand, { gpu: "h100-sxm", model: "llama-3-8b", prompt: "2048,8192", "decode-batch": "64" }, /Output tokens cost .*× input tokens/],
    ["moe", calcMoeCommand, { gpu: "h100-sxm", model: "deepseek-v3", batch: "1,64" }, /limited by (memory|compute|communication) at batch 64 on 16 GPUs/],
    ["disagg", calcDisaggCommand, {}, /Disaggregation: not yet/],
    ["locality", calcLocalityCommand, {}, /saves the most/],
    ["goodput", calcGoodputCommand, { "route-a": "requests=1000,successful=990,accepted=600,outputTokens=500000,costUsd=40,durationSeconds=100", "route-b": "requests=1000,successful=980,accepted=900,outputTokens=450000,costUsd=45,durationSeconds=100" }, /Pick route B/],
  ];
  for (const [name, command, values, verdict] of cases) {
    it(`calc ${name}`, async () => {
      const doc = buildReportForCommand(["calc", name], await resultOf(command, values), meta);
      const first = doc.sections[0]?.blocks[0];
      expect(first?.kind).toBe("callout");
      expect(first?.kind === "callout" ? first.title : "").toMatch(verdict);
      expect(doc.sections[0]?.blocks[1]?.kind).toBe("chart");
      // Every field still follows as tables, and the chart renders to an SVG.
      expect(doc.sections.length).toBeGreaterThan(1);
      expect(svgsOf(await renderReportHtml(doc)).length).toBeGreaterThanOrEqual(1);
    });
  }
});
