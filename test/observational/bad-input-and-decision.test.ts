import { describe, expect, test } from "vitest";
import { eValueForDifference, estimateObservational, fitLogisticPropensity, observationalDecision, type ObservationalEstimate } from "../../src/observational/index.js";
import { createRng } from "../../src/numeric/rng.js";
import { goodputErrorOf } from "../goodput-error-of.js";

const rngNormal = (seed: number, stream: string): { uniform: () => number; normal: () => number } => {
  const rng = createRng(seed, stream);
  return { uniform: () => rng.next(), normal: () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()) };
};

/** y = effect·t + x + noise with P(t = 1 | x) = logistic(strength·x): strength sets how far the arms overlap. */
function confounded(seed: number, n: number, strength: number, effect: number): { outcome: Float64Array; treatment: Float64Array; covariates: { x: Float64Array } } {
  const { uniform, normal } = rngNormal(seed, "test/observational-confounded");
  const x = Float64Array.from({ length: n }, () => normal());
  const treatment = Float64Array.from(x, (value) => (uniform() < 1 / (1 + Math.exp(-strength * value)) ? 1 : 0));
  const outcome = Float64Array.from(x, (value, i) => effect * (treatment[i] ?? 0) + value + normal());
  return { outcome, treatment, covariates: { x } };
}

