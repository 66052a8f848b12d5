import { mixedStringHash } from "../../numeric/hash.js";
import { _hashNumber } from "./_hash.js";
import { _HashRing, defaultVirtualNodes } from "./_hash-ring.js";
import type { Router, RouterDecision } from "./router.js";
import { _anyHealthy, _joinReasons, _noHealthyReason } from "./_view.js";

/** Options for {@link createStickySessionRouter}. */
export interface StickySessionOptions {
  /** Virtual nodes per replica on the ring (default 100). */
  readonly virtualNodes?: number | undefined;
}

/**
 * Sticky sessions (vLLM production-stack's session mode, REFERENCE.md): consistent hashing on the
 * session id, or the user id when there is none. A session stays on its replica as long as the
 * replica set is stable; if its replica is unhealthy the request goes to the next replica on the
 * ring and fallbackReason says so. Deterministic: propensity 1.
 */
export function createStickySessionRouter(options: StickySessionOptions = {}): Router {
  const ring = new _HashRing(options.virtualNodes ?? defaultVirtualNodes);
  return {
    name: "sticky-session",
    route(request, view): RouterDecision {
      const anyHealthy = _anyHealthy(view, "sticky-session");
      const key = request.sessionId ?? request.userId;
      const hash = key.length > 0 ? mixedStringHash(key) : _hashNumber(request.id);
      const hit = ring.locate(hash, view, anyHealthy);
      const unhealthyReason =
        hit.signals === hit.primary ? null : `session replica ${hit.primary.index} unhealthy: next on ring`;
      return {
        replica: hit.signals.index,
        propensity: 1,
        candidateProbabilities: null,
        reason: request.sessionId === null ? "user affinity" : "session affinity",
        fallbackReason: _joinReasons(anyHealthy ? null : _noHealthyReason, unhealthyReason),
      };
    },
  };
}
