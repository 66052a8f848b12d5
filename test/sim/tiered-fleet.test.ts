import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtInCatalog } from "../../src/catalog/catalog.js";
import { loadScenario } from "../../src/cli/load-scenario.js";
import { runScenario } from "../../src/cli/run-scenario.js";
import type { RequestRecord } from "../../src/sim/log/request-record.js";
import { policyFor } from "../../src/sim/policy-for.js";
import { pool, poissonSource, runSim } from "./sim-fixtures.js";

describe("tiered fleet with congestion fallback", () => {
  const fleet = [pool({ name: "premium", replicas: 1, maxNumSeqs: 32 }), pool({ name: "cheap", replicas: 2, maxNumSeqs: 32 })];
  const tiered = policyFor({ type: "tiered", premiumPool: "premium", fallbackPool: "cheap", congestionOutstanding: 16 });
  const run = (ratePerSecond: number) =>
    runSim({
      pools: fleet,
      policies: [tiered],
      requests: poissonSource({ seed: 3, requests: 3000, ratePerSecond, prompt: () => 400, output: () => 200, latencySensitive: (i) => i % 2 === 0 }),
    });

  it("under light load every latency-sensitive request stays on the premium pool, with no fallback", () => {
    const { records } = run(2);
    const sensitive = records.filter((record) => record.latency_sensitive);
    expect(sensitive.every((record) => record.pool === "premium" && record.fallback_reason === null)).toBe(true);
    expect(records.filter((record) => !record.latency_sensitive).every((record) => record.pool === "cheap")).toBe(true);
  });

  it("under congestion it falls back to the cheap pool and logs the number that triggered it", () => {
    const { records } = run(60);
    const fellBack = records.filter((record) => record.latency_sensitive && record.pool === "cheap");
    expect(fellBack.length).toBeGreaterThan(50);
    for (const record of fellBack) expect(record.fallback_reason).toMatch(/premium congested: min outstanding \d+ ≥ 16/);
    // Every fallback happened when the router saw the premium replica at or above the threshold.
    expect(records.filter((record) => record.latency_sensitive && record.pool === "premium").length).toBeGreaterThan(100);
  });

  it("after a fallback the log keeps intended (the premium recommendation) apart from executed (what ran)", () => {
    const { records } = run(60);
    const fellBack = records.filter((record) => record.latency_sensitive && record.pool === "cheap");
    expect(fellBack.length).toBeGreaterThan(50);
    // Replica 0 is the premium pool's only replica; 1 and 2 are cheap.
    for (const record of fellBack) {
      expect(record.intended_action).toBe("replica-0");
      expect(record.executed_action).toBe(`replica-${record.replica ?? -1}`);
      expect(record.executed_action).not.toBe(record.intended_action);
    }
    const kept = records.filter((record) => record.fallback_reason === null);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.every((record) => record.intended_action === record.executed_action)).toBe(true);
  });

  it("examples/tiered-fleet.yaml: every congestion fallback logs intended ≠ executed, with the reason beside", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-tiered-"));
    const loaded = loadScenario("examples/tiered-fleet.yaml", builtInCatalog, dir);
    await runScenario(loaded, { nowMs: () => 0, interrupt: { interrupted: false }, requests: 3000, outDir: dir });
    const records = readFileSync(join(dir, "requests.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as RequestRecord);
    const congested = records.filter((record) => record.fallback_reason?.includes("premium congested") === true && record.status === "ok");
    expect(congested.length).toBeGreaterThan(20);
    // The premium pool is replicas 0 and 1 (pool order); the fallback ran on a cheap replica.
    for (const record of congested) {
      expect(["replica-0", "replica-1"]).toContain(record.intended_action);
      expect(record.pool).toBe("cheap");
      expect(record.executed_action).not.toBe(record.intended_action);
    }
  }, 60_000);
});
