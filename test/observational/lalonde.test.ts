import { describe, expect, test } from "vitest";
import { estimateDoubleMl, estimateObservational, fitLogisticPropensity, type ObservationalResult } from "../../src/observational/index.js";
import { readJson, readLalonde } from "./read-lalonde.js";

interface ArmPair { treated: number; control: number }
interface Readout {
  n: number;
  nTreated: number;
  nControl: number;
  propensityCoefficients: Record<string, number>;
  ipw: { estimate: number; standardError: number };
  regressionImputation: { estimate: number; standardError: number };
  aipw: { estimate: number; standardError: number };
  balance: Record<string, { before: number; after: number }>;
  ess: ArmPair;
  maxWeight: ArmPair;
}
interface Expected {
  n: number;
  propensity: { coefficients: Record<string, number>; fitted: number[]; deviance: number };
  trim: { level: number; droppedTreated: number; droppedControl: number };
  olsAdjustment: { estimate: number; standardError: number; df: number };
  untrimmed: { ate: Readout; att: Readout };
  trimmed: { ate: Readout; att: Readout };
}
const expected = readJson("lalonde.expected.json") as Expected;
const dml = readJson("lalonde-dml.expected.json") as { folds: number[]; theta: number; standardError: number };
const lalonde = readLalonde();
const input = { outcome: lalonde.re78, treatment: lalonde.treat, covariates: lalonde.covariates, names: { outcome: "re78", treatment: "treat" } };

const close = (actual: number, wanted: number, relative = 1e-6): void => {
  expect(Math.abs(actual - wanted), `${actual} vs ${wanted}`).toBeLessThanOrEqual(relative * Math.max(1e-8, Math.abs(wanted)));
};
const byMethod = (result: ObservationalResult, method: string) => {
  const found = result.estimates.find((estimate) => estimate.method === method);
  if (found === undefined) throw new Error(`no ${method}`);
  return found;
};

function checkAgainstR(result: ObservationalResult, wanted: Readout): void {
  expect(result.n).toBe(wanted.n);
  expect(result.nTreated).toBe(wanted.nTreated);
  for (const { name, estimate } of result.propensityModel.coefficients) close(estimate, wanted.propensityCoefficients[name] ?? Number.NaN);
  for (const [method, key] of [["ipw", "ipw"], ["regression-imputation", "regressionImputation"], ["aipw", "aipw"]] as const) {
    close(byMethod(result, method).estimate, wanted[key].estimate);
    close(byMethod(result, method).standardError, wanted[key].standardError);
  }
  for (const row of result.diagnostics.balance) {
    const reference = wanted.balance[row.covariate];
    if (reference === undefined) throw new Error(`no balance row ${row.covariate}`);
    close(row.before, reference.before);
    close(row.after, reference.after);
  }
  close(result.diagnostics.ess.treated, wanted.ess.treated);
  close(result.diagnostics.ess.control, wanted.ess.control);
  close(result.diagnostics.maxWeight.treated, wanted.maxWeight.treated);
  close(result.diagnostics.maxWeight.control, wanted.maxWeight.control);
}

describe("observational estimators against R on MatchIt::lalonde (614 rows)", () => {
  test("fitLogisticPropensity() reproduces glm(treat ~ …, binomial): coefficients, deviance and all 614 fitted propensities to 1e-6", () => {
    const t = Uint8Array.from(lalonde.treat);
    const fit = fitLogisticPropensity(t, Object.fromEntries(Object.entries(lalonde.covariates).map(([name, values]) => [name, Float64Array.from(values)])));
    fit.names.forEach((name, j) => { close(fit.coefficients[j] ?? Number.NaN, expected.propensity.coefficients[name] ?? Number.NaN); });
    close(fit.deviance, expected.propensity.deviance);
    expected.propensity.fitted.forEach((e, row) => { close(fit.fitted[row] ?? Number.NaN, e); });
  });

  const untrimmedAte = estimateObservational(input, { trim: 0, estimand: "ate" });
  test("ATE without trimming: Hájek IPW and regression imputation with M-estimation SEs (numDeriv sandwich), AIPW with IF SE, SMD, ESS, max weight", () => {
    checkAgainstR(untrimmedAte, expected.untrimmed.ate);
    expect(untrimmedAte.diagnostics.trimmed.droppedTreated + untrimmedAte.diagnostics.trimmed.droppedControl).toBe(0);
  });

  test("OLS adjustment: coefficient on treat with HC2 SE and t(604) as lm + sandwich::vcovHC", () => {
    const ols = byMethod(untrimmedAte, "ols-adjustment");
    close(ols.estimate, expected.olsAdjustment.estimate);
    close(ols.standardError, expected.olsAdjustment.standardError);
    expect(ols.df).toBe(expected.olsAdjustment.df);
  });

  test("ATT without trimming: IPW with control weights e/(1 − e), imputation over the treated, AIPW for the ATT", () => {
    checkAgainstR(estimateObservational(input, { trim: 0, estimand: "att" }), expected.untrimmed.att);
  });

  test("trimming at 0.01 drops the rows R drops, reports them, and refits the propensity on the kept rows", () => {
    for (const estimand of ["ate", "att"] as const) {
      const result = estimateObservational(input, { trim: expected.trim.level, estimand });
      expect(result.diagnostics.trimmed.droppedTreated).toBe(expected.trim.droppedTreated);
      expect(result.diagnostics.trimmed.droppedControl).toBe(expected.trim.droppedControl);
      expect(result.propensityModel.refitAfterTrim).toBe(true);
      expect(result.warnings.join("\n")).toMatch(/Trimming removed 1 row\(s\) \(0 treated, 1 control\)/);
      checkAgainstR(result, expected.trimmed[estimand]);
    }
  });

  test("double ML with R's folds and penalty 0 equals R's cross-fitted lm(y ~ ns(…)) partially linear estimate and DML SE", () => {
    const t = Uint8Array.from(lalonde.treat);
    const result = estimateDoubleMl(
      { y: Float64Array.from(lalonde.re78), t, covariates: Object.fromEntries(Object.entries(lalonde.covariates).map(([name, values]) => [name, Float64Array.from(values)])) },
      { foldOf: dml.folds.map((fold) => fold - 1), penalty: 0 },
    );
    close(result.estimate.estimate, dml.theta);
    close(result.estimate.standardError, dml.standardError);
  });
});
