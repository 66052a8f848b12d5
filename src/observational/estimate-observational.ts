import { olsRobust } from "../stats/ols-robust.js";
import { _fail } from "../stats/_validate.js";
import { _fitArmOutcomeModels } from "./_arm-outcome-models.js";
import { _meanSd } from "./_linear-algebra.js";
import type { _Sample } from "./_sample.js";
import { eValueForDifference, eValueForRiskRatio, type EValue } from "./e-value.js";
import { estimateAipw } from "./estimate-aipw.js";
import { estimateDoubleMl, type DoubleMlOptions } from "./estimate-double-ml.js";
import { estimateIpw } from "./estimate-ipw.js";
import { estimateRegressionImputation } from "./estimate-regression-imputation.js";
import { fitLogisticPropensity, type PropensityFit } from "./fit-logistic-propensity.js";
import { _observationalEstimate, type ObservationalEstimand, type ObservationalEstimate } from "./observational-estimate.js";
import { observationalDecision, type ObservationalDecision } from "./observational-decision.js";
import { balanceTable, overlapHistogram, summarizeWeights, type BalanceRow, type OverlapBin, type WeightSummary } from "./weighting-diagnostics.js";

/** Columns of an observational table: outcome, 0/1 treatment and numeric pre-treatment covariates (dummies already expanded). */
export interface ObservationalInput {
  readonly outcome: ArrayLike<number>;
  readonly treatment: ArrayLike<number>;
  readonly covariates: Readonly<Record<string, ArrayLike<number>>>;
  readonly names?: { readonly outcome?: string; readonly treatment?: string };
}

export interface ObservationalOptions {
  /** "ate" (default) or "att". */
  readonly estimand?: ObservationalEstimand;
  /** Drop rows whose estimated propensity lies outside [trim, 1 − trim] and refit (default 0.01; 0 keeps every row). */
  readonly trim?: number;
  /** Overlap histogram bins on [0, 1] (default 20). */
  readonly bins?: number;
  /** Double ML settings (folds, seed, penalty). */
  readonly doubleMl?: DoubleMlOptions;
}

/** What trimming removed: never silent. */
export interface TrimReport {
  readonly level: number;
  readonly droppedTreated: number;
  readonly droppedControl: number;
  /** 1-based row numbers of the dropped rows (first 50). */
  readonly rows: readonly number[];
  /** Covariates left out of the refit because they were constant in the kept rows. */
  readonly constantAfterTrim: readonly string[];
}

/** The full observational readout: assumption, estimates, diagnostics, sensitivity and decision (docs/design.md §7.4). */
export interface ObservationalResult {
  readonly design: "observational";
  readonly estimand: ObservationalEstimand;
  readonly names: { readonly outcome: string; readonly treatment: string; readonly covariates: readonly string[] };
  readonly n: number;
  readonly nTreated: number;
  readonly nControl: number;
  readonly assumptions: readonly string[];
  readonly propensityModel: { readonly coefficients: readonly { readonly name: string; readonly estimate: number }[]; readonly iterations: number; readonly deviance: number; readonly refitAfterTrim: boolean };
  readonly estimates: readonly ObservationalEstimate[];
  readonly diagnostics: {
    /** Propensities of every row before trimming, binned per arm. */
    readonly overlap: readonly OverlapBin[];
    readonly propensityRange: { readonly treated: readonly [number, number]; readonly control: readonly [number, number] };
    readonly balance: readonly BalanceRow[];
    /** Kish ESS, its share of the arm, the largest weight and its share of the arm's total weight, per arm. */
    readonly ess: WeightSummary["ess"];
    readonly essShare: WeightSummary["essShare"];
    readonly maxWeight: WeightSummary["maxWeight"];
    readonly maxWeightShare: WeightSummary["maxWeightShare"];
    readonly trimmed: TrimReport;
    /** Null when the sample is too small for cross-fitting (a warning says so). */
    readonly doubleMl: { readonly folds: number; readonly outOfFoldR2: { readonly outcome: number; readonly treatment: number }; readonly learner: string } | null;
  };
  readonly sensitivity: EValue & { readonly statement: string };
  readonly decision: ObservationalDecision;
  readonly warnings: readonly string[];
}

