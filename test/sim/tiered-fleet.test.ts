import { describe, expect, it } from "vitest";
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
});
