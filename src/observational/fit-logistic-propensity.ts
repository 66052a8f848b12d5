import { _fail } from "../stats/_validate.js";
import { _checkSeparation } from "./_check-separation.js";
import { _designMatrix, _inverseSpd, _matrixVector, _meanSd, _rowDot, _weightedCrossProducts, type _Matrix } from "./_linear-algebra.js";

/** A logistic propensity model e(x) = P(T = 1 | x) fitted by maximum likelihood. */
export interface PropensityFit {
  /** "(Intercept)" then the covariates, in input order. */
  readonly names: readonly string[];
  /** Coefficients on the covariates' own scale (as R's glm reports them). */
  readonly coefficients: Float64Array;
  /** Fitted propensities, one per row. */
  readonly fitted: Float64Array;
  readonly iterations: number;
  readonly deviance: number;
  /** The design the fit used internally: intercept + covariates centred and scaled to SD 1 (better conditioned). */
  readonly design: _Matrix;
  /** (1/n Σ e(1 − e) x xᵀ)⁻¹ on that design: the inverse Fisher information per row, for influence functions. */
  readonly inverseInformation: Float64Array;
}

export interface LogisticOptions {
  /** Newton iterations before giving up (default 50). */
  readonly maxIterations?: number;
  /** Stop when |Δdeviance| / (|deviance| + 0.1) falls below this (R's glm criterion; default 1e-12). */
  readonly tolerance?: number;
}

/** Propensities this close to 0 or 1 are treated as zero / one: the weights 1/e or 1/(1 − e) would be unbounded. */
export const degeneratePropensity = 1e-10;

const logistic = (eta: number): number => (eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta)));
/** −2 log-likelihood contribution, computed from the linear predictor so it stays finite near 0 and 1. */
const devianceTerm = (t: number, eta: number): number => 2 * (Math.max(eta, 0) + Math.log1p(Math.exp(-Math.abs(eta))) - t * eta);

/**
 * Logistic regression of the treatment on the covariates by iteratively reweighted least squares (Newton–Raphson on the
 * log-likelihood, McCullagh & Nelder 1989 §4.4; step halving when the deviance rises). Refuses, naming the covariate:
 * a constant covariate, collinear covariates, separation by one covariate, non-convergence and fitted propensities of
 * 0 or 1 (quasi-separation by a combination of covariates).
 */
