import { describe, expect, it } from "vitest";
import { cuped } from "../../src/stats/cuped.js";
import { logEffect } from "../../src/stats/log-effect.js";
import { ratioDeltaMethod } from "../../src/stats/ratio-delta-method.js";
import { standardizedMeanDifference } from "../../src/stats/standardized-mean-difference.js";
import { trimmedMeanDifference } from "../../src/stats/trimmed-mean-difference.js";
import { winsorizedMeanDifference } from "../../src/stats/winsorized-mean-difference.js";
import type { Estimate } from "../../src/stats/estimate.js";
import { closeTo, labels, numbers, readCsvColumns, readExpected } from "./_fixtures.js";

interface TExpected { estimate: number; standardError: number; df: number; ci95: [number, number]; pValue: number }
interface ReadoutsExpected {
  winsorized: TExpected & { cap: number };
  trimmed: TExpected;
  logEffect: TExpected & { ratio: number; ratioCi95: [number, number] };
  cuped: TExpected & { theta: number; rawStandardError: number };
  ratio: { treated: { ratio: number; standardError: number }; control: { ratio: number; standardError: number }; difference: number; differenceStandardError: number };
  smdPre: number;
}

const rct = readCsvColumns("clustered-rct.csv");
const expected = readExpected("clustered-rct.expected.json") as ReadoutsExpected;
const cost = numbers(rct, "cost");
const treated = numbers(rct, "treated");

function expectT(actual: Estimate, reference: TExpected): void {
  expect(closeTo(actual.estimate, reference.estimate)).toBe(true);
  expect(closeTo(actual.standardError, reference.standardError)).toBe(true);
  expect(closeTo(actual.df ?? Number.NaN, reference.df)).toBe(true);
  expect(closeTo(actual.ci95[0], reference.ci95[0])).toBe(true);
  expect(closeTo(actual.ci95[1], reference.ci95[1])).toBe(true);
  expect(closeTo(actual.pValue, reference.pValue)).toBe(true);
  expect(actual.assumptions.length).toBeGreaterThan(0);
}

describe("fat-tail readouts", () => {
  it("winsorizedMeanDifference() caps both arms at the pooled p99 (R quantile type 7) and matches Welch t.test on the capped outcome", () => {
    const result = winsorizedMeanDifference(cost, treated, { quantile: 0.99 });
    expect(closeTo(result.upperCap, expected.winsorized.cap, 1e-12)).toBe(true);
    expectT(result, expected.winsorized);
  });
  it("trimmedMeanDifference() matches Yuen's test (20 % trim, winsorized variances) computed in R", () => {
    expectT(trimmedMeanDifference(cost, treated), expected.trimmed);
  });
  it("logEffect() matches Welch t.test on log(cost) and exponentiates the interval", () => {
    const result = logEffect(cost, treated);
    expectT(result, expected.logEffect);
    expect(closeTo(result.multiplicativeEffect, expected.logEffect.ratio)).toBe(true);
    expect(closeTo(result.multiplicativeCi95[0], expected.logEffect.ratioCi95[0])).toBe(true);
    expect(closeTo(result.multiplicativeCi95[1], expected.logEffect.ratioCi95[1])).toBe(true);
  });
  it("logEffect() refuses non-positive outcomes unless an offset is given", () => {
    expect(() => logEffect([1, 0, 2, 3], [0, 0, 1, 1])).toThrow(/y\[1\] \+ offset = 0/);
    expect(logEffect([1, 0, 2, 3], [0, 0, 1, 1], { offset: 1 }).multiplicativeEffect).toBeGreaterThan(1);
  });
  it("trimmed and winsorized readouts reject negative quantile settings and NaN", () => {
    expect(() => winsorizedMeanDifference(cost, treated, { quantile: 1.5 })).toThrow(/quantile = 1.5/);
    expect(() => trimmedMeanDifference([1, 2, Number.NaN, 4, 5, 6], [0, 0, 0, 1, 1, 1])).toThrow(/y\[2\] = NaN/);
  });
});

describe("cuped()", () => {
  it("matches R: θ = cov(y, x)/var(x) pooled, Welch on y − θ(x − x̄)", () => {
    const result = cuped(cost, treated, numbers(rct, "pre"));
    expect(closeTo(result.theta, expected.cuped.theta)).toBe(true);
    expectT(result, expected.cuped);
    expect(closeTo(result.rawStandardError, expected.cuped.rawStandardError)).toBe(true);
    expect(closeTo(result.varianceReduction, 1 - (expected.cuped.standardError / expected.cuped.rawStandardError) ** 2)).toBe(true);
  });
  it("rejects a constant covariate and a length mismatch", () => {
    expect(() => cuped([1, 2, 3, 4], [0, 0, 1, 1], [5, 5, 5, 5])).toThrow(/constant/);
    expect(() => cuped([1, 2, 3, 4], [0, 0, 1, 1], [5, 5, 5])).toThrow(/preCovariate has 3 rows but y has 4/);
  });
});

describe("ratioDeltaMethod()", () => {
  it("cost per successful request per cluster matches the weighted HC1 regression of Σcost/Σsuccess on 1 per arm (estimatr)", () => {
    const result = ratioDeltaMethod(cost, numbers(rct, "success"), treated, { units: labels(rct, "cluster") });
    expect(closeTo(result.treated.ratio, expected.ratio.treated.ratio)).toBe(true);
    expect(closeTo(result.treated.standardError, expected.ratio.treated.standardError)).toBe(true);
    expect(closeTo(result.control.ratio, expected.ratio.control.ratio)).toBe(true);
    expect(closeTo(result.control.standardError, expected.ratio.control.standardError)).toBe(true);
    expect(closeTo(result.estimate, expected.ratio.difference)).toBe(true);
    expect(closeTo(result.standardError, expected.ratio.differenceStandardError)).toBe(true);
  });
  it("rejects a negative denominator and a unit that appears in both arms", () => {
    expect(() => ratioDeltaMethod([1, 2, 3, 4], [1, -1, 1, 1], [0, 0, 1, 1])).toThrow(/denominator\[1\] = -1 is negative/);
    expect(() => ratioDeltaMethod([1, 2, 3, 4], [1, 1, 1, 1], [0, 0, 1, 1], { units: ["a", "b", "a", "c"] })).toThrow(/row 2 puts unit/);
  });
});

describe("standardizedMeanDifference()", () => {
  it("matches the pooled-SD SMD computed in R", () => {
    const result = standardizedMeanDifference(numbers(rct, "pre"), treated);
    expect(closeTo(result.estimate, expected.smdPre, 1e-10)).toBe(true);
    expect(result.imbalanced).toBe(Math.abs(expected.smdPre) > 0.1);
  });
});
