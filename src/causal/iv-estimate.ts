import type { NumericArray } from "../stats/estimate.js";
import { _referenceInterval } from "../stats/_interval.js";
import { _fitLeastSquares, type LeastSquaresFit } from "../stats/_least-squares.js";
import { _checkLengths, _fail, _finiteColumn } from "../stats/_validate.js";

/** Columns of an instrumental-variables design: one endogenous treatment, one excluded instrument, optional exogenous covariates. */
export interface IvInput {
  readonly y: NumericArray;
  /** Treatment actually received (the executed action). */
  readonly d: NumericArray;
  /** Instrument (e.g. the assigned arm, 0/1). */
  readonly z: NumericArray;
  /** Exogenous covariates, included in both stages. */
  readonly covariates?: Readonly<Record<string, NumericArray>>;
  /** Column names for labels and error messages (default y, d, z). */
  readonly names?: { readonly outcome?: string; readonly treatment?: string; readonly instrument?: string };
}

/** One coefficient with its HC1 SE and t(n − k) interval. */
export interface IvTerm {
  readonly estimate: number;
  readonly standardError: number;
  readonly ci95: readonly [number, number];
  readonly df: number;
  readonly pValue: number;
}

export interface IvResult {
  readonly design: "iv";
  readonly assumption: string;
  readonly diagnostics: readonly string[];
  readonly method: string;
  /** 2SLS coefficient on the treatment. */
  readonly estimate: IvTerm & { readonly n: number };
  /** Every 2SLS coefficient (intercept, treatment, covariates) with HC1 SEs. */
  readonly coefficients: readonly (IvTerm & { readonly name: string })[];
  /** First stage d ~ z + X: the instrument's coefficient, its HC1 SE and the robust (HC1 Wald) F for the excluded instrument. */
  readonly firstStage: { readonly F: number; readonly coefficient: number; readonly standardError: number; readonly strength: "strong" | "weak" };
  /** Reduced form y ~ z + X: the instrument's coefficient. */
  readonly reducedForm: IvTerm;
  /** Present when z is binary (the assigned arm): intent-to-treat effects on the outcome and on the executed treatment. */
  readonly itt?: { readonly y: IvTerm; readonly d: IvTerm };
  /** Present when z is binary: Wald estimator ITT_Y / ITT_D with a delta-method SE (joint HC1 covariance of the two ITTs). */
  readonly late?: IvTerm;
  readonly caveat: string;
  /** "downgraded" when the first stage is weak (F < 10): the 2SLS number is then not a usable effect size; "supported" otherwise (still under the IV assumptions). */
  readonly claim: "supported" | "downgraded";
  readonly warnings: readonly string[];
}

const weakF = 10;

function term(estimate: number, standardError: number, df: number): IvTerm {
  return { estimate, standardError, df, ..._referenceInterval(estimate, standardError, df) };
}

/** HC1 cross covariance n/(n−k) · B (Σ x xᵀ e_a e_b) B of two OLS fits on the same design (a = b gives the HC1 covariance). */
function hc1Cross(a: LeastSquaresFit, eA: Float64Array, eB: Float64Array): Float64Array {
  const { n, k, x, bread } = a;
  const meat = new Float64Array(k * k);
  for (let row = 0; row < n; row++) {
    const weight = (eA[row] ?? 0) * (eB[row] ?? 0);
    for (let i = 0; i < k; i++) {
      const scaled = weight * (x[row * k + i] ?? 0);
      for (let j = 0; j < k; j++) meat[i * k + j] = (meat[i * k + j] ?? 0) + scaled * (x[row * k + j] ?? 0);
    }
  }
  const output = new Float64Array(k * k);
  const left = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let sum = 0;
    for (let p = 0; p < k; p++) sum += (bread[i * k + p] ?? 0) * (meat[p * k + j] ?? 0);
    left[i * k + j] = sum;
  }
  const scale = n / (n - k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let sum = 0;
    for (let p = 0; p < k; p++) sum += (left[i * k + p] ?? 0) * (bread[p * k + j] ?? 0);
    output[i * k + j] = scale * sum;
  }
  return output;
}

