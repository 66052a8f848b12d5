import { describe, expect, it } from "vitest";
import { createRng } from "../../src/numeric/rng.js";

/** The project's seeded PRNG as a plain uniform draw. */
const seededUniform = (seed: number): (() => number) => {
  const rng = createRng(seed, "test");
  return () => rng.next();
};
import { expectedExpertsTouched } from "../../src/physics/experts-touched.js";

/** Reference: each token picks k distinct experts uniformly; count distinct experts hit. */
function simulateTouched(experts: number, k: number, tokens: number, trials: number, seed: number): number {
  const random = seededUniform(seed);
  let total = 0;
  for (let trial = 0; trial < trials; trial++) {
    const hit = new Set<number>();
    for (let token = 0; token < tokens; token++) {
      const pool = Array.from({ length: experts }, (_, i) => i);
      for (let pick = 0; pick < k; pick++) {
        const index = pick + Math.floor(random() * (experts - pick));
        const chosen = pool[index] ?? 0;
        pool[index] = pool[pick] ?? 0;
        pool[pick] = chosen;
        hit.add(chosen);
      }
    }
    total += hit.size;
  }
  return total / trials;
}

describe("expectedExpertsTouched() — E · (1 − (1 − k/E)^B)", () => {
  it("B = 1 touches exactly k experts", () => {
    expect(expectedExpertsTouched(8, 2, 1)).toBeCloseTo(2, 12);
    expect(expectedExpertsTouched(256, 8, 1)).toBeCloseTo(8, 12);
  });
  it("Mixtral (E = 8, k = 2) at B = 8: 8 × (1 − 0.75^8) = 8 × (1 − 0.100112915) = 7.19909668", () => {
    expect(expectedExpertsTouched(8, 2, 8)).toBeCloseTo(7.19909668, 7);
  });
  it("DeepSeek-V3 (E = 256, k = 8) at B = 64: 256 × (1 − (31/32)^64) = 256 × (1 − 0.131084) ≈ 222.442", () => {
    expect(expectedExpertsTouched(256, 8, 64)).toBeCloseTo(222.442, 2);
  });
  it.each([
    [8, 2, 8],
    [128, 8, 64],
    [256, 8, 8],
  ])("matches a seeded simulation of distinct top-k picks (E = %d, k = %d, B = %d)", (experts, k, tokens) => {
    const simulated = simulateTouched(experts, k, tokens, 4000, 12345);
    expect(Math.abs(expectedExpertsTouched(experts, k, tokens) - simulated) / simulated).toBeLessThan(0.01);
  });
});
