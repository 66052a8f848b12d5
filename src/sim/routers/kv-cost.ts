import { createApproxPrefixIndex, defaultIndexCapacityBlocks } from "./approx-prefix-index.js";
import { _argmaxUniformTies, _sampleCategorical, _ScoreBuffer } from "./_choose.js";
import type { Router, RouterDecision } from "./router.js";
import { _anyHealthy, _eligible, _noHealthyReason } from "./_view.js";

/** Options for {@link createKvCostRouter}. */
export interface KvCostOptions {
  /** w in cost = w·prefill_blocks + decode_blocks (Dynamo's overlap score weight, default 1). */
  readonly prefillWeight?: number | undefined;
  /** 0 (default): lowest cost wins; > 0: softmax sampling over range-normalised costs. */
  readonly temperature?: number | undefined;
  /** Approximate index capacity per replica, in blocks (default 4096). */
  readonly indexCapacityBlocks?: number | undefined;
}

/**
 * KV cost router (NVIDIA Dynamo, REFERENCE.md): for each healthy replica
 *   prefill_blocks = (queuedPrefillTokens + promptTokens − matched blocks × blockSizeTokens) ÷ blockSizeTokens
 *   decode_blocks  = kvUtilization × kvTotalBlocks + ceil(promptTokens ÷ blockSizeTokens)
 *   cost           = w · prefill_blocks + decode_blocks   (blocks)
 * with matched blocks from the router's own approximate index. Temperature 0: the lowest cost
 * wins, ties uniformly at random. Temperature T > 0: costs are range-normalised,
 * z = (cost − min) ÷ (max − min) ∈ [0, 1] (all equal ⇒ z = 0), and the replica is sampled from
 * softmax(−z ÷ T); every candidate's probability is reported. `observe` records the blocks.
 */
export function createKvCostRouter(options: KvCostOptions = {}): Router {
  const prefillWeight = options.prefillWeight ?? 1;
  const temperature = options.temperature ?? 0;
  const index = createApproxPrefixIndex(options.indexCapacityBlocks ?? defaultIndexCapacityBlocks);
  const scratch = new _ScoreBuffer();
  return {
    name: "kv-cost",
    route(request, view, rng): RouterDecision {
      const anyHealthy = _anyHealthy(view, "kv-cost");
      const blockSize = request.blockSizeTokens;
      const newBlocks = Math.ceil(request.promptTokens / blockSize);
      const costs = scratch.take(view.length);
      let minCost = Number.POSITIVE_INFINITY;
      let maxCost = Number.NEGATIVE_INFINITY;
      for (let position = 0; position < view.length; position++) {
        const signals = view[position];
        if (signals === undefined || !_eligible(signals, anyHealthy)) {
          costs[position] = Number.NaN;
          continue;
        }
        const matchedTokens = index.matchBlocks(signals.index, request.blockKeys) * blockSize;
        const prefillBlocks = (signals.queuedPrefillTokens + request.promptTokens - matchedTokens) / blockSize;
        const decodeBlocks = signals.kvUtilization * signals.kvTotalBlocks + newBlocks;
        const cost = prefillWeight * prefillBlocks + decodeBlocks;
        costs[position] = cost;
        minCost = Math.min(minCost, cost);
        maxCost = Math.max(maxCost, cost);
      }
      const fallbackReason = anyHealthy ? null : _noHealthyReason;
      if (temperature <= 0) {
        for (let position = 0; position < view.length; position++) {
          const cost = costs[position] ?? Number.NaN;
          costs[position] = Number.isNaN(cost) ? Number.NEGATIVE_INFINITY : -cost;
        }
        const choice = _argmaxUniformTies(costs, view.length, rng);
        return {
          replica: view[choice.position]?.index ?? -1,
          propensity: choice.propensity,
          candidateProbabilities: choice.probabilities,
          reason: `lowest KV cost ${(-(costs[choice.position] ?? 0)).toFixed(2)} blocks`,
          fallbackReason,
        };
      }
      const range = maxCost - minCost;
      const probabilities = new Array<number>(view.length).fill(0);
      let total = 0;
      for (let position = 0; position < view.length; position++) {
        const cost = costs[position] ?? Number.NaN;
        if (Number.isNaN(cost)) continue;
        const normalised = range > 0 ? (cost - minCost) / range : 0;
        const weight = Math.exp(-normalised / temperature);
        probabilities[position] = weight;
        total += weight;
      }
      for (let position = 0; position < view.length; position++) probabilities[position] = (probabilities[position] ?? 0) / total;
      const chosen = _sampleCategorical(probabilities, rng);
      return {
        replica: view[chosen]?.index ?? -1,
        propensity: probabilities[chosen] ?? 0,
        candidateProbabilities: probabilities,
        reason: `softmax over KV cost (T = ${temperature}): cost ${(costs[chosen] ?? 0).toFixed(2)} blocks`,
        fallbackReason,
      };
    },
    observe(request, replica): void {
      index.record(replica, request.blockKeys);
    },
  };
}
