import { createApproxPrefixIndex, defaultIndexCapacityBlocks } from "./approx-prefix-index.js";
import type { ReplicaSignals, Router, RouterDecision } from "./router.js";
import { _anyHealthy, _eligible, _joinReasons, _lessLoaded, _leastOutstanding, _noHealthyReason } from "./_view.js";

/** Options for {@link createCacheAwareRouter}. */
export interface CacheAwareOptions {
  /** Imbalanced needs max − min outstanding > this (default 64). */
  readonly absoluteThreshold?: number | undefined;
  /** …and max outstanding > this × min (default 1.5). */
  readonly relativeThreshold?: number | undefined;
  /** Route to the best match only when matched ÷ request blocks > this (default 0.3). */
  readonly matchThreshold?: number | undefined;
  /** Approximate index capacity per replica, in blocks (default 4096). */
  readonly indexCapacityBlocks?: number | undefined;
}

/** SGLang router defaults (REFERENCE.md "Cache-aware with load guard"). */
export const cacheAwareDefaults = { absoluteThreshold: 64, relativeThreshold: 1.5, matchThreshold: 0.3 } as const;

/**
 * Cache-aware routing with a load guard (SGLang router, REFERENCE.md). Load = outstanding. The
 * fleet is *imbalanced* when (max − min) > absoluteThreshold AND max > relativeThreshold × min —
 * both must hold; then the least-loaded replica wins (fallbackReason "imbalanced: …"). Otherwise
 * the request's chained block keys are matched against the router's own approximate index: if
 * matched ÷ request blocks > matchThreshold the longest match wins (ties: least loaded); else the
 * least-loaded replica (fallbackReason "low prefix match: …"). `observe` records the request's
 * blocks under the executed replica. Blocks stand in for SGLang's characters. Deterministic.
 */
export function createCacheAwareRouter(options: CacheAwareOptions = {}): Router {
  const absoluteThreshold = options.absoluteThreshold ?? cacheAwareDefaults.absoluteThreshold;
  const relativeThreshold = options.relativeThreshold ?? cacheAwareDefaults.relativeThreshold;
  const matchThreshold = options.matchThreshold ?? cacheAwareDefaults.matchThreshold;
  const index = createApproxPrefixIndex(options.indexCapacityBlocks ?? defaultIndexCapacityBlocks);
  const decide = (replica: ReplicaSignals, reason: string, fallbackReason: string | null): RouterDecision => ({
    replica: replica.index,
    propensity: 1,
    candidateProbabilities: null,
    reason,
    fallbackReason,
  });
  return {
    name: "cache-aware",
    route(request, view): RouterDecision {
      const anyHealthy = _anyHealthy(view, "cache-aware");
      const healthReason = anyHealthy ? null : _noHealthyReason;
      let maxOutstanding = Number.NEGATIVE_INFINITY;
      let minOutstanding = Number.POSITIVE_INFINITY;
      for (const signals of view) {
        if (!_eligible(signals, anyHealthy)) continue;
        maxOutstanding = Math.max(maxOutstanding, signals.outstanding);
        minOutstanding = Math.min(minOutstanding, signals.outstanding);
      }
      const difference = maxOutstanding - minOutstanding;
      if (difference > absoluteThreshold && maxOutstanding > relativeThreshold * minOutstanding) {
        const least = _leastOutstanding(view, anyHealthy);
        const why = `imbalanced: max − min outstanding ${maxOutstanding} − ${minOutstanding} = ${difference} > ${absoluteThreshold} and ${maxOutstanding} > ${relativeThreshold} × ${minOutstanding}`;
        return decide(least, "least loaded", _joinReasons(healthReason, why));
      }
      const requestBlocks = request.blockKeys.length;
      let best: ReplicaSignals | undefined;
      let bestMatch = -1;
      for (const signals of view) {
        if (!_eligible(signals, anyHealthy)) continue;
        const match = requestBlocks === 0 ? 0 : index.matchBlocks(signals.index, request.blockKeys);
        if (best === undefined || match > bestMatch || (match === bestMatch && _lessLoaded(signals, best))) {
          best = signals;
          bestMatch = match;
        }
      }
      const matchRate = requestBlocks === 0 ? 0 : bestMatch / requestBlocks;
      if (best !== undefined && matchRate > matchThreshold) {
        return decide(best, `longest prefix match ${bestMatch}/${requestBlocks} blocks`, healthReason);
      }
      const least = _leastOutstanding(view, anyHealthy);
      const why = `low prefix match: ${Math.max(bestMatch, 0)}/${requestBlocks} blocks ≤ ${matchThreshold}`;
      return decide(least, "least loaded", _joinReasons(healthReason, why));
    },
    observe(request, replica): void {
      index.record(replica, request.blockKeys);
    },
  };
}
