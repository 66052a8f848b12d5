import type { LoggedBandit } from "./logged-bandit.js";
import { _meanAndStandardError, _noInterference, _opeEstimate, type OpeEstimate } from "./ope-estimate.js";
import type { RewardModel } from "./reward-model.js";
import { _validateBandit } from "./_validate-bandit.js";

/**
 * Direct method V̂ = (1/n) Σ_i Σ_a π(a|x_i) q̂(x_i, a) (Dudík et al. 2011 §2). Its SE is the influence
 * function of that plug-in with q̂ a per-action (ridge) regression: ψ_i = ŷ_i + n·g_{a_i}'(X_a'X_a + Λ)⁻¹ x̃_i e_i,
 * g_a = (1/n) Σ_j π(a|x_j) x̃_j — it counts the model's sampling noise but not its misspecification bias.
 */
export function estimateDirectMethod(data: LoggedBandit, model: RewardModel): OpeEstimate {
  const n = _validateBandit(data);
  const k = data.actions;
  if (model.predictions.length !== n * k) throw new RangeError(`reward model has ${model.predictions.length} predictions, expected n × K = ${n * k}`);
  const gradients = model.fits.map((fit) => new Float64Array(fit.coefficients.length));
  const plugIn = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = model.design(i);
    let value = 0;
    for (let a = 0; a < k; a++) {
      const pi = data.target[i * k + a] ?? 0;
      value += pi * (model.predictions[i * k + a] ?? 0);
      const gradient = gradients[a];
      if (gradient === undefined || pi === 0) continue;
      for (let j = 0; j < gradient.length; j++) gradient[j] = (gradient[j] ?? 0) + (pi * (x[j] ?? 0)) / n;
    }
    plugIn[i] = value;
  }
  const influence = Float64Array.from(plugIn);
  for (let i = 0; i < n; i++) {
    const action = data.loggedAction[i] ?? 0;
    const fit = model.fits[action];
    const gradient = gradients[action];
    if (fit?.inverse == null || gradient === undefined) continue;
    const p = fit.coefficients.length;
    const x = model.design(i);
    const residual = (data.reward[i] ?? 0) - (model.predictions[i * k + action] ?? 0);
    let leverage = 0;
    for (let u = 0; u < p; u++) for (let v = 0; v < p; v++) leverage += (gradient[u] ?? 0) * (fit.inverse[u * p + v] ?? 0) * (x[v] ?? 0);
    influence[i] = (influence[i] ?? 0) + n * leverage * residual;
  }
  let sum = 0;
  for (const value of plugIn) sum += value;
  const { standardError } = _meanAndStandardError(influence);
  const assumptions = [`the reward model (${model.description}) is correctly specified for every action the target takes`, "SE counts the model's sampling noise, not its misspecification bias", _noInterference];
  if (model.unloggedActions.length > 0) assumptions.push(`actions ${model.unloggedActions.join(", ")} were never logged: their q̂ is the overall mean (extrapolation)`);
  return _opeEstimate("DM", sum / n, standardError, n, assumptions);
}