function validate(input: ObservationalInput, outcomeName: string, treatmentName: string): { y: Float64Array; t: Uint8Array; covariates: Record<string, Float64Array> } {
  const where = "estimateObservational";
  const n = input.outcome.length;
  const covariateNames = Object.keys(input.covariates);
  if (covariateNames.length === 0) _fail(where, "no covariates: an observational comparison without adjustment is the raw difference in means; pass the pre-treatment confounders (--covariate COL …)");
  const clash = covariateNames.find((name) => name === outcomeName || name === treatmentName);
  if (clash !== undefined) _fail(where, `"${clash}" is both a covariate and the ${clash === outcomeName ? "outcome" : "treatment"}; a covariate must be measured before treatment`);
  const column = (name: string, values: ArrayLike<number>): Float64Array => {
    if (values.length !== n) _fail(where, `column "${name}" has ${values.length} rows but the outcome has ${n}`);
    const output = Float64Array.from(values);
    const bad = output.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) _fail(where, `column "${name}" is missing or not finite (${String(output[bad])}) at row ${bad + 1}; every row needs a finite value — drop or impute incomplete rows explicitly before the readout`);
    return output;
  };
  const y = column(outcomeName, input.outcome);
  const treatment = column(treatmentName, input.treatment);
  const bad = treatment.findIndex((value) => value !== 0 && value !== 1);
  if (bad >= 0) _fail(where, `treatment "${treatmentName}" is ${treatment[bad] ?? Number.NaN} at row ${bad + 1}; it must be 0 (control) or 1 (treated) — recode it`);
  const t = Uint8Array.from(treatment);
  const treated = t.reduce((sum, value) => sum + value, 0);
  if (treated < 2 || n - treated < 2) _fail(where, `treatment "${treatmentName}" has ${treated} treated and ${n - treated} control rows; each arm needs at least 2 (and more than the number of covariates)`);
  const covariates = Object.fromEntries(covariateNames.map((name) => [name, column(name, input.covariates[name] ?? [])]));
  return { y, t, covariates };
}

function subset(sample: _Sample, rows: readonly number[], keep: readonly string[]): _Sample {
  return {
    y: Float64Array.from(rows, (row) => sample.y[row] ?? 0),
    t: Uint8Array.from(rows, (row) => sample.t[row] ?? 0),
    covariates: Object.fromEntries(keep.map((name) => [name, Float64Array.from(rows, (row) => sample.covariates[name]?.[row] ?? 0)])),
  };
}

function range(values: Float64Array, t: Uint8Array, arm: 0 | 1): readonly [number, number] {
  let low = Infinity;
  let high = -Infinity;
  values.forEach((value, row) => {
    if (t[row] !== arm) return;
    low = Math.min(low, value);
    high = Math.max(high, value);
  });
  return [low, high];
}

/**
 * Observational readout: logistic propensity (IRLS) with trimming to [a, 1 − a] and a refit on the kept rows, then on those
 * rows OLS adjustment (HC2), regression imputation, Hájek IPW, AIPW and double ML (partially linear), with overlap,
 * balance before/after weighting, Kish ESS, the E-value and a decision that never hides the no-unmeasured-confounding
 * assumption. Separation, zero/one propensities and constant or collinear covariates are errors naming the covariate.
 */
