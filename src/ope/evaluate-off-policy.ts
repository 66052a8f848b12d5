import { estimateDirectMethod } from "./estimate-direct-method.js";
import { estimateDoublyRobust } from "./estimate-doubly-robust.js";
import { estimateIps } from "./estimate-ips.js";
import { estimateSnips } from "./estimate-snips.js";
import type { LoggedBandit } from "./logged-bandit.js";
import type { OpeEstimate } from "./ope-estimate.js";
import { fitRewardModel, type RewardModelOptions } from "./reward-model.js";
import { weightDiagnostics, type WeightDiagnostics } from "./weight-diagnostics.js";

/** Options for {@link evaluateOffPolicy}. */
export interface EvaluateOffPolicyOptions extends RewardModelOptions {
  readonly clip?: number | null | undefined;
  readonly rareProbability?: number | undefined;
  /** ESS below this share of n draws a warning (default 0.1). */
  readonly minEssShare?: number | undefined;
  /** ESS below this count draws a warning (default 30). */
  readonly minEss?: number | undefined;
}

/** The off-policy readout: DM, IPS, SNIPS and DR with weight diagnostics and plain-language warnings. */
export interface OffPolicyEvaluation {
  readonly design: "ope";
  readonly assumption: string;
  readonly rewardModel: string;
  readonly estimates: readonly OpeEstimate[];
  readonly diagnostics: WeightDiagnostics;
  readonly warnings: readonly string[];
}

/** The identification assumption printed before any number. */
export const opeAssumption =
  "Off-policy evaluation identifies the target policy's mean reward from logs only if (1) the logged propensities are the logging policy's true probabilities, " +
  "(2) the logger gave positive probability to every action the target takes in each state (support), and (3) a request's reward depends only on its own " +
  "context and action (no interference). Routing changes shared state — queues and prefix caches — so (3) fails for cache- or load-sensitive rewards: the logs " +
  "show rewards under the logging policy's cache and queue state, not the state the target policy would create.";

/**
 * Evaluates a target policy from logged bandit data (docs/design.md §7.4): direct method, IPS (optionally clipped),
 * SNIPS and doubly robust, each with SE and 95 % CI, plus ESS / weight / support diagnostics and warnings.
 */
export function evaluateOffPolicy(data: LoggedBandit, options: EvaluateOffPolicyOptions = {}): OffPolicyEvaluation {
  const clip = options.clip ?? null;
  const model = fitRewardModel(data, options);
  const estimates = [estimateDirectMethod(data, model), estimateIps(data, { clip }), estimateSnips(data, { clip }), estimateDoublyRobust(data, model, { clip })];
  const diagnostics = weightDiagnostics(data, { clip, rareProbability: options.rareProbability });
  const warnings: string[] = [];
  const percent = (share: number): string => `${(100 * share).toFixed(1)} %`;
  if (diagnostics.unsupportedMass > 0) {
    warnings.push(
      `No support: ${percent(diagnostics.unsupportedMass)} of the target policy's probability mass is on actions the logger never took in that state` +
        `${diagnostics.supportSource === "inferred" ? " (support inferred: propensity-1 rows are one-hot, other rows only from actions logged anywhere)" : ""}. ` +
        "IPS and SNIPS cannot see those rewards (biased); DM and DR extrapolate them from the reward model. Run controlled exploration first (an ε-exploration wrapper on the router, logging every action's probability).",
    );
  }
  const minEss = options.minEss ?? 30;
  const minEssShare = options.minEssShare ?? 0.1;
  if (diagnostics.ess < minEss || diagnostics.essShare < minEssShare) {
    warnings.push(`Weak support: effective sample size ${diagnostics.ess.toFixed(1)} of ${diagnostics.n} rows (${percent(diagnostics.essShare)}), max weight ${diagnostics.maxWeight.toFixed(1)}: the weighting estimators rest on few rows. Recommend controlled exploration (raise ε) toward the target's actions before deciding.`);
  }
  if (diagnostics.rareMass > 0.1) {
    warnings.push(`Rare support: ${percent(diagnostics.rareMass)} of the target's mass is on actions the logger took with probability < ${diagnostics.rareProbability}; weights there exceed ${(1 / diagnostics.rareProbability).toFixed(0)}.`);
  }
  if (diagnostics.unsupportedMass === 0 && Math.abs(diagnostics.meanWeight - 1) > Math.max(0.05, 4 * diagnostics.meanWeightStandardError)) {
    warnings.push(`Mean importance weight ${diagnostics.meanWeight.toFixed(3)} is far from 1 (SE ${diagnostics.meanWeightStandardError.toFixed(3)}): the logged propensities may be wrong (e.g. of the intended, not the executed, action) or some rows are missing.`);
  }
  if (diagnostics.clippedRows > 0 && clip !== null) {
    warnings.push(`Clipping at ${clip} changed ${diagnostics.clippedRows} row(s): IPS, SNIPS and DR trade bias for variance there.`);
  }
  if (model.unloggedActions.length > 0) warnings.push(`Actions never logged: ${model.unloggedActions.join(", ")} — the reward model has no data for them.`);
  return { design: "ope", assumption: opeAssumption, rewardModel: model.description, estimates, diagnostics, warnings };
}
