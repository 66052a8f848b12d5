import { GoodputError } from "../../errors.js";
import { createCacheAwareRouter } from "./cache-aware.js";
import { withExploration } from "./exploration.js";
import { createKvCostRouter } from "./kv-cost.js";
import { createLeastOutstandingRouter } from "./least-outstanding.js";
import { createPrefixHashRouter } from "./prefix-hash.js";
import { createPrefixTrieRouter } from "./prefix-trie.js";
import { createRandomRouter } from "./random.js";
import { createRoundRobinRouter } from "./round-robin.js";
import type { Router } from "./router.js";
import type { PoolRouterConfig, RouterConfig } from "./router-schema.js";
import { createStickySessionRouter } from "./sticky-session.js";
import { createTieredRouter } from "./tiered.js";
import { createWeightedScorersRouter } from "./weighted-scorers.js";

/** A replica as the fleet config declares it. */
export interface ReplicaPlacement {
  readonly index: number;
  readonly pool: string;
}

/**
 * Builds the router a (validated) config describes, wrapped in ε-exploration when
 * `explorationRate` > 0. Throws GoodputError BAD_INPUT when a tiered router names a pool that no
 * replica belongs to, listing every bad field path and the known pools.
 */
export function createRouter(config: RouterConfig, replicas: readonly ReplicaPlacement[]): Router {
  if (config.type === "tiered") checkPools(config, replicas);
  const router = config.type === "tiered" ? createTiered(config) : createPoolRouter(config);
  const rate = config.explorationRate ?? 0;
  return rate > 0 ? withExploration(router, rate) : router;
}

function createTiered(config: Extract<RouterConfig, { type: "tiered" }>): Router {
  const inner = config.inner;
  return createTieredRouter({
    premiumPool: config.premiumPool,
    fallbackPool: config.fallbackPool,
    cheapPool: config.cheapPool,
    premiumTiers: config.premiumTiers,
    congestionOutstanding: config.congestionOutstanding,
    congestionQueue: config.congestionQueue,
    createInner: inner === undefined ? undefined : () => createRouter(inner, []),
  });
}

function createPoolRouter(config: PoolRouterConfig): Router {
  switch (config.type) {
    case "round-robin":
      return createRoundRobinRouter();
    case "random":
      return createRandomRouter();
    case "least-outstanding":
      return createLeastOutstandingRouter();
    case "prefix-hash":
      return createPrefixHashRouter(config);
    case "cache-aware":
      return createCacheAwareRouter(config);
    case "weighted-scorers":
      return createWeightedScorersRouter(config);
    case "kv-cost":
      return createKvCostRouter(config);
    case "prefix-trie":
      return createPrefixTrieRouter(config);
    case "sticky-session":
      return createStickySessionRouter(config);
  }
}

function checkPools(config: Extract<RouterConfig, { type: "tiered" }>, replicas: readonly ReplicaPlacement[]): void {
  const known = [...new Set(replicas.map((replica) => replica.pool))].sort();
  const named = { premiumPool: config.premiumPool, fallbackPool: config.fallbackPool, cheapPool: config.cheapPool };
  const badPaths: string[] = [];
  const issues: string[] = [];
  for (const [field, pool] of Object.entries(named)) {
    if (pool === undefined || known.includes(pool)) continue;
    badPaths.push(`router.${field}`);
    issues.push(`router.${field}: unknown pool "${pool}" (known: ${known.length > 0 ? known.join(", ") : "none"})`);
  }
  if (issues.length === 0) return;
  throw new GoodputError("BAD_INPUT", `Tiered router names a pool no replica belongs to: ${issues.join("; ")}. Use one of the fleet's pools.`, {
    where: badPaths.join(", "),
    issues,
  });
}