export function fitLogisticPropensity(treatment: Uint8Array, covariates: Readonly<Record<string, Float64Array>>, options: LogisticOptions = {}): PropensityFit {
  const where = "fitLogisticPropensity";
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-12;
  const names = Object.keys(covariates);
  const n = treatment.length;
  const scales = names.map((name) => {
    const { mean, sd } = _meanSd(covariates[name] ?? new Float64Array(0));
    if (!(sd > 0)) _fail(where, `covariate "${name}" is constant (${covariates[name]?.[0] ?? Number.NaN} on all ${n} rows); it cannot predict treatment — drop it`);
    return { mean, sd };
  });
  _checkSeparation(where, treatment, covariates);
  const standardized = names.map((name, j) => {
    const { mean, sd } = scales[j] ?? { mean: 0, sd: 1 };
    return Float64Array.from(covariates[name] ?? [], (value) => (value - mean) / sd);
  });
  const design = _designMatrix(standardized, { intercept: true });
  const k = design.k;
  const treatedShare = treatment.reduce((sum, t) => sum + t, 0) / n;
  let beta = new Float64Array(k);
  beta[0] = Math.log(treatedShare / (1 - treatedShare));
  const eta = new Float64Array(n);
  const devianceAt = (coefficients: Float64Array): number => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      eta[i] = _rowDot(design, i, coefficients);
      total += devianceTerm(treatment[i] ?? 0, eta[i] ?? 0);
    }
    return total;
  };
  let deviance = devianceAt(beta);
  let iterations = 0;
  let converged = false;
  const fitted = new Float64Array(n);
  const weights = new Float64Array(n);
  const residual = new Float64Array(n);
  while (iterations < maxIterations && !converged) {
    iterations++;
    for (let i = 0; i < n; i++) {
      const e = logistic(eta[i] ?? 0);
      fitted[i] = e;
      weights[i] = e * (1 - e);
      residual[i] = (treatment[i] ?? 0) - e;
    }
    const { xtx } = _weightedCrossProducts(design, null, weights);
    const { xty: score } = _weightedCrossProducts(design, residual, null);
    const inverse = _inverseSpd(xtx, k);
    if (inverse === null) _fail(where, `the covariates (${names.join(", ")}) are collinear, or the fit ran into separation (weights e(1 − e) collapsed to 0); drop the redundant covariate or the one that separates the arms`);
    const step = _matrixVector(inverse, score, k);
    let scale = 1;
    let candidate = Float64Array.from(beta, (value, j) => value + (step[j] ?? 0));
    let candidateDeviance = devianceAt(candidate);
    // Newton on the logistic log-likelihood can overshoot far from the optimum; halve until the deviance does not rise.
    while (!(candidateDeviance <= deviance * (1 + 1e-12)) && scale > 1e-6) {
      scale /= 2;
      candidate = Float64Array.from(beta, (value, j) => value + scale * (step[j] ?? 0));
      candidateDeviance = devianceAt(candidate);
    }
    converged = Math.abs(candidateDeviance - deviance) / (Math.abs(candidateDeviance) + 0.1) < tolerance;
    beta = candidate;
    deviance = candidateDeviance;
  }
  for (let i = 0; i < n; i++) fitted[i] = logistic(eta[i] ?? 0);
  const drivers = (): string =>
    names
      .map((name, j) => ({ name, size: Math.abs(beta[j + 1] ?? 0) }))
      .sort((a, b) => b.size - a.size)
      .slice(0, 3)
      .map((entry) => `"${entry.name}" (${entry.size.toPrecision(3)} log-odds per SD)`)
      .join(", ");
  if (!converged) _fail(where, `the logistic propensity model did not converge in ${maxIterations} Newton steps; the largest coefficients are ${drivers()} — separation by a combination of covariates is likely: drop or coarsen those covariates or restrict the rows to where both arms occur`);
  const degenerate: number[] = [];
  fitted.forEach((e, row) => {
    if (e < degeneratePropensity || e > 1 - degeneratePropensity) degenerate.push(row);
  });
  if (degenerate.length > 0) {
    _fail(
      where,
      `${degenerate.length} row(s) get a fitted propensity of 0 or 1 (within ${degeneratePropensity}; rows ${degenerate.slice(0, 5).map((row) => `${row + 1} (e = ${(fitted[row] ?? 0).toExponential(2)})`).join(", ")}${degenerate.length > 5 ? ", …" : ""}): ` +
        `a combination of covariates (largest: ${drivers()}) (quasi-)separates the arms, so those rows have no comparable counterparts. Fix: restrict the rows to the region where both arms occur, or drop or coarsen those covariates`,
    );
  }
  for (let i = 0; i < n; i++) weights[i] = (fitted[i] ?? 0) * (1 - (fitted[i] ?? 0));
  const information = _weightedCrossProducts(design, null, weights).xtx.map((value) => value / n);
  const inverseInformation = _inverseSpd(information, k);
  if (inverseInformation === null) _fail(where, "the propensity model's information matrix is singular; drop redundant covariates");
  const coefficients = new Float64Array(k);
  let intercept = beta[0] ?? 0;
  names.forEach((_, j) => {
    const { mean, sd } = scales[j] ?? { mean: 0, sd: 1 };
    coefficients[j + 1] = (beta[j + 1] ?? 0) / sd;
    intercept -= ((beta[j + 1] ?? 0) * mean) / sd;
  });
  coefficients[0] = intercept;
  return { names: ["(Intercept)", ...names], coefficients, fitted, iterations, deviance, design, inverseInformation };
}
