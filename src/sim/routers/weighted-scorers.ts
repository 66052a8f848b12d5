import { createApproxPrefixIndex, defaultIndexCapacityBlocks } from "./approx-prefix-index.js";
import { _argmaxUniformTies, _ScoreBuffer } from "./_choose.js";
import type { Router, RouterDecision } from "./router.js";
import { _anyHealthy, _eligible, _noHealthyReason } from "./_view.js";

/** Weights of the three llm-d scorers. */
export interface ScorerWeights {
  readonly queue: number;
  readonly kvUtilization: number;
  readonly prefix: number;
}

/** llm-d inference-scheduler defaults (REFERENCE.md "Weighted scorers"): queue 2, KV 2, prefix 3. */
export const defaultScorerWeights: ScorerWeights = { queue: 2, kvUtilization: 2, prefix: 3 };

/** Options for {@link createWeightedScorersRouter}. */
export interface WeightedScorersOptions {
  /** Any weight left out keeps its default. */
  readonly weights?: { readonly [K in keyof ScorerWeights]?: number | undefined } | undefined;
  /** Approximate index capacity per replica, in blocks (default 4096). */
  readonly indexCapacityBlocks?: number | undefined;
}

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

/**
 * Weighted scorers (llm-d inference scheduler, REFERENCE.md): score = Σ wᵢ·clamp(sᵢ, 0, 1) over
 * healthy replicas with
 *   queue  = (max_q − q) ÷ (max_q − min_q), 1 when every queue is equal (q = queueDepth),
 *   kv     = 1 − kvUtilization,
 *   prefix = matched blocks ÷ prompt blocks from the router's own approximate index (0 if none);
 * the maximum wins, ties uniformly at random (propensity 1/#tied). `observe` records the blocks.
 */
export function createWeightedScorersRouter(options: WeightedScorersOptions = {}): Router {
  const weights: ScorerWeights = { ...defaultScorerWeights, ...stripUndefined(options.weights) };
  const index = createApproxPrefixIndex(options.indexCapacityBlocks ?? defaultIndexCapacityBlocks);
  const scratch = new _ScoreBuffer();
  return {
    name: "weighted-scorers",
    route(request, view, rng): RouterDecision {
      const anyHealthy = _anyHealthy(view, "weighted-scorers");
      let maxQueue = Number.NEGATIVE_INFINITY;
      let minQueue = Number.POSITIVE_INFINITY;
      for (const signals of view) {
        if (!_eligible(signals, anyHealthy)) continue;
        maxQueue = Math.max(maxQueue, signals.queueDepth);
        minQueue = Math.min(minQueue, signals.queueDepth);
      }
      const promptBlocks = request.blockKeys.length;
      const scores = scratch.take(view.length);
      for (let position = 0; position < view.length; position++) {
        const signals = view[position];
        if (signals === undefined || !_eligible(signals, anyHealthy)) {
          scores[position] = Number.NEGATIVE_INFINITY;
          continue;
        }
        const queueScore = maxQueue === minQueue ? 1 : (maxQueue - signals.queueDepth) / (maxQueue - minQueue);
        const kvScore = 1 - signals.kvUtilization;
        const prefixScore = promptBlocks === 0 ? 0 : index.matchBlocks(signals.index, request.blockKeys) / promptBlocks;
        scores[position] =
          weights.queue * clamp01(queueScore) + weights.kvUtilization * clamp01(kvScore) + weights.prefix * clamp01(prefixScore);
      }
      const choice = _argmaxUniformTies(scores, view.length, rng);
      const chosen = view[choice.position];
      return {
        replica: chosen?.index ?? -1,
        propensity: choice.propensity,
        candidateProbabilities: choice.probabilities,
        reason: `max weighted score ${(scores[choice.position] ?? 0).toFixed(3)}`,
        fallbackReason: anyHealthy ? null : _noHealthyReason,
      };
    },
    observe(request, replica): void {
      index.record(replica, request.blockKeys);
    },
  };
}

function stripUndefined(weights: WeightedScorersOptions["weights"]): Partial<ScorerWeights> {
  const result: { -readonly [K in keyof ScorerWeights]?: number } = {};
  if (weights?.queue !== undefined) result.queue = weights.queue;
  if (weights?.kvUtilization !== undefined) result.kvUtilization = weights.kvUtilization;
  if (weights?.prefix !== undefined) result.prefix = weights.prefix;
  return result;
}
