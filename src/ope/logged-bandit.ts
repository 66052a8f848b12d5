import type { NumericArray } from "../stats/index.js";

/**
 * Logged contextual-bandit data for off-policy evaluation (docs/design.md §7.4): for every row i the logged
 * action a_i ∈ {0, …, K−1}, its logged propensity p_i = π0(a_i | x_i), the reward r_i, and the
 * target policy's probability of every action π(a | x_i).
 */
export interface LoggedBandit {
  /** Number of actions K (replicas); actions are 0 … K−1. */
  readonly actions: number;
  /** a_i, the action the logging policy took (its propensity is p_i). */
  readonly loggedAction: ArrayLike<number>;
  /** p_i = π0(a_i | x_i), in (0, 1]. */
  readonly propensity: NumericArray;
  /** r_i, larger is better (negate latencies and costs). */
  readonly reward: NumericArray;
  /** π(a | x_i), row-major n × K; each row sums to 1. */
  readonly target: NumericArray;
  /**
   * π0(a | x_i), row-major n × K, when the logger recorded every action's probability (a row of
   * NaN = not recorded for that row). Used only for the support check.
   */
  readonly logging?: NumericArray | null | undefined;
}
