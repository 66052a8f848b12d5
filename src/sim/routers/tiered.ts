import { GoodputError } from "../../errors.js";
import { createLeastOutstandingRouter } from "./least-outstanding.js";
import { restrictToPool, type PoolRouter } from "./pool-router.js";
import type { ReplicaSignals, Router, RouterDecision } from "./router.js";
import { _joinReasons } from "./_view.js";

/** Options for {@link createTieredRouter}. */
export interface TieredOptions {
  readonly premiumPool: string;
  /** Where premium requests go while the premium pool is congested. */
  readonly fallbackPool: string;
  /** Where every other request goes (default: the fallback pool). */
  readonly cheapPool?: string | undefined;
  /** Tiers routed to the premium pool besides latency-sensitive requests (default ["premium"]). */
  readonly premiumTiers?: readonly string[] | undefined;
  /** Congested when every healthy premium replica has outstanding ≥ this (default 32). */
  readonly congestionOutstanding?: number | undefined;
  /** …or queueDepth ≥ this (default: no queue test). */
  readonly congestionQueue?: number | undefined;
  /** Router used inside each pool, one fresh instance per pool (default least-outstanding). */
  readonly createInner?: (() => Router) | undefined;
}

/** Default congestion threshold on the premium pool's least outstanding count. */
export const defaultCongestionOutstanding = 32;

/**
 * Tiered fleet with congestion fallback (docs/design.md §4): latency-sensitive requests and those whose tier
 * is in `premiumTiers` go to the premium pool while it has capacity; the pool is congested when its
 * least-outstanding healthy replica has outstanding ≥ congestionOutstanding (or its smallest queue
 * ≥ congestionQueue), and then they go to the fallback pool with the triggering number in
 * fallbackReason. Everything else goes to the cheap pool. A pool with no healthy replica is skipped
 * for the next one that has one. Within a pool the inner router decides.
 */
export function createTieredRouter(options: TieredOptions): Router {
  const premiumTiers = new Set(options.premiumTiers ?? ["premium"]);
  const congestionOutstanding = options.congestionOutstanding ?? defaultCongestionOutstanding;
  const congestionQueue = options.congestionQueue ?? Number.POSITIVE_INFINITY;
  const createInner = options.createInner ?? createLeastOutstandingRouter;
  const pools = new Map<string, PoolRouter>();
  const poolRouter = (pool: string): PoolRouter => {
    let router = pools.get(pool);
    if (router === undefined) {
      router = restrictToPool(createInner(), pool);
      pools.set(pool, router);
    }
    return router;
  };
  const premium = poolRouter(options.premiumPool);
  const fallback = poolRouter(options.fallbackPool);
  const cheap = poolRouter(options.cheapPool ?? options.fallbackPool);
  const routerByReplica = new Map<number, PoolRouter>();
  const standardOrder = [cheap, fallback, premium];
  const premiumOrder = [premium];
  const congestedOrder = [fallback, cheap, premium];

  const congestion = (view: readonly ReplicaSignals[]): string | null => {
    let minOutstanding = Number.POSITIVE_INFINITY;
    let minQueue = Number.POSITIVE_INFINITY;
    for (const signals of view) {
      if (signals.pool !== premium.pool || !signals.healthy) continue;
      minOutstanding = Math.min(minOutstanding, signals.outstanding);
      minQueue = Math.min(minQueue, signals.queueDepth);
    }
    if (minOutstanding === Number.POSITIVE_INFINITY) return `premium pool "${premium.pool}" has no healthy replica`;
    if (minOutstanding >= congestionOutstanding) {
      return `premium congested: min outstanding ${minOutstanding} ≥ ${congestionOutstanding}`;
    }
    if (minQueue >= congestionQueue) return `premium congested: min queue depth ${minQueue} ≥ ${congestionQueue}`;
    return null;
  };

  return {
    name: "tiered",
    route(request, view, rng): RouterDecision {
      const wantsPremium = request.latencySensitive || premiumTiers.has(request.tier);
      const congested = wantsPremium ? congestion(view) : null;
      const order = !wantsPremium ? standardOrder : congested === null ? premiumOrder : congestedOrder;
      let chosen: PoolRouter | undefined;
      let skipped: string | null = null;
      for (const candidate of order) {
        const census = candidate.census(view);
        if (census.healthy > 0) {
          chosen = candidate;
          break;
        }
        skipped = _joinReasons(skipped, `pool "${candidate.pool}" has no healthy replica`);
      }
      chosen ??= order.find((candidate) => candidate.census(view).replicas > 0);
      if (chosen === undefined) {
        throw new GoodputError("BAD_INPUT", `No replica of pool "${order[0]?.pool ?? ""}" in the router's view; give each pool at least one replica.`);
      }
      // Under a fallback the intended action is where the premium pool's router would have sent it.
      const intendedReplica = chosen !== premium && wantsPremium && premium.census(view).replicas > 0 ? premium.route(request, view, rng).replica : undefined;
      const decision = chosen.route(request, view, rng);
      routerByReplica.set(decision.replica, chosen);
      return {
        ...decision,
        ...(intendedReplica === undefined ? {} : { intendedReplica }),
        reason: `${wantsPremium ? "premium" : "standard"} request → pool "${chosen.pool}": ${decision.reason}`,
        fallbackReason: _joinReasons(_joinReasons(congested, skipped), decision.fallbackReason),
      };
    },
    observe(request, replica): void {
      routerByReplica.get(replica)?.observe?.(request, replica);
    },
  };
}
