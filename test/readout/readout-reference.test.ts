import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readoutJson, runReadout } from "./run-readout.js";

const fixture = (name: string): string => `test/fixtures/stats/${name}`;
const expected = (name: string): Record<string, unknown> => JSON.parse(readFileSync(fixture(name), "utf8")) as Record<string, unknown>;
const relative = (actual: number, reference: number): number => Math.abs(actual - reference) / Math.abs(reference);

interface Welch { estimate: number; standardError: number; df: number; ci95: [number, number]; pValue: number }
interface Cr { coefficients: number[]; standardErrors: number[]; df: number[] }

describe("goodput readout on reference data (values from R: estimatr, sandwich, clubSandwich)", () => {
  it("reproduces the NSW (lalonde) difference in means 1794.34 with R's Welch SE and df to 1e-6", async () => {
    const welch = expected("lalonde-nsw.expected.json").welch as Welch;
    const readout = await readoutJson([fixture("lalonde-nsw.csv"), "--outcome", "re78", "--treatment", "treat", "--permutations", "200", "--bootstrap", "200"]);
    expect(readout.rows).toBe(445);
    const outcome = readout.outcomes[0]!;
    const dim = outcome.estimates.find((entry) => entry.method === "difference-in-means (Welch)")!;
    expect(dim.estimate).toBeCloseTo(1794.34, 2);
    expect(relative(dim.estimate, welch.estimate)).toBeLessThan(1e-6);
    expect(relative(dim.standardError, welch.standardError)).toBeLessThan(1e-6);
    expect(relative(dim.df!, welch.df)).toBeLessThan(1e-6);
    expect(relative(dim.ci95[0], welch.ci95[0])).toBeLessThan(1e-6);
    expect(relative(dim.pValue, welch.pValue)).toBeLessThan(1e-6);
    expect(dim.primary).toBe(true);
    expect(dim.assumptions.length).toBeGreaterThan(0);
    expect(readout.design.chosen).toBe("request");
    expect(readout.design.requestLevelValid).toBe(true);
  });

  it("reports OLS HC2 with covariates as R's sandwich::vcovHC and balance SMDs", async () => {
    const hc = (expected("lalonde-nsw.expected.json").hc as Record<string, { coefficients: number[]; standardErrors: number[]; df: number }>).HC2!;
    const smd = expected("lalonde-nsw.expected.json").smd as Record<string, number>;
    const readout = await readoutJson([fixture("lalonde-nsw.csv"), "--outcome", "re78", "--treatment", "treat", "--covariate", "age", "--covariate", "educ", "--covariate", "re74", "--covariate", "re75", "--permutations", "200", "--bootstrap", "200"]);
    const ols = readout.outcomes[0]!.estimates.find((entry) => entry.method === "OLS HC2")!;
    expect(ols.primary).toBe(true);
    expect(relative(ols.estimate, hc.coefficients[1]!)).toBeLessThan(1e-6);
    expect(relative(ols.standardError, hc.standardErrors[1]!)).toBeLessThan(1e-6);
    expect(ols.df).toBe(hc.df);
    const balance = readout.checks.find((check) => check.check === "balance")!;
    expect(relative(Number(balance.values!.age), smd.age!)).toBeLessThan(1e-6);
    expect(balance.status).toBe("warn"); // |SMD| 0.107 > 0.1
  });

  it("reports CR2 (default) with Bell–McCaffrey df and CR1 on the clustered RCT as estimatr / clubSandwich", async () => {
    const data = expected("clustered-rct.expected.json");
    const cr2 = data.cr2 as Cr;
    const cr1 = data.cr1 as Cr;
    const readout = await readoutJson([fixture("clustered-rct.csv"), "--outcome", "cost", "--treatment", "treated", "--covariate", "pre", "--cluster", "cluster", "--permutations", "200", "--bootstrap", "200"]);
    expect(readout.design.chosen).toBe("cluster");
    expect(readout.design.unitCount).toBe(20);
    const estimates = readout.outcomes[0]!.estimates;
    const robust2 = estimates.find((entry) => entry.method === "OLS CR2")!;
    const robust1 = estimates.find((entry) => entry.method === "OLS CR1")!;
    expect(robust2.primary).toBe(true);
    expect(relative(robust2.estimate, cr2.coefficients[1]!)).toBeLessThan(1e-6);
    expect(relative(robust2.standardError, cr2.standardErrors[1]!)).toBeLessThan(1e-6);
    expect(relative(robust2.df!, cr2.df[1]!)).toBeLessThan(1e-6);
    expect(relative(robust1.standardError, cr1.standardErrors[1]!)).toBeLessThan(1e-6);
    expect(robust1.df).toBe(19);
    // Row-level Welch is shown but not valid: rows are not the assignment units.
    expect(estimates.find((entry) => entry.method === "difference-in-means (Welch)")!.valid).toBe(false);
  });

  it("prints a readable decision readout with the estimand and assumptions", async () => {
    const result = await runReadout([fixture("lalonde-nsw.csv"), "--outcome", "re78", "--treatment", "treat", "--permutations", "200", "--bootstrap", "200"]);
    expect(result.code).toBe(0);
    console.log(result.stdout);
    expect(result.stdout).toMatch(/Decision: SHIP/);
    expect(result.stdout).toMatch(/assumes: /);
    expect(result.stdout).toMatch(/raw mean difference/);
    expect(result.stdout).toMatch(/QTE p99/);
  });
});
