import { describe, expect, it } from "vitest";
import { switchbackEstimate, type SwitchbackBlock } from "../../src/stats/switchback-estimate.js";

// Potential outcomes with carryover of order 1: Y_t = base_t + 2·w_t + 1·w_{t−1}; the m = 1 estimand is 3.
const base = [5, 7, 4, 6, 9, 3, 8, 5];
const T = base.length;
const outcomeFor = (arms: readonly number[], t: number): number => (base[t] ?? 0) + 2 * (arms[t] ?? 0) + (t > 0 ? (arms[t - 1] ?? 0) : 0);
const blocksFor = (arms: readonly number[]): SwitchbackBlock[] => arms.map((arm, t) => ({ block: t, arm: arm === 1 ? 1 : 0, outcomeMean: outcomeFor(arms, t), n: 10 }));

describe("switchbackEstimate()", () => {
  it("the m = 1 Horvitz–Thompson estimator is exactly unbiased over all 2^8 Bernoulli(1/2) assignments, and its SE bound is conservative", () => {
    const estimates: number[] = [];
    const varianceEstimates: number[] = [];
    for (let mask = 0; mask < 1 << T; mask++) {
      const arms = Array.from({ length: T }, (_, t) => (mask >> t) & 1);
      if (mask === 0 || mask === (1 << T) - 1) {
        // One arm only (the function refuses these): hand-computed HT, every window all-treated or all-control.
        const sign = mask === 0 ? -1 : 1;
        let total = 0;
        for (let t = 1; t < T; t++) total += sign * 4 * outcomeFor(arms, t);
        estimates.push(total / (T - 1));
        varianceEstimates.push(Number.NaN);
        continue;
      }
      const result = switchbackEstimate(blocksFor(arms), { carryoverBlocks: 1, permutations: 1, seed: 1 });
      estimates.push(result.estimate);
      varianceEstimates.push(result.standardError ** 2);
    }
    const mean = estimates.reduce((sum, value) => sum + value, 0) / estimates.length;
    expect(mean).toBeCloseTo(3, 12);
    const trueVariance = estimates.reduce((sum, value) => sum + (value - mean) ** 2, 0) / estimates.length;
    const finite = varianceEstimates.filter((value) => Number.isFinite(value));
    const meanVarianceEstimate = finite.reduce((sum, value) => sum + value, 0) / finite.length;
    expect(meanVarianceEstimate).toBeGreaterThanOrEqual(trueVariance);
  });
  it("the washout comparison drops the first m blocks after each switch (and the start)", () => {
    const arms = [0, 0, 1, 1, 1, 0, 0, 0];
    const result = switchbackEstimate(blocksFor(arms), { carryoverBlocks: 1, permutations: 200, seed: 4 });
    expect(result.washout?.keptBlocks).toBe(5); // t = 1, 3, 4, 6, 7
    const treatedKept = [outcomeFor(arms, 3), outcomeFor(arms, 4)];
    const controlKept = [outcomeFor(arms, 1), outcomeFor(arms, 6), outcomeFor(arms, 7)];
    const mean = (values: number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
    expect(result.washout?.estimate).toBeCloseTo(mean(treatedKept) - mean(controlKept), 12);
    // HT by hand: (1/7)·Σ ±4·Y_t over the clean windows.
    const ht = (4 * (treatedKept[0]! + treatedKept[1]!) - 4 * (controlKept[0]! + controlKept[1]! + controlKept[2]!)) / 7;
    expect(result.estimate).toBeCloseTo(ht, 12);
  });
  it("the randomization p-value is deterministic under a seed and in (0, 1]", () => {
    const arms = [1, 1, 0, 0, 1, 0, 1, 1];
    const first = switchbackEstimate(blocksFor(arms), { carryoverBlocks: 1, permutations: 2000, seed: 8 });
    const second = switchbackEstimate(blocksFor(arms), { carryoverBlocks: 1, permutations: 2000, seed: 8 });
    expect(second.randomizationPValue).toBe(first.randomizationPValue);
    expect(first.randomizationPValue).toBeGreaterThan(0);
    expect(first.randomizationPValue).toBeLessThanOrEqual(1);
  });
  it("rejects duplicate blocks, one arm only and NaN outcomes", () => {
    expect(() => switchbackEstimate([{ block: 0, arm: 0, outcomeMean: 1, n: 1 }, { block: 0, arm: 1, outcomeMean: 2, n: 1 }, { block: 1, arm: 1, outcomeMean: 2, n: 1 }], { seed: 1 })).toThrow(/block 0 appears twice/);
    expect(() => switchbackEstimate(blocksFor([1, 1, 1, 1]), { seed: 1 })).toThrow(/all 4 blocks are in arm 1/);
    expect(() => switchbackEstimate([{ block: 0, arm: 0, outcomeMean: Number.NaN, n: 1 }, { block: 1, arm: 1, outcomeMean: 2, n: 1 }, { block: 2, arm: 1, outcomeMean: 2, n: 1 }], { seed: 1 })).toThrow(/blocks\[0\].outcomeMean = NaN/);
  });
});
