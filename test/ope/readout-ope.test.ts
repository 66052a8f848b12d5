import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { CommandContext, OptionValues } from "../../src/cli/command.js";
import { runOpeReadout } from "../../src/cli/readout-ope.js";
import { GoodputError } from "../../src/errors.js";
import type { RequestRecord } from "../../src/sim/log/request-record.js";
import { policyFor } from "../../src/sim/policy-for.js";
import { pool, poissonSource, runSim } from "../sim/sim-fixtures.js";

const directory = mkdtempSync(join(tmpdir(), "goodput-ope-"));
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function context(values: OptionValues): CommandContext {
  return { values, positionals: [], io: { stdout: () => undefined, stderr: () => undefined }, cwd: directory, env: {} };
}

function writeLog(name: string, records: readonly RequestRecord[]): string {
  const path = join(directory, name);
  writeFileSync(path, records.map((record) => JSON.stringify(record)).join("\n") + "\n");
  return path;
}

function simulate(explorationRate: number): RequestRecord[] {
  return runSim({
    seed: 3,
    pools: [pool({ replicas: 4 })],
    policies: [policyFor({ type: "round-robin", explorationRate })],
    requests: poissonSource({ seed: 3, requests: 600, ratePerSecond: 10, prompt: () => 512, output: () => 16, prefixGroup: (_i, u) => `g${Math.floor(u() * 6)}`, prefixTokens: 256 }),
  }).records;
}

interface OpeJson {
  design: string;
  assumption: string;
  n: number;
  actions: number;
  estimates: { method: string; estimate: number; standardError: number; ci95: [number, number] }[];
  diagnostics: { ess: number; maxWeight: number; meanWeight: number; unsupportedMass: number };
  warnings: string[];
}

describe("runOpeReadout() on a canonical request log", () => {
  test("ε = 1 exploration logs: four estimates with SE and CI, diagnostics, assumption first in the text", async () => {
    const file = writeLog("explore.jsonl", simulate(1));
    const result = await runOpeReadout(context({ reward: "ttft_s", "reward-sign": "-1", "target-policy": "prefix-affine", json: true }), file);
    const json = result.json as OpeJson;
    expect(json.design).toBe("ope");
    expect(json.n).toBe(600);
    expect(json.actions).toBe(4);
    expect(json.estimates.map((estimate) => estimate.method)).toEqual(["DM", "IPS", "SNIPS", "DR"]);
    for (const estimate of json.estimates) {
      expect(estimate.estimate).toBeLessThan(0);
      expect(estimate.standardError).toBeGreaterThan(0);
      expect(estimate.ci95[0]).toBeLessThan(estimate.ci95[1]);
    }
    expect(json.diagnostics.maxWeight).toBeCloseTo(4, 6);
    expect(json.diagnostics.unsupportedMass).toBe(0);
    expect(result.text.split("\n")[2]).toMatch(/^Assumption: Off-policy evaluation identifies/);
    expect(result.text).toContain("DR");
  });

  test("logged-greedy on ε = 0.1 logs evaluates the base round-robin; uniform gives mean weight ≈ 1", async () => {
    const file = writeLog("explore-small.jsonl", simulate(0.1));
    const greedy = (await runOpeReadout(context({ reward: "slo_met", "target-policy": "logged-greedy", clip: "5" }), file)).json as OpeJson;
    // The greedy action has logging probability 0.9 + 0.1/4 = 0.925: weight 1/0.925 where taken.
    expect(greedy.diagnostics.maxWeight).toBeCloseTo(1 / 0.925, 5);
    const uniform = (await runOpeReadout(context({ reward: "e2e_s", "reward-sign": "-1", "target-policy": "uniform", covariate: ["prompt_tokens"] }), file)).json as OpeJson;
    expect(Math.abs(uniform.diagnostics.meanWeight - 1)).toBeLessThan(0.3);
  });

  test("a deterministic logger: the readout warns that the target has no support and recommends exploration", async () => {
    const file = writeLog("round-robin.jsonl", simulate(0));
    const json = (await runOpeReadout(context({ reward: "ttft_s", "reward-sign": "-1", "target-policy": "prefix-affine" }), file)).json as OpeJson;
    expect(json.diagnostics.unsupportedMass).toBeGreaterThan(0.5);
    expect(json.warnings.join(" ")).toMatch(/No support.*controlled exploration/);
  });

  test("a log without a propensity column is refused: instrument more", async () => {
    const path = join(directory, "no-propensity.csv");
    writeFileSync(path, "intended_action,ttft_s\nreplica-0,0.1\nreplica-1,0.2\n");
    const run = runOpeReadout(context({ reward: "ttft_s", "target-policy": "uniform" }), path);
    await expect(run).rejects.toThrow(GoodputError);
    await expect(runOpeReadout(context({ reward: "ttft_s", "target-policy": "uniform" }), path)).rejects.toThrow(/instrument more/);
  });

  test("a zero propensity is refused with its file row", async () => {
    const path = join(directory, "zero.csv");
    writeFileSync(path, "intended_action,propensity,ttft_s\nreplica-0,0.5,0.1\nreplica-1,0,0.2\n");
    await expect(runOpeReadout(context({ reward: "ttft_s", "target-policy": "uniform" }), path)).rejects.toThrow(/row 2: 0/);
  });

  test("an unknown target policy names the accepted ones", async () => {
    const path = join(directory, "zero.csv");
    await expect(runOpeReadout(context({ reward: "ttft_s", "target-policy": "least-queue" }), path)).rejects.toThrow(/uniform, logged-greedy, prefix-affine, replica-N/);
  });
});
