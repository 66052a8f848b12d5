import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { randomizationInterval } from "../../src/stats/index.js";

/** 8 pools × 150 rows, 4 treated (test/fixtures/casebook/pool-cluster.csv); R's exact p over choose(8, 4) = 70 assignments. */
const lines = readFileSync("test/fixtures/casebook/pool-cluster.csv", "utf8").trim().split("\n").slice(1).map((line) => line.split(","));
const pools = lines.map((cells) => cells[0] ?? "");
const treated = Uint8Array.from(lines, (cells) => (cells[1] === "B" ? 1 : 0));
const y = Float64Array.from(lines, (cells) => Number(cells[2]));
const expected = JSON.parse(readFileSync("test/fixtures/casebook/casebook.expected.json", "utf8")) as { pools: { exactP: number; assignments: number } };

/** p(τ) by brute force: re-assign every 4-subset of pools, statistic on y − τ·D. */
function pByHand(tau: number): number {
  const ids = [...new Set(pools)];
  const adjusted = Array.from(y, (value, row) => value - tau * (treated[row] ?? 0));
  const stat = (set: Set<string>) => {
    let st = 0, nt = 0, sc = 0, nc = 0;
    adjusted.forEach((value, row) => (set.has(pools[row] ?? "") ? ((st += value), nt++) : ((sc += value), nc++)));
    return st / nt - sc / nc;
  };
  const observed = stat(new Set(pools.filter((_, row) => treated[row] === 1)));
  let extreme = 0;
  let total = 0;
  for (let a = 0; a < 8; a++) for (let b = a + 1; b < 8; b++) for (let c = b + 1; c < 8; c++) for (let d = c + 1; d < 8; d++) {
    total++;
    if (Math.abs(stat(new Set([a, b, c, d].map((i) => ids[i] ?? "")))) >= Math.abs(observed) * (1 - 1e-12)) extreme++;
  }
  return extreme / total;
}

describe("randomization inference: exact enumeration and test-inversion interval", () => {
  const result = randomizationInterval(y, treated, { units: pools, seed: 1 });
  it("enumerates all 70 assignments of 8 pools and matches R's exact p", () => {
    expect(result.exact).toBe(true);
    expect(result.assignments).toBe(expected.pools.assignments);
    expect(result.pValue).toBeCloseTo(expected.pools.exactP, 12);
  });
  it("the interval's ends are where the brute-force p(τ) crosses alpha", () => {
    const [low, high] = result.ci;
    const eps = 1e-6;
    expect(pByHand(low + eps)).toBeGreaterThan(0.05);
    expect(pByHand(low - eps)).toBeLessThanOrEqual(0.05);
    expect(pByHand(high - eps)).toBeGreaterThan(0.05);
    expect(pByHand(high + eps)).toBeLessThanOrEqual(0.05);
    expect(low).toBeLessThan(result.estimate);
    expect(high).toBeGreaterThan(result.estimate);
  });
  it("with too many assignments it draws a seeded Monte Carlo sample instead", () => {
    const rows = randomizationInterval(y, treated, { seed: 3, permutations: 500 });
    expect(rows.exact).toBe(false);
    expect(rows.assignments).toBe(500);
    expect(rows.ci[1] - rows.ci[0]).toBeLessThan(result.ci[1] - result.ci[0]); // rows as units ignore the pool correlation
  });
});

describe("randomizationInterval() within blocks", () => {
  // Two blocks of 6 rows with very different baselines (block B is +50), 3 treated in each, true effect +2.
  const baseline = [1.2, -0.4, 0.8, 0.1, -1.1, 0.5, 0.3, -0.9, 1.4, -0.2, 0.6, -0.7];
  const block = baseline.map((_, index) => (index < 6 ? "A" : "B"));
  const treated = [1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0];
  const y = baseline.map((value, index) => value + (block[index] === "B" ? 50 : 0) + 2 * (treated[index] ?? 0));

  /** Brute force, independent of the code: all C(6,3)² = 400 within-block assignments, |difference in means| vs observed. */
  function exactBlockedP(tau: number): number {
    const adjusted = y.map((value, index) => value - tau * (treated[index] ?? 0));
    const diff = (assignment: readonly number[]): number => {
      let t = 0;
      let c = 0;
      assignment.forEach((arm, index) => (arm === 1 ? (t += adjusted[index] ?? 0) : (c += adjusted[index] ?? 0)));
      return t / 6 - c / 6;
    };
    const triples: number[][] = [];
    for (let a = 0; a < 6; a++) for (let b = a + 1; b < 6; b++) for (let c = b + 1; c < 6; c++) triples.push([a, b, c]);
    const observed = Math.abs(diff(treated));
    let extreme = 0;
    for (const first of triples) {
      for (const second of triples) {
        const assignment = new Array<number>(12).fill(0);
        for (const index of first) assignment[index] = 1;
        for (const index of second) assignment[6 + index] = 1;
        if (Math.abs(diff(assignment)) >= observed - 1e-12) extreme++;
      }
    }
    return extreme / (triples.length * triples.length);
  }

  it("matches the exact within-block randomization p-value (Monte Carlo within 3 SE) and inverts it into a CI", () => {
    const result = randomizationInterval(y, treated, { seed: 5, permutations: 40_000, blocks: block });
    const exact = exactBlockedP(0);
    expect(result.exact).toBe(false);
    expect(Math.abs(result.pValue - exact)).toBeLessThan(3 * Math.sqrt((exact * (1 - exact)) / 40_000) + 1e-4);
    // The interval's ends are where the exact p crosses alpha: inside just within, outside just beyond.
    const [low, high] = result.ci;
    expect(exactBlockedP(low + 0.05)).toBeGreaterThan(0.04);
    expect(exactBlockedP(high - 0.05)).toBeGreaterThan(0.04);
    expect(exactBlockedP(low - 0.3)).toBeLessThan(0.06);
    expect(exactBlockedP(high + 0.3)).toBeLessThan(0.06);
    expect(low).toBeLessThan(2);
    expect(high).toBeGreaterThan(2);
  });

  it("blocking matters: ignoring the blocks' +50 baseline gap gives a far wider interval", () => {
    const blocked = randomizationInterval(y, treated, { seed: 5, permutations: 20_000, blocks: block });
    const pooled = randomizationInterval(y, treated, { seed: 5, permutations: 20_000 });
    expect(pooled.ci[1] - pooled.ci[0]).toBeGreaterThan(5 * (blocked.ci[1] - blocked.ci[0]));
  });
});
