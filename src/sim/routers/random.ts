import type { Router, RouterDecision } from "./router.js";
import { _anyHealthy, _countEligible, _eligible, _noHealthyReason } from "./_view.js";

/** Uniform random over the healthy replicas; propensity 1/n and every candidate's probability. */
export function createRandomRouter(): Router {
  return {
    name: "random",
    route(_request, view, rng): RouterDecision {
      const anyHealthy = _anyHealthy(view, "random");
      const count = _countEligible(view, anyHealthy);
      const propensity = 1 / count;
      let target = Math.floor(rng.next() * count);
      let replica = -1;
      const candidateProbabilities = new Array<number>(view.length).fill(0);
      for (let position = 0; position < view.length; position++) {
        const signals = view[position];
        if (signals === undefined || !_eligible(signals, anyHealthy)) continue;
        candidateProbabilities[position] = propensity;
        if (target-- === 0) replica = signals.index;
      }
      return {
        replica,
        propensity,
        candidateProbabilities,
        reason: `uniform over ${count} healthy replicas`,
        fallbackReason: anyHealthy ? null : _noHealthyReason,
      };
    },
  };
}
