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
  const { used } = _importanceWeights(data, n, clip);
  const terms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let plugIn = 0;
    for (let a = 0; a < k; a++) plugIn += (data.target[i * k + a] ?? 0) * (model.predictions[i * k + a] ?? 0);
    const action = data.loggedAction[i] ?? 0;
    terms[i] = plugIn + (used[i] ?? 0) * ((data.reward[i] ?? 0) - (model.predictions[i * k + action] ?? 0));
  }
  const { mean, standardError } = _meanAndStandardError(terms);
  const assumptions = [`${_correctPropensities} OR the reward model (${model.description}) is correct (double robustness)`, "where the logger never took the target's action, only the reward model speaks (extrapolation)", _noInterference];
  if (clip !== null) assumptions.push(`weights clipped at ${clip}: the correction term is biased wherever a weight exceeds the clip`);
  return _opeEstimate("DR", mean, standardError, n, assumptions);
}
