import type { ClipOptions } from "./estimate-ips.js";
import type { LoggedBandit } from "./logged-bandit.js";
import { _correctPropensities, _meanAndStandardError, _noInterference, _opeEstimate, type OpeEstimate } from "./ope-estimate.js";
import type { RewardModel } from "./reward-model.js";
import { _checkClip, _importanceWeights } from "./_weights.js";
import { _validateBandit } from "./_validate-bandit.js";

/**
 * Doubly robust V̂ = (1/n) Σ_i [Σ_a π(a|x_i) q̂(x_i, a) + w_i (r_i − q̂(x_i, a_i))] (Dudík, Langford & Li 2011,
 * eq. 2): unbiased when either the propensities or the reward model are right. SE = sample SD of the per-row
 * terms / √n (their influence function, q̂ held fixed). Optional weight clipping at M.
 */
export function estimateDoublyRobust(data: LoggedBandit, model: RewardModel, options: ClipOptions = {}): OpeEstimate {
  const n = _validateBandit(data);
  const k = data.actions;
  if (model.predictions.length !== n * k) throw new RangeError(`reward model has ${model.predictions.length} predictions, expected n × K = ${n * k}`);
  const clip = _checkClip(options.clip);
  const terms = _doublyRobustTerms(data, model, clip);
  const { mean, standardError } = _meanAndStandardError(terms);
  const assumptions = [`${_correctPropensities} OR the reward model (${model.description}) is correct (double robustness)`, "where the logger never took the target's action, only the reward model speaks (extrapolation)", _noInterference];
  if (clip !== null) assumptions.push(`weights clipped at ${clip}: the correction term is biased wherever a weight exceeds the clip`);
  return _opeEstimate("DR", mean, standardError, n, assumptions);
}

/** The per-row doubly robust terms Σ_a π(a|x_i) q̂(x_i, a) + w_i (r_i − q̂(x_i, a_i)) (their mean is V̂_DR). */
export function _doublyRobustTerms(data: LoggedBandit, model: RewardModel, clip: number | null): Float64Array {
  const n = data.loggedAction.length;
  const k = data.actions;
  const { used } = _importanceWeights(data, n, clip);
  const terms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let plugIn = 0;
    for (let a = 0; a < k; a++) plugIn += (data.target[i * k + a] ?? 0) * (model.predictions[i * k + a] ?? 0);
    const action = data.loggedAction[i] ?? 0;
    terms[i] = plugIn + (used[i] ?? 0) * ((data.reward[i] ?? 0) - (model.predictions[i * k + action] ?? 0));
  }
  return terms;
}

/**
 * Value of the target minus the logging policy, V̂_DR(π) − V(π0), where V(π0) is the on-policy mean logged reward: the
 * mean of the paired per-row differences ψ_i − r_i, so the SE carries their covariance (same rows, q̂ held fixed).
 */
export function estimatePolicyImprovement(data: LoggedBandit, model: RewardModel, options: ClipOptions = {}): OpeEstimate & { readonly loggingValue: number } {
  const n = _validateBandit(data);
  const terms = _doublyRobustTerms(data, model, _checkClip(options.clip));
  const differences = Float64Array.from(terms, (term, i) => term - (data.reward[i] ?? 0));
  const { mean, standardError } = _meanAndStandardError(differences);
  const { mean: loggingValue } = _meanAndStandardError(data.reward);
  const estimate = _opeEstimate("DR", mean, standardError, n, ["the DR value's assumptions (propensities OR reward model correct)", "the logging policy's value is the mean logged reward (on-policy)", _noInterference]);
  return { ...estimate, estimand: "V(π) − V(π0): mean reward per row under the target minus under the logging policy", loggingValue };
}
