import type { LoggedBandit } from "./logged-bandit.js";
import { _correctPropensities, _meanAndStandardError, _noInterference, _opeEstimate, type OpeEstimate } from "./ope-estimate.js";
import { _checkClip, _importanceWeights } from "./_weights.js";
import { _validateBandit } from "./_validate-bandit.js";

/** Options shared by the weighting estimators. */
export interface ClipOptions {
  /** Clip importance weights at M (min(w, M)): lower variance, biased toward 0·reward; null / absent = no clipping. */
  readonly clip?: number | null | undefined;
}

/**
 * Inverse propensity scoring V̂ = (1/n) Σ w_i r_i with w_i = π(a_i|x_i)/p_i (Horvitz & Thompson 1952;
 * Dudík et al. 2011 eq. 1), optionally clipped at M; SE = sample SD of w_i r_i / √n.
 */
export function estimateIps(data: LoggedBandit, options: ClipOptions = {}): OpeEstimate {
  const n = _validateBandit(data);
  const clip = _checkClip(options.clip);
  const { used } = _importanceWeights(data, n, clip);
  const terms = Float64Array.from(used, (w, i) => w * (data.reward[i] ?? 0));
  const { mean, standardError } = _meanAndStandardError(terms);
  const assumptions = [_correctPropensities, "support: the logger gave positive probability to every action the target takes (else IPS is biased toward 0)", _noInterference];
  if (clip !== null) assumptions.push(`weights clipped at ${clip}: biased (toward 0·reward) wherever a weight exceeds the clip`);
  return _opeEstimate("IPS", mean, standardError, n, assumptions);
}
