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
