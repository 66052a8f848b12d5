import type { NumericArray } from "../stats/index.js";
import type { LoggedBandit } from "./logged-bandit.js";
import { _invert } from "./_invert.js";
import { _validateBandit } from "./_validate-bandit.js";

/** Options for {@link fitRewardModel}. */
export interface RewardModelOptions {
  /** Context features (one array per feature, n rows each); none = the per-action mean model. */
  readonly features?: Readonly<Record<string, NumericArray>> | undefined;
  /** Ridge penalty λ on the standardized slopes (the intercept is not penalized); default 1. */
  readonly ridge?: number | undefined;
}

/** One action's fitted regression r ≈ x̃'β on the rows that took it. */
export interface ActionFit {
  readonly action: number;
  readonly rows: number;
  /** β over [1, standardized features…]; only the intercept when the action has too few rows for the features. */
  readonly coefficients: readonly number[];
  /** (X_a'X_a + Λ)⁻¹ (row-major), for the direct method's influence function; null when the action was never logged. */
  readonly inverse: Float64Array | null;
}

/** q̂(x, a): the outcome model the direct method and doubly robust estimators use. */
export interface RewardModel {
  readonly description: string;
  readonly featureNames: readonly string[];
  /** q̂(x_i, a), row-major n × K. */
  readonly predictions: Float64Array;
  readonly fits: readonly ActionFit[];
  /** x̃_i = [1, standardized features of row i]. */
  readonly design: (row: number) => Float64Array;
  /** Actions never logged: q̂ falls back to the overall mean reward there (pure extrapolation). */
  readonly unloggedActions: readonly number[];
}

/**
 * A small, honest reward model for the direct method and DR: a separate ridge regression per action
 * of r on [1, standardized features] (with no features: the per-action mean reward). Actions with fewer
 * than p + 2 rows fall back to their mean; actions never logged fall back to the overall mean (reported).
 * Reference: Dudík, Langford & Li (2011), "Doubly Robust Policy Evaluation and Learning", §2 (q̂ = ρ̂).
 */
export function fitRewardModel(data: LoggedBandit, options: RewardModelOptions = {}): RewardModel {
  const n = _validateBandit(data);
  const k = data.actions;
  const lambda = options.ridge ?? 1;
  if (!(lambda >= 0)) throw new RangeError(`ridge must be ≥ 0, got ${lambda}`);
  const names = Object.keys(options.features ?? {});
  const columns = names.map((name) => options.features?.[name] ?? []);
  columns.forEach((column, j) => {
    if (column.length !== n) throw new RangeError(`feature "${names[j] ?? ""}" has ${column.length} rows, expected ${n}`);
  });
  const standardized = columns.map((column) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += column[i] ?? 0;
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += ((column[i] ?? 0) - mean) ** 2;
    const sd = Math.sqrt(squares / n);
    return Float64Array.from({ length: n }, (_, i) => (sd > 0 ? ((column[i] ?? 0) - mean) / sd : 0));
  });
  const p = 1 + standardized.length;
  const design = (row: number): Float64Array => Float64Array.from({ length: p }, (_, j) => (j === 0 ? 1 : (standardized[j - 1]?.[row] ?? 0)));

  let rewardSum = 0;
  for (let i = 0; i < n; i++) rewardSum += data.reward[i] ?? 0;
  const overallMean = rewardSum / n;
  const rowsByAction: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) rowsByAction[data.loggedAction[i] ?? 0]?.push(i);

  const fits: ActionFit[] = rowsByAction.map((rows, action) => fitAction(action, rows, rows.length >= p + 2 ? p : 1, lambda, design, data.reward, overallMean));
  const predictions = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const x = design(i);
    for (let a = 0; a < k; a++) {
      const beta = fits[a]?.coefficients ?? [overallMean];
      let value = 0;
      for (let j = 0; j < beta.length; j++) value += (beta[j] ?? 0) * (x[j] ?? 0);
      predictions[i * k + a] = value;
    }
  }
  const unloggedActions = fits.filter((fit) => fit.rows === 0).map((fit) => fit.action);
  const description = names.length === 0 ? "per-action mean reward" : `ridge regression per action on [1, ${names.join(", ")}] (standardized, λ = ${lambda})`;
  return { description, featureNames: names, predictions, fits, design, unloggedActions };
}

function fitAction(action: number, rows: readonly number[], p: number, lambda: number, design: (row: number) => Float64Array, reward: NumericArray, overallMean: number): ActionFit {
  if (rows.length === 0) return { action, rows: 0, coefficients: [overallMean], inverse: null };
  const gram = new Float64Array(p * p);
  const moment = new Float64Array(p);
  for (const i of rows) {
    const x = design(i);
    const r = reward[i] ?? 0;
    for (let u = 0; u < p; u++) {
      moment[u] = (moment[u] ?? 0) + (x[u] ?? 0) * r;
      for (let v = 0; v < p; v++) gram[u * p + v] = (gram[u * p + v] ?? 0) + (x[u] ?? 0) * (x[v] ?? 0);
    }
  }
  for (let u = 1; u < p; u++) gram[u * p + u] = (gram[u * p + u] ?? 0) + lambda;
  const inverse = _invert(gram, p);
  if (inverse === null) return fitAction(action, rows, 1, lambda, design, reward, overallMean);
  const coefficients = Array.from({ length: p }, (_, u) => {
    let value = 0;
    for (let v = 0; v < p; v++) value += (inverse[u * p + v] ?? 0) * (moment[v] ?? 0);
    return value;
  });
  return { action, rows: rows.length, coefficients, inverse };
}
