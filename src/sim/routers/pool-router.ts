import { GoodputError } from "../../errors.js";
import type { ReplicaSignals, Router, RouterDecision } from "./router.js";

/** A router restricted to one pool, plus the pool's census in a given view. */
export interface PoolRouter extends Router {
  readonly pool: string;
  /** Replicas of the pool in `view`, and how many of them are healthy. */
  census(view: readonly ReplicaSignals[]): { readonly replicas: number; readonly healthy: number };
}

/**
 * Restricts `inner` to the replicas of one pool. Each call copies the pool's signals into a reused
 * sub-view (signals keep their global `index`, so the inner decision's replica is already global)
 * and lifts the inner candidateProbabilities, aligned with the sub-view, back onto the full view
 * with zeros elsewhere. `observe` goes to the inner router, whose state (cursor, prefix index)
 * therefore covers its pool only.
 */
export function restrictToPool(inner: Router, pool: string): PoolRouter {
  const subView: ReplicaSignals[] = [];
  const positions: number[] = [];
  return {
    name: `${inner.name}@${pool}`,
    pool,
    census(view) {
      let replicas = 0;
      let healthy = 0;
      for (const signals of view) {
        if (signals.pool !== pool) continue;
        replicas++;
        if (signals.healthy) healthy++;
      }
      return { replicas, healthy };
    },
    route(request, view, rng): RouterDecision {
      subView.length = 0;
      positions.length = 0;
      for (let position = 0; position < view.length; position++) {
        const signals = view[position];
        if (signals?.pool !== pool) continue;
        subView.push(signals);
        positions.push(position);
      }
      if (subView.length === 0) {
        throw new GoodputError("BAD_INPUT", `Pool "${pool}" has no replica in the router's view; give the pool at least one replica.`);
      }
      const decision = inner.route(request, subView, rng);
      const innerProbabilities = decision.candidateProbabilities;
      if (innerProbabilities === null) return decision;
      const candidateProbabilities = new Array<number>(view.length).fill(0);
      for (let sub = 0; sub < positions.length; sub++) {
        candidateProbabilities[positions[sub] ?? 0] = innerProbabilities[sub] ?? 0;
      }
      return { ...decision, candidateProbabilities };
    },
    observe(request, replica): void {
      inner.observe?.(request, replica);
    },
  };
}
