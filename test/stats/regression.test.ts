import { describe, expect, it } from "vitest";
import { GoodputError } from "../../src/errors.js";
import { clusterRobust } from "../../src/stats/cluster-robust.js";
import { differenceInMeans } from "../../src/stats/difference-in-means.js";
import { olsRobust, type HcType } from "../../src/stats/ols-robust.js";
import { closeTo, labels, numbers, readCsvColumns, readExpected } from "./_fixtures.js";

interface WelchExpected { estimate: number; standardError: number; df: number; ci95: [number, number]; pValue: number }
interface HcExpected { coefficients: number[]; standardErrors: number[]; df: number }
interface CrExpected { coefficients: number[]; standardErrors: number[]; df: number[]; ciLower: number[]; ciUpper: number[] }
interface ClusteredExpected {
  welch: WelchExpected;
  hc: Record<HcType, HcExpected>;
  cr1: CrExpected;
  cr2: CrExpected;
  cr2InterceptAndTreatment: CrExpected;
  clubSandwichCr2: { standardErrors: number[]; df: number[] };
}
interface LalondeExpected { welch: WelchExpected; hc: Record<HcType, HcExpected> }

const rct = readCsvColumns("clustered-rct.csv");
const rctExpected = readExpected("clustered-rct.expected.json") as ClusteredExpected;
const nsw = readCsvColumns("lalonde-nsw.csv");
const nswExpected = readExpected("lalonde-nsw.expected.json") as LalondeExpected;

function expectWelch(actual: ReturnType<typeof differenceInMeans>, expected: WelchExpected): void {
  expect(closeTo(actual.estimate, expected.estimate)).toBe(true);
  expect(closeTo(actual.standardError, expected.standardError)).toBe(true);
  expect(closeTo(actual.df ?? Number.NaN, expected.df)).toBe(true);
  expect(closeTo(actual.ci95[0], expected.ci95[0])).toBe(true);
  expect(closeTo(actual.ci95[1], expected.ci95[1])).toBe(true);
  expect(closeTo(actual.pValue, expected.pValue)).toBe(true);
}

describe("differenceInMeans()", () => {
  it("matches R's Welch t.test on the NSW experimental sample (Dehejia–Wahba: 1794.34, SE ≈ 671.0)", () => {
    const result = differenceInMeans(numbers(nsw, "re78"), numbers(nsw, "treat"));
    expectWelch(result, nswExpected.welch);
    expect(result.estimate).toBeCloseTo(1794.34, 2);
    expect(result.standardError).toBeCloseTo(671.0, 0);
  });
  it("matches R's Welch t.test on the fat-tailed clustered data set", () => {
    expectWelch(differenceInMeans(numbers(rct, "cost"), numbers(rct, "treated")), rctExpected.welch);
  });
  it("rejects NaN, a length mismatch and a single arm, naming the problem", () => {
    expect(() => differenceInMeans([1, Number.NaN, 3, 4], [0, 0, 1, 1])).toThrow(/y\[1\] = NaN/);
    expect(() => differenceInMeans([1, 2, 3], [0, 1])).toThrow(/treated has 2 rows but y has 3/);
    expect(() => differenceInMeans([1, 2, 3], [1, 1, 1])).toThrow(/3 treated and 0 control/);
    expect(() => differenceInMeans([1, 2, 3, 4], [0, 2, 1, 1])).toThrow(/treated\[1\] = 2/);
    try {
      differenceInMeans([1, Number.POSITIVE_INFINITY], [0, 1]);
    } catch (error) {
      expect(error).toBeInstanceOf(GoodputError);
      expect((error as GoodputError).code).toBe("BAD_INPUT");
    }
  });
});

