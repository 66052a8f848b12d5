import type { LoggedBandit } from "./logged-bandit.js";
import type { ClipOptions } from "./estimate-ips.js";
import { _correctPropensities, _noInterference, _opeEstimate, type OpeEstimate } from "./ope-estimate.js";
import { _checkClip, _importanceWeights } from "./_weights.js";
import { _validateBandit } from "./_validate-bandit.js";

/**
 * Self-normalized IPS V̂ = Σ w_i r_i / Σ w_i (Swaminathan & Joachims 2015), optionally clipped. SE by the
 * delta method for a ratio of means: se² = Σ w_i² (r_i − V̂)² / (Σ w_i)².
 */
export function estimateSnips(data: LoggedBandit, options: ClipOptions = {}): OpeEstimate {
  const n = _validateBandit(data);
  const clip = _checkClip(options.clip);
  const { used } = _importanceWeights(data, n, clip);
  let weightSum = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    weightSum += used[i] ?? 0;
    weighted += (used[i] ?? 0) * (data.reward[i] ?? 0);
  }
  const assumptions = [_correctPropensities, "support: the logger gave positive probability to every action the target takes", _noInterference, "ratio estimator: biased by O(1/n), consistent"];
  if (weightSum === 0) return _opeEstimate("SNIPS", Number.NaN, Number.NaN, n, [...assumptions, "no logged row has positive target weight: SNIPS is undefined"]);
  const value = weighted / weightSum;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((used[i] ?? 0) * ((data.reward[i] ?? 0) - value)) ** 2;
  return _opeEstimate("SNIPS", value, Math.sqrt(squares) / weightSum, n, assumptions);
}
