import { createRng } from "../numeric/rng.js";
import { _fail } from "../stats/_validate.js";
import { _designMatrix } from "./_linear-algebra.js";
import type { _Sample } from "./_sample.js";
import { fitRidge } from "./fit-ridge.js";
import { expandSplineBasis, planSplineBasis, type SplinePlanOptions } from "./natural-spline-basis.js";
import { _observationalEstimate, type ObservationalEstimate } from "./observational-estimate.js";

export interface DoubleMlOptions extends SplinePlanOptions {
  /** Number of cross-fitting folds (default 5). */
  readonly folds?: number;
  /** Seed of the random fold assignment (default 1). */
  readonly seed?: number;
  /** A fixed fold per row, 0 … folds − 1 (overrides the seeded assignment; for reproducing another implementation). */
  readonly foldOf?: ArrayLike<number>;
  /** Ridge penalty of both nuisance learners: "gcv" (default) or a fixed λ ≥ 0. */
  readonly penalty?: number | "gcv";
}

/** The DML estimate plus how well the cross-fitted nuisance learners predicted out of fold. */
export interface DoubleMlResult {
  readonly estimate: ObservationalEstimate;
  readonly folds: number;
  /** Out-of-fold R² of ℓ(x) = E[y | x] and m(x) = E[T | x]. */
  readonly outOfFoldR2: { readonly outcome: number; readonly treatment: number };
  /** The learner, in words. */
  readonly learner: string;
}

/** Balanced random folds: a seeded Fisher–Yates permutation, row at position p goes to fold p mod K. */
export function assignFolds(n: number, folds: number, seed: number): Int32Array {
  const rng = createRng(seed, "double-ml-folds");
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const swap = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = swap;
  }
  const foldOf = new Int32Array(n);
  order.forEach((row, position) => {
    foldOf[row] = position % folds;
  });
  return foldOf;
}

/**
 * Double/debiased machine learning for the partially linear model y = θT + g(x) + ε, T = m(x) + v (Chernozhukov et al.
 * 2018, Econometrics J. 21:C1, §4.1, DML2 with the partialling-out score): ℓ(x) = E[y | x] and m(x) = E[T | x] are learned
 * on K − 1 folds and predicted on the held-out fold; θ = Σ ṽỹ / Σ ṽ² on the out-of-fold residuals ỹ = y − ℓ̂, ṽ = T − m̂;
 * Var θ = E[ψ²] / (E[ṽ²])² / n with ψ = (ỹ − θṽ)ṽ. Learner: ridge regression on a natural cubic spline basis of each
 * covariate, penalty by GCV within the training folds.
 */
export function estimateDoubleMl(sample: _Sample, options: DoubleMlOptions = {}): DoubleMlResult {
  const where = "estimateDoubleMl";
  const { y, t, covariates } = sample;
  const n = y.length;
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) _fail(where, `folds = ${folds}; cross-fitting needs a whole number of at least 2 folds`);
  if (n < 2 * folds) _fail(where, `${n} rows are too few for ${folds} folds; use fewer folds`);
  const foldOf = options.foldOf === undefined ? assignFolds(n, folds, options.seed ?? 1) : Int32Array.from(options.foldOf);
  if (foldOf.length !== n) _fail(where, `foldOf has ${foldOf.length} entries for ${n} rows`);
  const treatment = Float64Array.from(t);
  const outcomeHat = new Float64Array(n);
  const treatmentHat = new Float64Array(n);
  for (let fold = 0; fold < folds; fold++) {
    const train: number[] = [];
    const test: number[] = [];
    foldOf.forEach((value, row) => (value === fold ? test : train).push(row));
    if (test.length === 0) _fail(where, `fold ${fold} is empty; use fewer folds`);
    const terms = planSplineBasis(covariates, train, options);
    const trainDesign = _designMatrix(expandSplineBasis(terms, covariates, train), { intercept: false });
    const testDesign = _designMatrix(expandSplineBasis(terms, covariates, test), { intercept: false });
    const trainRows = Int32Array.from(train);
    const penalty = options.penalty ?? "gcv";
    const outcomeFit = fitRidge(trainDesign, Float64Array.from(trainRows, (row) => y[row] ?? 0), { penalty });
    const treatmentFit = fitRidge(trainDesign, Float64Array.from(trainRows, (row) => treatment[row] ?? 0), { penalty });
    const outcomePrediction = outcomeFit.predict(testDesign);
    const treatmentPrediction = treatmentFit.predict(testDesign);
    test.forEach((row, i) => {
      outcomeHat[row] = outcomePrediction[i] ?? 0;
      treatmentHat[row] = treatmentPrediction[i] ?? 0;
    });
  }
  let crossProduct = 0;
  let treatmentSquares = 0;
  for (let i = 0; i < n; i++) {
    const v = (treatment[i] ?? 0) - (treatmentHat[i] ?? 0);
    crossProduct += v * ((y[i] ?? 0) - (outcomeHat[i] ?? 0));
    treatmentSquares += v * v;
  }
  if (!(treatmentSquares > 0)) _fail(where, "the treatment is perfectly predicted by the covariates out of fold (no residual variation); there is no overlap to learn an effect from");
  const theta = crossProduct / treatmentSquares;
  let scoreSquares = 0;
  for (let i = 0; i < n; i++) {
    const v = (treatment[i] ?? 0) - (treatmentHat[i] ?? 0);
    const psi = ((y[i] ?? 0) - (outcomeHat[i] ?? 0) - theta * v) * v;
    scoreSquares += psi * psi;
  }
  const j = treatmentSquares / n;
  const r2 = (actual: ArrayLike<number>, predicted: Float64Array): number => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (actual[i] ?? 0) / n;
    let residual = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      residual += ((actual[i] ?? 0) - (predicted[i] ?? 0)) ** 2;
      total += ((actual[i] ?? 0) - mean) ** 2;
    }
    return total > 0 ? 1 - residual / total : Number.NaN;
  };
  const learner = `ridge on natural cubic splines (knots at the 20/40/60/80 % quantiles, covariates with < ${options.minDistinct ?? 10} distinct values linear), penalty ${options.penalty === undefined || options.penalty === "gcv" ? "by GCV" : `λ = ${options.penalty}`}`;
  const estimate = _observationalEstimate({
    method: "double-ml",
    label: `double ML, partially linear model, ${folds}-fold cross-fitting; ${learner}`,
    estimand: "θ of y = θT + g(x) + ε (the ATE if the effect is constant; otherwise an overlap-weighted average of conditional effects)",
    estimate: theta,
    standardError: Math.sqrt(scoreSquares / n / (j * j) / n),
    n,
    standardErrorMethod: "DML sandwich E[ψ²]/E[ṽ²]²/n (Chernozhukov et al. 2018)",
    assumptions: ["the effect does not vary with the covariates (or the overlap-weighted average is the target)", "the learners approximate E[y | x] and E[T | x] well (product of their errors o(n^-1/2))"],
  });
  return { estimate, folds, outOfFoldR2: { outcome: r2(y, outcomeHat), treatment: r2(treatment, treatmentHat) }, learner };
}
