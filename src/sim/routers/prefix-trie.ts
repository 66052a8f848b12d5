import { createApproxPrefixIndex, defaultIndexCapacityBlocks } from "./approx-prefix-index.js";
import { _argmaxUniformTies, _ScoreBuffer } from "./_choose.js";
import type { ReplicaSignals, Router, RouterDecision } from "./router.js";
import { _anyHealthy, _eligible, _joinReasons, _noHealthyReason } from "./_view.js";

/** Options for {@link createPrefixTrieRouter}. */
export interface PrefixTrieOptions {
  /** Below this longest match (in blocks) fall back to the lowest-QPS replica (default 1). */
  readonly minMatchBlocks?: number | undefined;
  /** Approximate index capacity per replica, in blocks (default 4096). */
  readonly indexCapacityBlocks?: number | undefined;
}

/**
 * Prefix trie (vLLM production stack, REFERENCE.md): the longest match of the request's chained
 * block keys in the router's own approximate index (blocks stand in for its 128-character
 * chunks), uniformly at random among tied replicas; no load term. When the longest match is below
 * `minMatchBlocks`, the replica with the lowest recentRequestsPerSecond wins (ties: lowest index)
 * and fallbackReason says so. `observe` records the blocks under the executed replica.
 */
export function createPrefixTrieRouter(options: PrefixTrieOptions = {}): Router {
  const minMatchBlocks = options.minMatchBlocks ?? 1;
  const index = createApproxPrefixIndex(options.indexCapacityBlocks ?? defaultIndexCapacityBlocks);
  const scratch = new _ScoreBuffer();
  return {
    name: "prefix-trie",
    route(request, view, rng): RouterDecision {
      const anyHealthy = _anyHealthy(view, "prefix-trie");
      const healthReason = anyHealthy ? null : _noHealthyReason;
      const matches = scratch.take(view.length);
      let longest = 0;
      for (let position = 0; position < view.length; position++) {
        const signals = view[position];
        if (signals === undefined || !_eligible(signals, anyHealthy)) {
          matches[position] = Number.NEGATIVE_INFINITY;
          continue;
        }
        const match = index.matchBlocks(signals.index, request.blockKeys);
        matches[position] = match;
        longest = Math.max(longest, match);
      }
      if (longest < minMatchBlocks) {
        let quietest: ReplicaSignals | undefined;
        for (const signals of view) {
          if (!_eligible(signals, anyHealthy)) continue;
          if (quietest === undefined || signals.recentRequestsPerSecond < quietest.recentRequestsPerSecond) quietest = signals;
        }
        return {
          replica: quietest?.index ?? -1,
          propensity: 1,
          candidateProbabilities: null,
          reason: `lowest QPS (${(quietest?.recentRequestsPerSecond ?? 0).toFixed(2)} req/s)`,
          fallbackReason: _joinReasons(healthReason, `longest prefix match ${longest} < minMatchBlocks ${minMatchBlocks}`),
        };
      }
      const choice = _argmaxUniformTies(matches, view.length, rng);
      return {
        replica: view[choice.position]?.index ?? -1,
        propensity: choice.propensity,
        candidateProbabilities: choice.probabilities,
        reason: `longest prefix match ${longest}/${request.blockKeys.length} blocks`,
        fallbackReason: healthReason,
      };
    },
    observe(request, replica): void {
      index.record(replica, request.blockKeys);
    },
  };
}
