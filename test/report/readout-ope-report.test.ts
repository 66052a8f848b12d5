import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { CommandContext, OptionValues } from "../../src/cli/command.js";
import { runOpeReadout } from "../../src/cli/readout-ope.js";
import { buildReadoutReport } from "../../src/report/readout/build-readout-report.js";
import type { ReportBlock } from "../../src/report/report-document.js";
import { policyFor } from "../../src/sim/policy-for.js";
import { pool, poissonSource, runSim } from "../sim/sim-fixtures.js";

const directory = mkdtempSync(join(tmpdir(), "goodput-ope-report-"));
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const context = (values: OptionValues): CommandContext => ({ values, positionals: [], io: { stdout: () => undefined, stderr: () => undefined }, cwd: directory, env: {} });

/** A simulated log of 4 replicas under round-robin with ε-uniform exploration (propensities logged). */
function log(name: string, explorationRate: number): string {
  const records = runSim({
    seed: 3,
    pools: [pool({ replicas: 4 })],
    policies: [policyFor({ type: "round-robin", explorationRate })],
    requests: poissonSource({ seed: 3, requests: 400, ratePerSecond: 10, prompt: () => 512, output: () => 16, prefixGroup: (_i, u) => `g${Math.floor(u() * 6)}`, prefixTokens: 256 }),
  }).records;
  const path = join(directory, name);
  writeFileSync(path, records.map((record) => JSON.stringify(record)).join("\n") + "\n");
  return path;
}

const meta = { source: "goodput readout --design ope (test)" };
type Chart = Extract<ReportBlock, { kind: "chart" }>;

describe("OPE readout report", () => {
  test("ε = 1 logs: the four estimators drawn with their CIs, DR highlighted and the reference line at DR; full support passes", async () => {
    const json = (await runOpeReadout(context({ reward: "ttft_s", "reward-sign": "-1", "target-policy": "prefix-affine" }), log("explore.jsonl", 1))).json as { estimates: { method: string; estimate: number; ci95: [number, number] }[] };
    const doc = buildReadoutReport(json, meta);
    const chart = doc.sections.flatMap((section) => section.blocks).find((block): block is Chart => block.kind === "chart")!;
    const spec = chart.spec as { data: { values: { label: string; estimate: number; low: number; high: number; status: string }[] }; layer: { encoding: { x?: { datum?: number } } }[] };
    expect(spec.data.values.map((row) => row.label)).toEqual(["DM", "IPS", "SNIPS", "DR"]);
    expect(spec.data.values.filter((row) => row.status === "DR (headline)").map((row) => row.label)).toEqual(["DR"]);
    const dr = json.estimates.find((entry) => entry.method === "DR")!;
    expect(spec.layer[0]!.encoding.x!.datum).toBe(dr.estimate);
    for (const row of spec.data.values) expect(row.low).toBeLessThan(row.high);
    const support = doc.sections.flatMap((section) => section.blocks).find((block) => block.kind === "callout" && block.title === "support of the target policy");
    expect(support).toMatchObject({ tone: "pass" });
  });

  test("a deterministic logger: the support callout fails, naming the unsupported share of the target's mass", async () => {
    const json = (await runOpeReadout(context({ reward: "ttft_s", "reward-sign": "-1", "target-policy": "prefix-affine" }), log("round-robin.jsonl", 0))).json as { diagnostics: { unsupportedMass: number } };
    const doc = buildReadoutReport(json, meta);
    const support = doc.sections.flatMap((section) => section.blocks).find((block) => block.kind === "callout" && block.title === "support of the target policy");
    expect(support).toMatchObject({ tone: "fail" });
    expect(support?.kind === "callout" && support.text).toContain(`${Number((json.diagnostics.unsupportedMass * 100).toPrecision(4))} %`);
  });
});
