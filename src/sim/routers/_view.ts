import { GoodputError } from "../../errors.js";
import type { ReplicaSignals } from "./router.js";

/** Appended to a decision's fallbackReason when every replica in the view is unhealthy. */
export const _noHealthyReason = "no healthy replica: chose among all";

/**
 * Whether any replica is healthy. When none is, routers treat every replica as eligible (the
 * request then fails at the replica, which is data for goodput) and say so in fallbackReason.
 */
export function _anyHealthy(view: readonly ReplicaSignals[], routerName: string): boolean {
  if (view.length === 0) {
    throw new GoodputError("BAD_INPUT", `Router "${routerName}" was given an empty replica view; a fleet needs at least one replica.`);
  }
  for (const signals of view) if (signals.healthy) return true;
  return false;
}

/** Replica `signals` may be chosen: it is healthy, or no replica is. */
export function _eligible(signals: ReplicaSignals, anyHealthy: boolean): boolean {
  return signals.healthy || !anyHealthy;
}

/** Number of eligible replicas in the view. */
export function _countEligible(view: readonly ReplicaSignals[], anyHealthy: boolean): number {
  if (!anyHealthy) return view.length;
  let count = 0;
  for (const signals of view) if (signals.healthy) count++;
  return count;
}

/** Position in the view of the replica with global index `replica`, or -1. */
export function _positionOf(view: readonly ReplicaSignals[], replica: number): number {
  for (let position = 0; position < view.length; position++) {
    if (view[position]?.index === replica) return position;
  }
  return -1;
}

/** Load order shared by every "least loaded" choice: outstanding, then queueDepth, then index. */
export function _lessLoaded(a: ReplicaSignals, b: ReplicaSignals): boolean {
  if (a.outstanding !== b.outstanding) return a.outstanding < b.outstanding;
  if (a.queueDepth !== b.queueDepth) return a.queueDepth < b.queueDepth;
  return a.index < b.index;
}

/** The eligible replica with the fewest outstanding requests (ties: lower queueDepth, lower index). */
export function _leastOutstanding(view: readonly ReplicaSignals[], anyHealthy: boolean): ReplicaSignals {
  let best: ReplicaSignals | undefined;
  for (const signals of view) {
    if (!_eligible(signals, anyHealthy)) continue;
    if (best === undefined || _lessLoaded(signals, best)) best = signals;
  }
  if (best === undefined) throw new GoodputError("BAD_INPUT", "Router view has no eligible replica.");
  return best;
}

/** Joins optional reasons with "; " (null when there are none). */
export function _joinReasons(first: string | null, second: string | null): string | null {
  if (first === null) return second;
  if (second === null) return first;
  return `${first}; ${second}`;
}
