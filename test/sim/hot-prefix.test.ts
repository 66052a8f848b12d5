import { describe, expect, it } from "vitest";
import { policyFor } from "../../src/sim/policy-for.js";
import { pool, poissonSource, runSim } from "./sim-fixtures.js";

describe("a single hot shared prefix on R replicas", () => {
  // Background requests carry their own (never repeated) 1,024-token prefixes, so they fill each
  // replica's LRU and keep it turning over; 1.5 % of requests share the hot prefix.
  const R = 4;
  const run = (router: "round-robin" | "prefix-hash") =>
    runSim({
      pools: [pool({ replicas: R, kvBlocks: 800, maxNumSeqs: 64 })],
      // Pure affinity: the bounded-load guard (1.25 × mean outstanding) would trip on small counts.
      policies: [policyFor(router === "prefix-hash" ? { type: router, loadFactor: 1000 } : { type: router })],
      requests: poissonSource({
        seed: 17,
        requests: 30_000,
        ratePerSecond: 40,
        prompt: () => 1056,
        output: () => 8,
        prefixGroup: (i, u) => (u() < 0.015 ? "hot" : `bg${i}`),
        prefixTokens: 1024,
      }),
    });
  const hitRate = (router: "round-robin" | "prefix-hash"): { rate: number; n: number } => {
    const hot = run(router).records.filter((record) => record.prefix_group === "hot");
    return { rate: hot.filter((record) => record.cached_prompt_tokens >= 1024).length / hot.length, n: hot.length };
  };

  it("is hit about (R − 1)/R less often under round-robin than under prefix-aware routing", () => {
    const aware = hitRate("prefix-hash");
    const spread = hitRate("round-robin");
    const ratio = spread.rate / aware.rate;
    console.log(`hot-prefix hit rate: prefix-hash ${(aware.rate * 100).toFixed(1)} % vs round-robin ${(spread.rate * 100).toFixed(1)} % (n = ${aware.n}); ratio ${ratio.toFixed(3)} vs 1/R = ${(1 / R).toFixed(3)}`);
    // Small-cache regime: hit ≈ 1 − exp(−λT) is close to linear in the rate a replica sees (λ vs λ/R).
    expect(aware.rate).toBeLessThan(0.6);
    expect(ratio).toBeGreaterThan(1 / R - 0.1);
    expect(ratio).toBeLessThan(1 / R + 0.15);
  });
});
