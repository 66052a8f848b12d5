import { describe, expect, test } from "vitest";
import { estimateRdd, estimateRddJump } from "../../src/causal/rdd-estimate.js";
import { selectRddBandwidth } from "../../src/causal/rdd-bandwidth.js";
import { testRddDensity } from "../../src/causal/rdd-density-test.js";
import { isGoodputError } from "../../src/errors.js";
import { seededUniform, readCsv } from "./read-fixture.js";

const senate = readCsv("senate.csv");
const margin = senate.number("margin");
const vote = senate.number("vote");
const complete = margin.map((x, i) => Number.isFinite(x) && Number.isFinite(vote[i]!));
const x = margin.filter((_, i) => complete[i]);
const y = vote.filter((_, i) => complete[i]);

describe("RDD on the U.S. Senate incumbency data (Cattaneo, Frandsen & Titiunik 2015)", () => {
  // Published rdrobust output for rdrobust(vote, margin): h = 17.754, conventional estimate 7.4141 (SE 1.4587, nn),
  // rdrobust's own frozen baselines: h = 17.7543981926642, b = 28.0280885876685, coef 7.41413074911209, nn SE 1.45871598890695;
  // at h = 15: coef 7.48728585809499, nn SE 1.55973178848191, N_h = 319 + 288.
  test("estimateRddJump() with h = 17.754 gives the published triangular-kernel estimate 7.4141", () => {
    const jump = estimateRddJump(margin, vote, { cutoff: 0, bandwidth: 17.754 });
    expect(jump.estimate).toBeCloseTo(7.4141, 3);
    expect(Math.abs(jump.estimate - 7.4141)).toBeLessThan(1e-3);
  });

  test("estimateRddJump() at h = 15 reproduces rdrobust's estimate, nearest-neighbour SE and effective N", () => {
    const jump = estimateRddJump(x, y, { cutoff: 0, bandwidth: 15, vce: "nn" });
    expect(jump.estimate).toBeCloseTo(7.48728585809499, 9);
    expect(jump.standardError).toBeCloseTo(1.55973178848191, 9);
    expect([jump.nLeft, jump.nRight]).toEqual([319, 288]);
  });

  test("selectRddBandwidth() reproduces rdrobust's MSE-optimal h = 17.754 and b = 28.028 (to 1e-8 relative)", () => {
    const bandwidth = selectRddBandwidth(x, y, { cutoff: 0 });
    expect(Math.abs(bandwidth.h / 17.7543981926642 - 1)).toBeLessThan(1e-8);
    expect(Math.abs(bandwidth.b / 28.0280885876685 - 1)).toBeLessThan(1e-8);
  });

  test("estimateRdd() without a bandwidth selects h, estimates 7.414 (nn SE 1.4587) and reports sensitivity, density and covariates", () => {
    const result = estimateRdd(margin, vote, { cutoff: 0, vce: "nn", covariates: { population: senate.number("population"), termshouse: senate.number("termshouse") } });
    expect(result.estimate.estimate).toBeCloseTo(7.41413074911209, 8);
    expect(result.estimate.standardError).toBeCloseTo(1.45871598890695, 7);
    expect(result.estimate.bandwidth).toBeCloseTo(17.7543981926642, 7);
    expect(result.sensitivity.map((row) => row.multiple)).toEqual([0.5, 0.75, 1, 1.5, 2]);
    expect(result.sensitivity[2]!.estimate).toBe(result.estimate.estimate);
    expect(result.densityTest.pValue).toBeGreaterThan(0.05);
    expect(result.covariates.map((c) => c.name)).toEqual(["population", "termshouse"]);
    expect(result.droppedRows).toBe(93);
    expect(result.assumption).toMatch(/^Continuity/);
    expect(result.caveat).toMatch(/local effect/);
  });
});

describe("RDD closed-form checks", () => {
  test("a noiseless piecewise-linear outcome with a jump of 3 is recovered exactly at every bandwidth", () => {
    const running = Array.from({ length: 401 }, (_, i) => -1 + i / 200);
    const outcome = running.map((r) => 1 + 0.5 * r + (r >= 0 ? 3 + 2 * r : 0));
    const result = estimateRdd(running, outcome, { cutoff: 0, bandwidth: 0.4 });
    for (const row of result.sensitivity) expect(row.estimate).toBeCloseTo(3, 10);
    expect(result.estimate.standardError).toBeLessThan(1e-10);
  });

  test("a simulated jump of 2 with noise is covered by the 95 % CI at the selected bandwidth", () => {
    const random = seededUniform(7);
    const running = Array.from({ length: 4000 }, () => 2 * random() - 1);
    const outcome = running.map((r) => Math.sin(2 * r) + (r >= 0 ? 2 : 0) + (random() - 0.5));
    const result = estimateRdd(running, outcome, { cutoff: 0 });
    expect(result.estimate.ci95[0]).toBeLessThan(2);
    expect(result.estimate.ci95[1]).toBeGreaterThan(2);
    expect(result.densityTest.pValue).toBeGreaterThan(0.01);
  });

  test("testRddDensity() flags units bunching just above the cutoff", () => {
    const random = seededUniform(11);
    const running = Array.from({ length: 3000 }, () => 2 * random() - 1).map((r) => (r < 0 && r > -0.2 && random() < 0.6 ? -r : r));
    const test = testRddDensity(running, { cutoff: 0 });
    expect(test.logDifference).toBeGreaterThan(0);
    expect(test.pValue).toBeLessThan(0.001);
  });

  test("no observations on one side of the cutoff is a BAD_INPUT error naming the cutoff", () => {
    const attempt = (): unknown => estimateRdd([1, 2, 3, 4], [1, 2, 3, 4], { cutoff: 0, bandwidth: 1 });
    expect(attempt).toThrow(/0 observation\(s\) below and 4 at or above the cutoff 0/);
    try {
      attempt();
    } catch (error) {
      expect(isGoodputError(error) && error.code === "BAD_INPUT").toBe(true);
    }
  });
});
