import { describe, expect, it } from "vitest";
import { benjaminiHochberg } from "../../src/stats/benjamini-hochberg.js";
import { chiSquareSurvival } from "../../src/stats/chi-square.js";
import { holm } from "../../src/stats/holm.js";
import { normalCdf, normalQuantile } from "../../src/stats/normal-distribution.js";
import { quantileSorted } from "../../src/stats/quantile.js";
import { srmTest } from "../../src/stats/srm-test.js";
import { studentTCdf, studentTQuantile } from "../../src/stats/student-t.js";
import { closeTo, readExpected } from "./_fixtures.js";

interface DistributionsExpected {
  normalQuantile: { p: number[]; quantile: number[] };
  normalCdf: { z: number[]; cdf: number[] };
  tQuantile: { df: number; p: number[]; quantile: number[] }[];
  tCdf: { df: number; t: number[]; cdf: number[] }[];
  chiSquareSurvival: { df: number; x: number[]; survival: number[] }[];
  srm: { counts: number[]; shares: number[]; statistic: number; df: number; pValue: number }[];
  pValues: number[];
  holm: number[];
  benjaminiHochberg: number[];
  quantileType7: { x: number[]; p: number[]; values: number[] };
}

const expected = readExpected("distributions.expected.json") as DistributionsExpected;

describe("normal distribution", () => {
  it("normalQuantile() matches R's qnorm (Wichura AS 241)", () => {
    expected.normalQuantile.p.forEach((p, index) => {
      expect(closeTo(normalQuantile(p), expected.normalQuantile.quantile[index]!, 1e-12)).toBe(true);
    });
  });
  it("normalCdf() matches R's pnorm, including far tails", () => {
    expected.normalCdf.z.forEach((z, index) => {
      expect(closeTo(normalCdf(z), expected.normalCdf.cdf[index]!, 1e-9)).toBe(true);
    });
  });
});

describe("Student t", () => {
  it("studentTQuantile() matches R's qt for df from 1 to 1000 and p down to 1e-10", () => {
    for (const row of expected.tQuantile) {
      row.p.forEach((p, index) => {
        const expectedValue = row.quantile[index]!;
        const actual = studentTQuantile(p, row.df);
        if (!closeTo(actual, expectedValue, 1e-9)) throw new Error(`qt(${p}, ${row.df}): ${actual} vs ${expectedValue}`);
      });
    }
  });
  it("studentTCdf() matches R's pt", () => {
    for (const row of expected.tCdf) {
      row.t.forEach((t, index) => {
        const expectedValue = row.cdf[index]!;
        const actual = studentTCdf(t, row.df);
        if (!closeTo(actual, expectedValue, 1e-9)) throw new Error(`pt(${t}, ${row.df}): ${actual} vs ${expectedValue}`);
      });
    }
  });
  it("tends to the normal as df grows: t_{0.975, ∞} = 1.959964", () => {
    expect(studentTQuantile(0.975, Number.POSITIVE_INFINITY)).toBeCloseTo(1.959963984540054, 14);
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
  });
});

describe("χ² and SRM", () => {
  it("chiSquareSurvival() matches R's pchisq(lower.tail = FALSE)", () => {
    for (const row of expected.chiSquareSurvival) {
      row.x.forEach((x, index) => {
        expect(closeTo(chiSquareSurvival(x, row.df), row.survival[index]!, 1e-9)).toBe(true);
      });
    }
  });
  it("srmTest() matches R's chisq.test(counts, p = shares) and flags p < 0.001", () => {
    for (const row of expected.srm) {
      const result = srmTest(row.counts, row.shares);
      expect(closeTo(result.statistic, row.statistic)).toBe(true);
      expect(result.df).toBe(row.df);
      expect(closeTo(result.pValue, row.pValue)).toBe(true);
      expect(result.mismatch).toBe(row.pValue < 0.001);
    }
    expect(srmTest([5040, 4700], [0.5, 0.5]).mismatch).toBe(true);
    expect(srmTest([50123, 49877], [1, 1]).mismatch).toBe(false);
  });
  it("srmTest() rejects negative counts and mismatched lengths", () => {
    expect(() => srmTest([10, -1], [0.5, 0.5])).toThrow(/counts\[1\] = -1/);
    expect(() => srmTest([10, 10, 10], [0.5, 0.5])).toThrow(/3 counts but 2 expected shares/);
  });
});

describe("multiple testing", () => {
  it("holm() and benjaminiHochberg() match R's p.adjust", () => {
    holm(expected.pValues).forEach((p, index) => {
      expect(closeTo(p, expected.holm[index]!, 1e-12)).toBe(true);
    });
    benjaminiHochberg(expected.pValues).forEach((p, index) => {
      expect(closeTo(p, expected.benjaminiHochberg[index]!, 1e-12)).toBe(true);
    });
  });
  it("rejects a p-value outside [0, 1]", () => {
    expect(() => holm([0.2, 1.5])).toThrow(/pValues\[1\] = 1.5/);
    expect(() => benjaminiHochberg([Number.NaN])).toThrow(/pValues\[0\] = NaN/);
  });
});

describe("quantileSorted()", () => {
  it("matches R's quantile(type = 7)", () => {
    const sorted = [...expected.quantileType7.x].sort((a, b) => a - b);
    expected.quantileType7.p.forEach((p, index) => {
      expect(closeTo(quantileSorted(sorted, p), expected.quantileType7.values[index]!, 1e-12)).toBe(true);
    });
  });
});
