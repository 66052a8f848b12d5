import type { Router, RouterDecision } from "./router.js";
import { _anyHealthy, _leastOutstanding, _noHealthyReason } from "./_view.js";

/** The healthy replica with the fewest outstanding requests (ties: lower queueDepth, then lower index). */
export function createLeastOutstandingRouter(): Router {
  return {
    name: "least-outstanding",
    route(_request, view): RouterDecision {
      const anyHealthy = _anyHealthy(view, "least-outstanding");
      const best = _leastOutstanding(view, anyHealthy);
      return {
        replica: best.index,
        propensity: 1,
        candidateProbabilities: null,
        reason: `least outstanding (${best.outstanding})`,
        fallbackReason: anyHealthy ? null : _noHealthyReason,
      };
    },
  };
}
