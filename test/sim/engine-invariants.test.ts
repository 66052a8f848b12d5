import { describe, expect, it } from "vitest";
import { defaultStepTimeProfile } from "../../src/physics/step-time-profile.js";
import { stepTimeForBatch } from "../../src/physics/step-time.js";
import type { StepTrace } from "../../src/sim/simulate-fleet.js";
import { llama8bOnH100, pool, poissonSource, runSim } from "./sim-fixtures.js";

describe("engine invariants", () => {
  it("every step's time equals the physics model's prediction for the batch it recorded", () => {
    const steps: StepTrace[] = [];
    runSim({
      pools: [pool({ maxNumSeqs: 64, maxBatchedTokens: 2048 })],
      requests: poissonSource({ seed: 2, requests: 2000, ratePerSecond: 40, prompt: (_, u) => 200 + Math.floor(u() * 3000), output: (_, u) => 1 + Math.floor(u() * 200) }),
      onStep: (step) => steps.push(step),
    });
    expect(steps.length).toBeGreaterThan(1000);
    const mixed = steps.filter((step) => step.composition.decodeSequences > 0 && step.composition.prefillNewTokens > 0);
    expect(mixed.length).toBeGreaterThan(10); // chunked prefill really mixes with decodes
    for (const step of steps) {
      expect(step.duration_s).toBe(stepTimeForBatch(llama8bOnH100, step.composition, defaultStepTimeProfile).stepSeconds);
      expect(step.composition.prefillNewTokens + step.composition.decodeSequences).toBeLessThanOrEqual(2048);
      expect(step.composition.decodeSequences + step.composition.prefillSequences).toBeLessThanOrEqual(64);
    }
  });

  it("never holds more KV blocks than the pool, preempting by recompute when it runs out", () => {
    let maxUsed = 0;
    const kvBlocks = 600; // 9,600 tokens: far less than the offered load needs
    const { summary, records } = runSim({
      pools: [pool({ maxNumSeqs: 128, kvBlocks })],
      requests: poissonSource({ seed: 4, requests: 1500, ratePerSecond: 30, prompt: () => 600, output: () => 400 }),
      onStep: (step) => {
        maxUsed = Math.max(maxUsed, step.kv_used_blocks);
      },
    });
    expect(maxUsed).toBeLessThanOrEqual(kvBlocks);
    expect(maxUsed).toBeGreaterThan(kvBlocks * 0.9); // the pool really was the constraint
    expect(summary.preemptions).toBeGreaterThan(0);
    expect(records.filter((record) => record.status === "ok")).toHaveLength(1500);
    expect(records.some((record) => record.preemptions > 0)).toBe(true);
  });

  it("same scenario and seed give a byte-identical request log; another seed does not", () => {
    const run = (seed: number) =>
      runSim({
        pools: [pool({ maxNumSeqs: 32 })],
        requests: poissonSource({ seed, requests: 800, ratePerSecond: 25, prompt: (_, u) => 100 + Math.floor(u() * 900), output: (_, u) => 1 + Math.floor(u() * 120), prefixGroup: (_, u) => (u() < 0.5 ? "g1" : null), prefixTokens: 256 }),
      }).records.map((record) => JSON.stringify(record)).join("\n");
    const first = run(8);
    expect(run(8)).toBe(first);
    expect(run(9)).not.toBe(first);
  });

  it("a shared prefix is served from the prefix cache and skips its prefill", () => {
    const { records, summary } = runSim({
      pools: [pool({ maxNumSeqs: 32 })],
      requests: poissonSource({ seed: 6, requests: 300, ratePerSecond: 5, prompt: () => 1200, output: () => 20, prefixGroup: () => "system", prefixTokens: 1024 }),
    });
    // After the first request registers the 64 prefix blocks, every later one hits all 1024 tokens.
    expect(records.slice(5).every((record) => record.cached_prompt_tokens === 1024)).toBe(true);
    expect(summary.prefixCacheHitRate).toBeGreaterThan(0.8);
  });
});
