import { describe, expect, it } from "vitest";
import { policyFor } from "../../src/sim/policy-for.js";
import { createAssignment } from "../../src/sim/designs/assignment.js";
import type { RequestRecord } from "../../src/sim/log/request-record.js";
import { pool, poissonSource, runSim } from "./sim-fixtures.js";

const meanTtft = (records: readonly RequestRecord[]): number => {
  const values = records.flatMap((record) => (record.ttft_s === null ? [] : [record.ttft_s]));
  return values.reduce((sum, value) => sum + value, 0) / values.length;
};

describe("interference: a request-level A/B of a cache-affine router is biased", () => {
  // 4 replicas whose KV pools hold only part of 24 shared 2,048-token prefixes; Zipf-ish popularity.
  const scenario = (seed: number) => ({
    pools: [pool({ replicas: 4, kvBlocks: 1400, maxNumSeqs: 64 })],
    requests: poissonSource({
      seed,
      requests: 6000,
      ratePerSecond: 60,
      prompt: () => 2300,
      output: () => 24,
      prefixGroup: (_, u) => `g${Math.min(23, Math.floor(24 * u() ** 2))}`,
      prefixTokens: 2048,
    }),
  });
  const roundRobin = policyFor({ type: "round-robin" });
  const prefixHash = policyFor({ type: "prefix-hash" });

  it("the 50/50 request-level estimate of the TTFT effect differs from the true global effect", () => {
    const allA = runSim({ ...scenario(21), policies: [roundRobin] });
    const allB = runSim({ ...scenario(21), policies: [prefixHash] });
    const trueEffect = allB.summary.ttftSeconds.mean - allA.summary.ttftSeconds.mean;
    const ab = runSim({ ...scenario(21), policies: [roundRobin, prefixHash], assign: createAssignment({ type: "request-rct", treatmentShare: 0.5 }, { seed: 21, pools: ["main"] }) });
    const armA = ab.records.filter((record) => record.arm === "A");
    const armB = ab.records.filter((record) => record.arm === "B");
    const estimated = meanTtft(armB) - meanTtft(armA);
    console.log(
      `TTFT effect of prefix-hash vs round-robin: true global ${(trueEffect * 1000).toFixed(1)} ms ` +
        `(hit rate ${(allA.summary.prefixCacheHitRate * 100).toFixed(1)} % → ${(allB.summary.prefixCacheHitRate * 100).toFixed(1)} %); ` +
        `request-level A/B estimate ${(estimated * 1000).toFixed(1)} ms (arms ${armA.length}/${armB.length})`,
    );
    expect(trueEffect).toBeLessThan(0); // prefix affinity really helps when everyone uses it
    expect(armA.length + armB.length).toBe(6000);
    // Both arms share replicas and caches, so the A/B misses the system-level effect by a wide margin.
    expect(Math.abs(estimated - trueEffect)).toBeGreaterThan(0.25 * Math.abs(trueEffect));
  });
});