export function estimateObservational(input: ObservationalInput, options: ObservationalOptions = {}): ObservationalResult {
  const where = "estimateObservational";
  const estimand = options.estimand ?? "ate";
  const trim = options.trim ?? 0.01;
  if (!(trim >= 0 && trim < 0.5)) _fail(where, `trim = ${trim}; it must be in [0, 0.5), e.g. 0.01 (0 keeps every row)`);
  const outcomeName = input.names?.outcome ?? "y";
  const treatmentName = input.names?.treatment ?? "treatment";
  const full = validate(input, outcomeName, treatmentName);
  const covariateNames = Object.keys(full.covariates);
  const warnings: string[] = [];

  const firstFit = fitLogisticPropensity(full.t, full.covariates);
  const kept: number[] = [];
  const dropped: number[] = [];
  firstFit.fitted.forEach((e, row) => (e >= trim && e <= 1 - trim ? kept : dropped).push(row));
  const droppedTreated = dropped.filter((row) => full.t[row] === 1).length;
  let sample: _Sample = full;
  let propensity: PropensityFit = firstFit;
  let constantAfterTrim: string[] = [];
  if (dropped.length > 0) {
    const keptTreated = kept.filter((row) => full.t[row] === 1).length;
    if (keptTreated < 2 || kept.length - keptTreated < 2) {
      _fail(where, `trimming propensities outside [${trim}, ${1 - trim}] leaves ${keptTreated} treated and ${kept.length - keptTreated} control rows: the arms barely overlap on these covariates, so no comparison is supported — restrict the question to a population where both treatments occur`);
    }
    constantAfterTrim = covariateNames.filter((name) => {
      const values = kept.map((row) => full.covariates[name]?.[row] ?? 0);
      return values.every((value) => value === values[0]);
    });
    sample = subset(full, kept, covariateNames.filter((name) => !constantAfterTrim.includes(name)));
    propensity = fitLogisticPropensity(sample.t, sample.covariates);
    const outside = propensity.fitted.filter((e) => e < trim || e > 1 - trim).length;
    if (outside > 0) warnings.push(`After the refit, ${outside} kept row(s) have a propensity outside [${trim}, ${1 - trim}] again; trimming is done once (on the first fit), so they stay in — see the maximum weights.`);
    warnings.push(`Trimming removed ${dropped.length} row(s) (${droppedTreated} treated, ${dropped.length - droppedTreated} control) with estimated propensity outside [${trim}, ${1 - trim}]; the estimates describe the remaining ${kept.length} rows (the overlap population), and the propensity model was refitted on them.`);
    if (constantAfterTrim.length > 0) warnings.push(`After trimming, ${constantAfterTrim.map((name) => `"${name}"`).join(", ")} is constant in the kept rows and was left out of every model.`);
  }
  const n = sample.y.length;
  const nTreated = sample.t.reduce((sum, value) => sum + value, 0);
  const design = propensity.design;
  const models = _fitArmOutcomeModels(design, sample.y, sample.t);

  const ols = olsRobust(sample.y, { [treatmentName]: sample.t, ...sample.covariates }, { treatmentColumn: treatmentName, se: "HC2" });
  const olsEstimate = _observationalEstimate({
    method: "ols-adjustment",
    label: `OLS of ${outcomeName} on ${treatmentName} + covariates (coefficient on ${treatmentName})`,
    estimand: "coefficient on the treatment (the ATE only if the effect is constant and the outcome linear in the covariates)",
    estimate: ols.estimate,
    standardError: ols.standardError,
    df: ols.df,
    n,
    standardErrorMethod: "HC2 sandwich (as sandwich::vcovHC type HC2), t reference",
    assumptions: ["the outcome is linear in the covariates with one common slope per covariate in both arms", "a constant treatment effect (otherwise the coefficient weights strata by their treatment variance)"],
  });
  const imputation = estimateRegressionImputation(sample, design, models, estimand);
  const ipw = estimateIpw(sample, propensity, estimand);
  const aipw = estimateAipw(sample, propensity.fitted, models, estimand);
  // Cross-fitting needs at least two rows per fold; on a tiny sample double ML is skipped with a warning instead of
  // failing the other four estimators.
  const folds = options.doubleMl?.folds ?? 5;
  const doubleMl = n >= 2 * folds ? estimateDoubleMl(sample, options.doubleMl) : null;
  if (doubleMl === null) warnings.push(`Double ML skipped: ${n} rows are too few for ${folds}-fold cross-fitting (it needs at least ${2 * folds}); pass --folds 2 or use more data.`);
  const estimates = doubleMl === null ? [olsEstimate, imputation, ipw.estimate, aipw] : [olsEstimate, imputation, ipw.estimate, aipw, doubleMl.estimate];

  const weights = summarizeWeights(sample.t, ipw.weights);
  const balance = balanceTable(sample.t, sample.covariates, ipw.weights);
  const treatedSd = _meanSd(sample.y, Int32Array.from({ length: n }, (_, i) => i).filter((i) => sample.t[i] === 1)).sd;
  const controlSd = _meanSd(sample.y, Int32Array.from({ length: n }, (_, i) => i).filter((i) => sample.t[i] === 0)).sd;
  const outcomeSd = Math.sqrt((treatedSd ** 2 + controlSd ** 2) / 2);
  const binaryOutcome = sample.y.every((value) => value === 0 || value === 1);
  const controlRisk = binaryOutcome ? aipwControlMean(sample, propensity.fitted, models.mu0, estimand, aipw.estimate) : Number.NaN;
  const eValue = binaryOutcome && controlRisk > 0 && controlRisk + aipw.estimate > 0 ? eValueForRiskRatio(controlRisk + aipw.estimate, controlRisk, aipw.estimate, aipw.ci95) : eValueForDifference(aipw.estimate, aipw.ci95, outcomeSd);
  const sensitivity = {
    ...eValue,
    statement:
      `Unobserved confounding remains possible: these covariates are all the adjustment there is. To explain away the AIPW estimate, an unmeasured confounder would need a risk-ratio association of at least ${eValue.estimate.toFixed(2)} with both ${treatmentName} and ${outcomeName} beyond the covariates` +
      (eValue.ciLimit > 1 ? ` (${eValue.ciLimit.toFixed(2)} to move the confidence limit to zero)` : "; the confidence interval already includes zero") +
      ` (E-value, VanderWeele & Ding 2017, ${eValue.standardizedEffect === null ? `from the risk ratio ${eValue.riskRatio.toFixed(3)} of the 0/1 outcome` : `with d = ${eValue.standardizedEffect.toFixed(3)} outcome SDs`}).`,
  };
  const decision = observationalDecision({ estimand, estimates, weights, balance, eValue, trimmedRows: dropped.length, n: full.y.length });
  return {
    design: "observational",
    estimand,
    names: { outcome: outcomeName, treatment: treatmentName, covariates: covariateNames },
    n,
    nTreated,
    nControl: n - nTreated,
    assumptions: [
      `No unmeasured confounding (conditional exchangeability): given ${covariateNames.join(", ")}, who got ${treatmentName} is unrelated to the potential outcomes of ${outcomeName}.`,
      `Overlap (positivity): every covariate profile has a chance strictly between 0 and 1 of treatment${estimand === "att" ? " (for the ATT: every treated profile also occurs among controls)" : ""}.`,
      "Consistency and no interference: a unit's outcome depends only on its own treatment, which is one well-defined version.",
      `The covariates are measured before treatment (not consequences of it).`,
    ],
    propensityModel: {
      coefficients: propensity.names.map((name, j) => ({ name, estimate: propensity.coefficients[j] ?? Number.NaN })),
      iterations: propensity.iterations,
      deviance: propensity.deviance,
      refitAfterTrim: dropped.length > 0,
    },
    estimates,
    diagnostics: {
      overlap: overlapHistogram(full.t, firstFit.fitted, options.bins ?? 20),
      propensityRange: { treated: range(firstFit.fitted, full.t, 1), control: range(firstFit.fitted, full.t, 0) },
      balance,
      ...weights,
      trimmed: { level: trim, droppedTreated, droppedControl: dropped.length - droppedTreated, rows: dropped.slice(0, 50).map((row) => row + 1), constantAfterTrim },
      doubleMl: doubleMl === null ? null : { folds: doubleMl.folds, outOfFoldR2: doubleMl.outOfFoldR2, learner: doubleMl.learner },
    },
    sensitivity,
    decision,
    warnings,
  };
}

/**
 * The AIPW estimate of the control potential-outcome mean (the risk p₀ of a 0/1 outcome): for the ATE
 * mean(μ₀ + (1 − T)(y − μ₀)/(1 − e)); for the ATT the treated arm's observed mean minus the ATT.
 */
function aipwControlMean(sample: _Sample, propensity: Float64Array, mu0: Float64Array, estimand: ObservationalEstimand, effect: number): number {
  const { y, t } = sample;
  let sum = 0;
  let treated = 0;
  let treatedSum = 0;
  for (let i = 0; i < y.length; i++) {
    const m0 = mu0[i] ?? 0;
    sum += m0 + (t[i] === 1 ? 0 : ((y[i] ?? 0) - m0) / (1 - (propensity[i] ?? 0)));
    if (t[i] === 1) {
      treated++;
      treatedSum += y[i] ?? 0;
    }
  }
  return estimand === "ate" ? sum / y.length : treatedSum / treated - effect;
}
