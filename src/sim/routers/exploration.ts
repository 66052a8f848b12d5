import type { Router, RouterDecision } from "./router.js";
import { _anyHealthy, _countEligible, _eligible, _noHealthyReason, _positionOf } from "./_view.js";

/**
 * ε-exploration around any router (docs/design.md §4, "an exploration rate can be set"): the base router
 * always decides first (so its probabilities are known), then with probability ε the choice is
 * replaced by a uniform draw over the n healthy replicas. Logged probabilities are the mixture
 *   q(j) = (1 − ε)·p_base(j) + ε/n   for healthy j,   (1 − ε)·p_base(j) otherwise,
 * and propensity = q(chosen). A base decision with null candidateProbabilities is read as
 * deterministic (p_base is one-hot on its replica), which every router here guarantees.
 */
export function withExploration(base: Router, explorationRate: number): Router {
  if (!(explorationRate >= 0 && explorationRate <= 1)) {
    throw new RangeError(`exploration rate must be in [0, 1], got ${explorationRate}`);
  }
  return {
    name: `${base.name}+explore(${explorationRate})`,
    route(request, view, rng): RouterDecision {
      const decision = base.route(request, view, rng);
      const anyHealthy = _anyHealthy(view, base.name);
      const count = _countEligible(view, anyHealthy);
      const basePosition = _positionOf(view, decision.replica);
      const baseProbabilities = decision.candidateProbabilities;
      const candidateProbabilities = new Array<number>(view.length).fill(0);
      for (let position = 0; position < view.length; position++) {
        const signals = view[position];
        const pBase = baseProbabilities === null ? (position === basePosition ? 1 : 0) : (baseProbabilities[position] ?? 0);
        const uniform = signals !== undefined && _eligible(signals, anyHealthy) ? explorationRate / count : 0;
        candidateProbabilities[position] = (1 - explorationRate) * pBase + uniform;
      }
      const explore = rng.next() < explorationRate;
      let replica = decision.replica;
      let chosenPosition = basePosition;
      if (explore) {
        let target = Math.floor(rng.next() * count);
        for (let position = 0; position < view.length; position++) {
          const signals = view[position];
          if (signals === undefined || !_eligible(signals, anyHealthy)) continue;
          if (target-- === 0) {
            replica = signals.index;
            chosenPosition = position;
            break;
          }
        }
      }
      const propensity = candidateProbabilities[chosenPosition] ?? 0;
      return {
        replica,
        propensity,
        candidateProbabilities,
        reason: explore ? `exploration (ε = ${explorationRate}) over ${count} replicas` : decision.reason,
        fallbackReason: explore ? (anyHealthy ? null : _noHealthyReason) : decision.fallbackReason,
      };
    },
    observe(request, replica): void {
      base.observe?.(request, replica);
    },
  };
}
