import type { Router, RouterDecision } from "./router.js";
import { _anyHealthy, _eligible, _noHealthyReason } from "./_view.js";

/**
 * Round-robin over the healthy replicas of the view: the next healthy replica index after the last
 * one chosen, wrapping around. Keyed by replica index (not position), so a replica that fails is
 * skipped and one that recovers rejoins the cycle in index order. Deterministic: propensity 1.
 */
export function createRoundRobinRouter(): Router {
  let lastReplica = Number.NEGATIVE_INFINITY;
  return {
    name: "round-robin",
    route(_request, view): RouterDecision {
      const anyHealthy = _anyHealthy(view, "round-robin");
      let next: number | undefined;
      let first: number | undefined;
      for (const signals of view) {
        if (!_eligible(signals, anyHealthy)) continue;
        if (first === undefined || signals.index < first) first = signals.index;
        if (signals.index > lastReplica && (next === undefined || signals.index < next)) next = signals.index;
      }
      const replica = next ?? first ?? 0;
      lastReplica = replica;
      return {
        replica,
        propensity: 1,
        candidateProbabilities: null,
        reason: "next healthy replica in rotation",
        fallbackReason: anyHealthy ? null : _noHealthyReason,
      };
    },
  };
}