describe("olsRobust()", () => {
  const hcTypes: HcType[] = ["HC0", "HC1", "HC2", "HC3"];
  it.each(hcTypes)("%s matches sandwich::vcovHC on cost ~ treated + pre", (se) => {
    const result = olsRobust(numbers(rct, "cost"), { treated: numbers(rct, "treated"), pre: numbers(rct, "pre") }, { treatmentColumn: "treated", se });
    const expected = rctExpected.hc[se];
    result.coefficients.forEach((coefficient, index) => {
      expect(closeTo(coefficient.estimate, expected.coefficients[index]!)).toBe(true);
      expect(closeTo(coefficient.standardError, expected.standardErrors[index]!)).toBe(true);
      expect(coefficient.df).toBe(expected.df);
    });
    expect(result.estimate).toBe(result.coefficients[1]!.estimate);
  });
  it.each(hcTypes)("%s matches sandwich::vcovHC on the NSW regression re78 ~ treat + age + educ + re74 + re75", (se) => {
    const design = { treat: numbers(nsw, "treat"), age: numbers(nsw, "age"), educ: numbers(nsw, "educ"), re74: numbers(nsw, "re74"), re75: numbers(nsw, "re75") };
    const result = olsRobust(numbers(nsw, "re78"), design, { treatmentColumn: "treat", se });
    const expected = nswExpected.hc[se];
    result.coefficients.forEach((coefficient, index) => {
      expect(closeTo(coefficient.estimate, expected.coefficients[index]!)).toBe(true);
      expect(closeTo(coefficient.standardError, expected.standardErrors[index]!)).toBe(true);
    });
  });
  it("rejects a collinear design and an unknown treatment column", () => {
    const x = [1, 2, 3, 4, 5];
    expect(() => olsRobust([1, 2, 3, 5, 4], { d: [0, 1, 0, 1, 0], twice: x.map((v) => 2 * v), x }, { treatmentColumn: "d" })).toThrow(/collinear/);
    expect(() => olsRobust([1, 2, 3, 5, 4], { d: [0, 1, 0, 1, 0] }, { treatmentColumn: "treated" })).toThrow(/"treated" is not in the design/);
  });
});

describe("clusterRobust()", () => {
  const design = { treated: numbers(rct, "treated"), pre: numbers(rct, "pre") };
  const cluster = labels(rct, "cluster");
  function expectCr(result: ReturnType<typeof clusterRobust>, expected: CrExpected): void {
    result.coefficients.forEach((coefficient, index) => {
      expect(closeTo(coefficient.estimate, expected.coefficients[index]!)).toBe(true);
      expect(closeTo(coefficient.standardError, expected.standardErrors[index]!)).toBe(true);
      expect(closeTo(coefficient.df ?? Number.NaN, expected.df[index]!)).toBe(true);
      expect(closeTo(coefficient.ci95[0], expected.ciLower[index]!)).toBe(true);
      expect(closeTo(coefficient.ci95[1], expected.ciUpper[index]!)).toBe(true);
    });
  }
  it("CR1 matches estimatr::lm_robust(se_type = 'stata') with df = G − 1", () => {
    expectCr(clusterRobust(numbers(rct, "cost"), design, cluster, { treatmentColumn: "treated", type: "CR1" }), rctExpected.cr1);
  });
  it("CR2 (default) matches estimatr::lm_robust(se_type = 'CR2') including the Bell–McCaffrey df", () => {
    const result = clusterRobust(numbers(rct, "cost"), design, cluster, { treatmentColumn: "treated" });
    expectCr(result, rctExpected.cr2);
    expect(closeTo(result.df ?? Number.NaN, rctExpected.clubSandwichCr2.df[1]!)).toBe(true);
  });
  it("CR2 with treatment constant within clusters (rank-deficient cluster blocks) matches estimatr", () => {
    expectCr(clusterRobust(numbers(rct, "cost"), { treated: numbers(rct, "treated") }, cluster, { treatmentColumn: "treated" }), rctExpected.cr2InterceptAndTreatment);
  });
  it("rejects a single cluster and a cluster column of the wrong length", () => {
    const y = [1, 2, 3, 4];
    expect(() => clusterRobust(y, { d: [0, 1, 0, 1] }, ["a", "a", "a", "a"], { treatmentColumn: "d" })).toThrow(/all 4 rows are in one cluster/);
    expect(() => clusterRobust(y, { d: [0, 1, 0, 1] }, ["a", "b"], { treatmentColumn: "d" })).toThrow(/cluster has 2 rows but y has 4/);
  });
});