/**
 * Two-stage least squares with one endogenous treatment and one excluded instrument (just identified), HC1 sandwich SEs on the
 * second stage with the structural residuals y − Wβ (as AER::ivreg + sandwich::vcovHC(type = "HC1")), the robust first-stage F,
 * the reduced form and, for a binary instrument, ITT_Y, ITT_D and the Wald LATE (Angrist, Imbens & Rubin 1996).
 */
export function estimateIv(input: IvInput): IvResult {
  const where = "estimateIv";
  const yName = input.names?.outcome ?? "y";
  const dName = input.names?.treatment ?? "d";
  const zName = input.names?.instrument ?? "z";
  const covariates = input.covariates ?? {};
  const covariateNames = Object.keys(covariates);
  const allNames = [yName, dName, zName, ...covariateNames];
  const duplicate = allNames.find((name, index) => allNames.indexOf(name) !== index || name === "(Intercept)");
  if (duplicate !== undefined) _fail(where, `column "${duplicate}" is used twice (outcome, treatment, instrument and covariates must be different columns)`);
  const n = _checkLengths(where, { [yName]: input.y, [dName]: input.d, [zName]: input.z, ...covariates });
  const y = _finiteColumn(where, yName, input.y);
  const d = _finiteColumn(where, dName, input.d);
  const z = _finiteColumn(where, zName, input.z);
  const x: Record<string, Float64Array> = Object.fromEntries(covariateNames.map((name) => [name, _finiteColumn(where, name, covariates[name] ?? [])]));
  const constant = (values: Float64Array): boolean => values.every((value) => value === values[0]);
  if (constant(z)) _fail(where, `instrument "${zName}" is constant (${z[0] ?? Number.NaN} on all ${n} rows); an instrument must vary`);
  if (constant(d)) _fail(where, `treatment "${dName}" is constant (${d[0] ?? Number.NaN} on all ${n} rows); nothing to instrument`);

  const first = _fitLeastSquares(where, d, { [zName]: z, ...x }, zName, true);
  const reduced = _fitLeastSquares(where, y, { [zName]: z, ...x }, zName, true);
  const zIndex = first.treatmentIndex;
  const kz = first.k;
  const firstCov = hc1Cross(first, first.residuals, first.residuals);
  const reducedCov = hc1Cross(reduced, reduced.residuals, reduced.residuals);
  const crossCov = hc1Cross(first, reduced.residuals, first.residuals);
  const pi = first.coefficients[zIndex] ?? Number.NaN;
  const piSe = Math.sqrt(firstCov[zIndex * kz + zIndex] ?? Number.NaN);
  const firstF = (pi / piSe) ** 2;
  if (!(Math.abs(pi) > 0) || !Number.isFinite(firstF)) _fail(where, `instrument "${zName}" has no first stage (coefficient ${pi} on ${dName}); it cannot identify the effect`);

  // Second stage on the fitted treatment; SEs from the structural residuals (actual d, not d̂).
  const dHat = Float64Array.from(d, (value, row) => value - (first.residuals[row] ?? 0));
  const second = _fitLeastSquares(where, y, { [dName]: dHat, ...x }, dName, true);
  const { k } = second;
  const structural = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    let fitted = 0;
    second.names.forEach((name, index) => {
      const value = name === "(Intercept)" ? 1 : name === dName ? (d[row] ?? 0) : (x[name]?.[row] ?? 0);
      fitted += (second.coefficients[index] ?? 0) * value;
    });
    structural[row] = (y[row] ?? 0) - fitted;
  }
  const covariance = hc1Cross(second, structural, structural);
  const df = n - k;
  const coefficients = second.names.map((name, index) => ({ name, ...term(second.coefficients[index] ?? Number.NaN, Math.sqrt(covariance[index * k + index] ?? Number.NaN), df) }));
  const headline = coefficients[second.treatmentIndex];
  if (headline === undefined) throw new RangeError("2SLS without coefficients");

  const reducedForm = term(reduced.coefficients[zIndex] ?? Number.NaN, Math.sqrt(reducedCov[zIndex * kz + zIndex] ?? Number.NaN), df);
  const firstTerm = term(pi, piSe, df);
  const binaryZ = z.every((value) => value === 0 || value === 1);
  const binaryD = d.every((value) => value === 0 || value === 1);
  const warnings: string[] = [];
  const weak = firstF < weakF;
  if (weak) {
    warnings.push(`Weak instrument: robust first-stage F = ${firstF.toFixed(2)} < ${weakF}. 2SLS is biased towards OLS and its t-interval under-covers; the estimate below is NOT a usable effect size — strengthen the encouragement or use weak-IV-robust (Anderson–Rubin) inference.`);
  }
  let itt: IvResult["itt"];
  let late: IvTerm | undefined;
  if (binaryZ) {
    itt = { y: reducedForm, d: firstTerm };
    // Delta method for ITT_Y / ITT_D: Var ≈ (V_yy − 2·LATE·V_yd + LATE²·V_dd) / ITT_D².
    const ratio = reducedForm.estimate / pi;
    const variance = ((reducedCov[zIndex * kz + zIndex] ?? 0) - 2 * ratio * (crossCov[zIndex * kz + zIndex] ?? 0) + ratio * ratio * (firstCov[zIndex * kz + zIndex] ?? 0)) / (pi * pi);
    late = term(ratio, Math.sqrt(Math.max(0, variance)), df);
    if (pi < 0) warnings.push(`Assignment lowers take-up (ITT_D = ${pi.toFixed(4)} < 0): check the coding of "${zName}" (1 = assigned to treatment) and of "${dName}".`);
    if (!binaryD) warnings.push(`Treatment "${dName}" is not 0/1: the Wald ratio is an average causal response per unit of "${dName}" among compliers, not a LATE of a switch.`);
    if (Math.abs(pi) < 0.1) warnings.push(`Only ${(100 * Math.abs(pi)).toFixed(1)}% of units comply (ITT_D): the LATE describes a small complier group and scales the ITT up by ${(1 / Math.abs(pi)).toFixed(1)}×.`);
  }
  if (covariateNames.length > 0 && binaryZ) warnings.push(`ITT_Y and ITT_D are adjusted for ${covariateNames.join(", ")} (regression of each on the assignment and the covariates).`);

  return {
    design: "iv",
    assumption: `Instrument validity: "${zName}" moves "${dName}" (relevance), is as good as randomly assigned${covariateNames.length > 0 ? " given the covariates" : ""} (independence), changes "${yName}" only through "${dName}" (exclusion), and no unit takes the treatment because it was NOT assigned (monotonicity, no defiers).`,
    diagnostics: [
      `relevance: robust first-stage F = ${firstF.toFixed(2)} (${weak ? "weak, below 10" : "above the rule-of-thumb 10"})`,
      `exclusion cannot be tested: any direct path from "${zName}" to "${yName}" (e.g. being assigned changes routing, notifications or shared state) biases the estimate by that path ÷ first stage`,
      "independence: check balance of pre-assignment covariates across instrument values",
      "monotonicity: defiers (units that do the opposite of their assignment) make the ratio a mix of effects",
    ],
    method: `2SLS (one instrument, just identified), HC1 sandwich SE from the structural residuals, t(${df})`,
    estimate: { ...headline, n },
    coefficients,
    firstStage: { F: firstF, coefficient: pi, standardError: piSe, strength: weak ? "weak" : "strong" },
    claim: weak ? "downgraded" : "supported",
    reducedForm,
    ...(itt === undefined ? {} : { itt }),
    ...(late === undefined ? {} : { late }),
    caveat: binaryZ
      ? `The LATE is the effect on compliers — units whose executed "${dName}" followed their assignment — not on always- or never-takers; the ITT (${reducedForm.estimate.toPrecision(4)}) is the effect of the assignment policy itself.`
      : `The 2SLS estimate is a weighted average of effects for units whose "${dName}" responds to "${zName}"; it is not the average effect for everyone.`,
    warnings,
  };
}
