import { mixedStringHash } from "../../numeric/hash.js";
import { _hashNumber } from "./_hash.js";
import { _HashRing, defaultVirtualNodes } from "./_hash-ring.js";
import type { RoutedRequest, Router, RouterDecision } from "./router.js";
import { _anyHealthy, _eligible, _joinReasons, _leastOutstanding, _noHealthyReason } from "./_view.js";

/** Options for {@link createPrefixHashRouter}. */
export interface PrefixHashOptions {
  /** Fall back when the target's outstanding exceeds loadFactor × the mean (default 1.25). */
  readonly loadFactor?: number | undefined;
  /** Prompt tokens hashed onto the ring (default 256). */
  readonly prefixTokens?: number | undefined;
  /** Virtual nodes per replica on the ring (default 100). */
  readonly virtualNodes?: number | undefined;
}

/** REFERENCE.md "Prefix hash with bounded load": 1.25 × the average load. */
export const defaultLoadFactor = 1.25;
/** REFERENCE.md "Prefix hash with bounded load": hash the first 256 tokens. */
export const defaultPrefixTokens = 256;

/**
 * The ring key: the chained key of the block covering the first `prefixTokens` tokens (it
 * identifies that whole prefix), else the last full block, else the session id, else the request id.
 */
function prefixRingHash(request: RoutedRequest, prefixTokens: number): number {
  const keys = request.blockKeys;
  if (keys.length > 0) {
    const covering = Math.ceil(prefixTokens / request.blockSizeTokens) - 1;
    return _hashNumber(keys[Math.min(Math.max(covering, 0), keys.length - 1)] ?? 0);
  }
  return request.sessionId === null ? _hashNumber(request.id) : mixedStringHash(request.sessionId);
}

/**
 * Prefix hash with bounded load (REFERENCE.md): hash the prompt's first 256 tokens onto a
 * consistent-hash ring; if the target's outstanding is *strictly greater* than loadFactor × the
 * mean outstanding over healthy replicas, send the request to the least-outstanding replica
 * instead. At exactly 1.25 × the mean the target keeps the request. Deterministic: propensity 1.
 */
export function createPrefixHashRouter(options: PrefixHashOptions = {}): Router {
  const loadFactor = options.loadFactor ?? defaultLoadFactor;
  const prefixTokens = options.prefixTokens ?? defaultPrefixTokens;
  const ring = new _HashRing(options.virtualNodes ?? defaultVirtualNodes);
  return {
    name: "prefix-hash",
    route(request, view): RouterDecision {
      const anyHealthy = _anyHealthy(view, "prefix-hash");
      const hit = ring.locate(prefixRingHash(request, prefixTokens), view, anyHealthy);
      const unhealthyReason =
        hit.signals === hit.primary ? null : `ring target replica ${hit.primary.index} unhealthy: next on ring`;
      let total = 0;
      let count = 0;
      for (const signals of view) {
        if (!_eligible(signals, anyHealthy)) continue;
        total += signals.outstanding;
        count++;
      }
      const meanOutstanding = total / count;
      const limit = loadFactor * meanOutstanding;
      const healthReason = _joinReasons(anyHealthy ? null : _noHealthyReason, unhealthyReason);
      if (hit.signals.outstanding > limit) {
        const least = _leastOutstanding(view, anyHealthy);
        return {
          replica: least.index,
          intendedReplica: hit.signals.index,
          propensity: 1,
          candidateProbabilities: null,
          reason: `least outstanding (${least.outstanding})`,
          fallbackReason: _joinReasons(
            healthReason,
            `bounded load: target replica ${hit.signals.index} outstanding ${hit.signals.outstanding} > ${loadFactor} × mean ${meanOutstanding.toFixed(2)}`,
          ),
        };
      }
      return {
        replica: hit.signals.index,
        propensity: 1,
        candidateProbabilities: null,
        reason: "prefix hash ring target",
        fallbackReason: healthReason,
      };
    },
  };
}
