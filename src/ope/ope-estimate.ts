import { normalQuantile } from "../stats/index.js";

export type OpeMethod = "DM" | "IPS" | "SNIPS" | "DR";

/** One off-policy value estimate V̂(π) with its normal-approximation standard error and 95 % interval. */
export interface OpeEstimate {
  readonly method: OpeMethod;
  /** What is estimated, in words. */
  readonly estimand: string;
  readonly estimate: number;
  readonly standardError: number;
  readonly ci95: readonly [number, number];
  readonly n: number;
  /** What must hold for the interval to mean what it says. */
  readonly assumptions: readonly string[];
}

/** estimate ± z_{0.975}·se. */
export function _opeEstimate(method: OpeMethod, estimate: number, standardError: number, n: number, assumptions: readonly string[]): OpeEstimate {
  const z = normalQuantile(0.975);
  return { method, estimand: "mean reward per row if the target policy had routed every logged request (V(π))", estimate, standardError, ci95: [estimate - z * standardError, estimate + z * standardError], n, assumptions };
}

/** Mean and standard error √(s²/n) (sample variance, n − 1) of per-row contributions; se 0 for n = 1. */
export function _meanAndStandardError(values: ArrayLike<number>): { readonly mean: number; readonly standardError: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] ?? 0;
  const mean = sum / n;
  if (n < 2) return { mean, standardError: 0 };
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((values[i] ?? 0) - mean) ** 2;
  return { mean, standardError: Math.sqrt(squares / (n - 1) / n) };
}

/** Shared assumption of every estimator here: no interference between rows. */
export const _noInterference = "no interference (SUTVA): a row's reward depends only on its own context and action — false when the policy changes shared state (queues, prefix caches), so a cache-affine target evaluated from other logs is biased";
/** Propensities are the logger's true probabilities. */
export const _correctPropensities = "logged propensities are the logging policy's true probabilities of the logged action";
