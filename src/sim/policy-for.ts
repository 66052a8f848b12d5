import { createRouter } from "./routers/create-router.js";
import { restrictToPool } from "./routers/pool-router.js";
import type { RouterConfig } from "./routers/router-schema.js";
import type { PolicySpec } from "./simulate-fleet.js";

/** A policy that routes with `config` (restricted to one pool's replicas when `pool` is given). */
export function policyFor(config: RouterConfig, pool?: string): PolicySpec {
  return {
    name: pool === undefined ? config.type : `${config.type}@${pool}`,
    version: "1",
    createRouter: (replicas) => (pool === undefined ? createRouter(config, replicas) : restrictToPool(createRouter(config, replicas.filter((replica) => replica.pool === pool)), pool)),
  };
}