describe("propensity model: separation and zero propensities are errors naming the covariate", () => {
  test("one covariate that perfectly separates the arms", () => {
    const error = goodputErrorOf(() => fitLogisticPropensity(Uint8Array.from([0, 0, 0, 1, 1, 1]), { age: Float64Array.from([20, 25, 30, 40, 45, 50]) }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/covariate "age" perfectly separates the arms: every control row has age ≤ 30 and every treated row has age ≥ 40/);
    expect(error.message).toMatch(/Fix: restrict the rows/);
  });

  test("a dummy whose level 1 occurs only among the treated (quasi-complete separation)", () => {
    const t = Uint8Array.from([1, 1, 0, 0, 0, 1, 0, 1]);
    const error = goodputErrorOf(() => fitLogisticPropensity(t, { vip: Float64Array.from([1, 0, 0, 0, 0, 0, 0, 1]), load: Float64Array.from([3, 1, 4, 1, 5, 9, 2, 6]) }));
    expect(error.message).toMatch(/covariate "vip" quasi-completely separates the arms/);
  });

  test("separation by a combination of covariates: fitted propensities of 0 or 1 name the rows and the driving covariates", () => {
    const { uniform } = rngNormal(5, "test/separation");
    const x1 = Float64Array.from({ length: 200 }, () => uniform());
    const x2 = Float64Array.from({ length: 200 }, () => uniform());
    const t = Uint8Array.from(x1, (value, i) => (value + (x2[i] ?? 0) > 1 ? 1 : 0));
    const error = goodputErrorOf(() => fitLogisticPropensity(t, { x1, x2 }));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toMatch(/(fitted propensity of 0 or 1|did not converge)/);
    expect(error.message).toMatch(/"x1"/);
    expect(error.message).toMatch(/"x2"/);
  });

  test("a constant covariate, a treatment that is not 0/1 and a covariate that is the outcome are refused", () => {
    const base = { outcome: [1, 2, 3, 4, 5, 6], treatment: [0, 1, 0, 1, 0, 1], names: { outcome: "y", treatment: "t" } };
    expect(goodputErrorOf(() => estimateObservational({ ...base, covariates: { region: [2, 2, 2, 2, 2, 2] } })).message).toMatch(/covariate "region" is constant \(2 on all 6 rows\)/);
    expect(goodputErrorOf(() => estimateObservational({ ...base, treatment: [0, 1, 0, 2, 0, 1], covariates: { x: [1, 3, 2, 5, 4, 6] } })).message).toMatch(/treatment "t" is 2 at row 4/);
    expect(goodputErrorOf(() => estimateObservational({ ...base, covariates: { y: [1, 3, 2, 5, 4, 6] } })).message).toMatch(/"y" is both a covariate and the outcome/);
    expect(goodputErrorOf(() => estimateObservational({ ...base, covariates: {} })).message).toMatch(/no covariates/);
  });
});

describe("decision and sensitivity", () => {
  test("good overlap: AIPW covers the true effect 2, the claim is conditional on no unmeasured confounding", () => {
    const result = estimateObservational(confounded(11, 2000, 0.5, 2), { trim: 0 });
    const aipw = result.estimates.find((estimate) => estimate.method === "aipw");
    expect(aipw?.ci95[0]).toBeLessThan(2);
    expect(aipw?.ci95[1]).toBeGreaterThan(2);
    expect(result.decision.claim).toBe("conditional");
    expect(result.decision.statement).toMatch(/only if no unmeasured confounder/);
    expect(result.sensitivity.statement).toMatch(/Unobserved confounding remains possible/);
  });

  test("weak overlap (propensity logistic(4x)): the claim is downgraded for the small effective sample size / dominant weights", () => {
    const result = estimateObservational(confounded(12, 600, 4, 2), { trim: 0 });
    expect(result.decision.claim).toBe("downgraded");
    expect(result.decision.reasons.join("\n")).toMatch(/weak overlap/);
    expect(result.decision.statement).toMatch(/DOWNGRADED/);
  });

  test("estimators of the same estimand more than 2 AIPW SEs apart downgrade the claim; a distant double-ML θ only adds a note", () => {
    const estimate = (method: ObservationalEstimate["method"], value: number): ObservationalEstimate => ({ method, label: method, estimand: "ATE", estimate: value, standardError: 0.1, ci95: [value - 0.196, value + 0.196], pValue: 0, df: null, n: 100, standardErrorMethod: "", assumptions: [] });
    const common = { estimand: "ate" as const, balance: [], eValue: eValueForDifference(1.5, [1.3, 1.7], 1), trimmedRows: 0, n: 100 };
    const weights = { ess: { treated: 40, control: 40 }, essShare: { treated: 0.8, control: 0.8 }, maxWeight: { treated: 2, control: 2 }, maxWeightShare: { treated: 0.04, control: 0.04 } };
    const split = observationalDecision({ ...common, weights, estimates: [estimate("regression-imputation", 1.0), estimate("ipw", 1.5), estimate("aipw", 1.45), estimate("double-ml", 1.5)] });
    expect(split.claim).toBe("downgraded");
    expect(split.reasons.join("\n")).toMatch(/model dependence: the estimators span 0\.500/);
    const agree = observationalDecision({ ...common, weights, estimates: [estimate("regression-imputation", 1.5), estimate("ipw", 1.52), estimate("aipw", 1.5), estimate("ols-adjustment", 0.2), estimate("double-ml", 2.5)] });
    expect(agree.claim).toBe("conditional");
    expect(agree.notes.join("\n")).toMatch(/double ML's θ \(2\.500\) differs from AIPW/);
  });

  test("E-value for a difference (VanderWeele & Ding 2017): d = 0.5 SD → RR = e^0.455 = 1.57617, E = 2.52914; CI limit d = 0.2 → 1.68896", () => {
    const positive = eValueForDifference(1, [0.4, 1.6], 2);
    expect(positive.riskRatio).toBeCloseTo(1.5761733830339912, 12);
    expect(positive.estimate).toBeCloseTo(2.5291419818612693, 12);
    expect(positive.ciLimit).toBeCloseTo(1.6889607176012267, 12);
    const negative = eValueForDifference(-1, [-1.6, -0.4], 2);
    expect(negative.estimate).toBeCloseTo(2.5291419818612693, 12);
    expect(negative.ciLimit).toBeCloseTo(1.6889607176012267, 12);
    expect(eValueForDifference(1, [-0.1, 2.1], 2).ciLimit).toBe(1);
  });
});
