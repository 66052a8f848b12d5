import { describe, expect, it } from "vitest";
import { computeCacheLocality } from "../../src/physics/cache-locality.js";
import { policyFor } from "../../src/sim/policy-for.js";
import { pool, poissonSource, runSim } from "./sim-fixtures.js";

/** Zipf(s = 1) over 40 prefixes by inverse CDF, for the simulated workload. */
const zipfRank = (u: number): number => {
  const weights = Array.from({ length: 40 }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  for (let i = 0; i < weights.length; i++) {
    cumulative += (weights[i] ?? 0) / total;
    if (u < cumulative) return i;
  }
  return 39;
};

describe("calc locality's analytic hit rates agree with the simulator (docs/design.md §3.8 cross-check)", () => {
  // 4 replicas; 40 prefixes of 1,024 tokens (64 blocks); each KV pool keeps ≈ 8 prefixes once
  // the few running requests' blocks are set aside.
  const simulatedHitRate = (router: "round-robin" | "prefix-hash"): number => {
    const { records } = runSim({
      pools: [pool({ replicas: 4, kvBlocks: 8 * 64 + 70, maxNumSeqs: 16 })],
      policies: [policyFor(router === "prefix-hash" ? { type: "prefix-hash", loadFactor: 1000 } : { type: "round-robin" })],
      requests: poissonSource({ seed: 23, requests: 12_000, ratePerSecond: 20, prompt: () => 1056, output: () => 8, prefixGroup: (_, u) => `p${zipfRank(u())}`, prefixTokens: 1024 }),
    });
    const measured = records.slice(2000); // after warm-up
    return measured.filter((record) => record.cached_prompt_tokens >= 1024).length / measured.length;
  };
  const analytic = computeCacheLocality({
    replicas: 4,
    prefixes: 40,
    zipfExponent: 1,
    prefixTokens: 1024,
    requestsPerSecond: 20,
    cacheCapacity: { prefixes: 8 },
    ttft: { kind: "fixed", hitSeconds: 0.01, missSeconds: 0.03 },
    inputUsdPerMTok: 1,
    policies: ["round-robin", "prefix-hash"],
  });
  const analyticRate = (policy: string): number => analytic.policies.find((entry) => entry.policy === policy)?.hitRate ?? NaN;

  it.each(["round-robin", "prefix-hash"] as const)("%s: simulated and analytic hit rates within 0.08", (policy) => {
    const simulated = simulatedHitRate(policy);
    console.log(`${policy}: simulated hit rate ${(simulated * 100).toFixed(1)} % vs analytic (Che) ${(analyticRate(policy) * 100).toFixed(1)} %`);
    expect(Math.abs(simulated - analyticRate(policy))).toBeLessThan(0.08);
  });

  it("both agree that prefix affinity beats round-robin", () => {
    expect(analyticRate("prefix-hash")).toBeGreaterThan(analyticRate("round-robin") + 0.2);
    expect(simulatedHitRate("prefix-hash")).toBeGreaterThan(simulatedHitRate("round-robin") + 0.2);
  });
});
