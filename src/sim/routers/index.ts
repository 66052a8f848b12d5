// Public surface of the routers (docs/design.md §4 "Fleet level"; REFERENCE.md "Routers in production systems").
export * from "./router.js";
export { createApproxPrefixIndex, defaultIndexCapacityBlocks, type ApproxPrefixIndex } from "./approx-prefix-index.js";
export { createRoundRobinRouter } from "./round-robin.js";
export { createRandomRouter } from "./random.js";
export { createLeastOutstandingRouter } from "./least-outstanding.js";
export { createPrefixHashRouter, defaultLoadFactor, defaultPrefixTokens, type PrefixHashOptions } from "./prefix-hash.js";
export { createCacheAwareRouter, cacheAwareDefaults, type CacheAwareOptions } from "./cache-aware.js";
export {
  createWeightedScorersRouter,
  defaultScorerWeights,
  type ScorerWeights,
  type WeightedScorersOptions,
} from "./weighted-scorers.js";
export { createKvCostRouter, type KvCostOptions } from "./kv-cost.js";
export { createPrefixTrieRouter, type PrefixTrieOptions } from "./prefix-trie.js";
export { createStickySessionRouter, type StickySessionOptions } from "./sticky-session.js";
export { restrictToPool, type PoolRouter } from "./pool-router.js";
export { createTieredRouter, defaultCongestionOutstanding, type TieredOptions } from "./tiered.js";
export { withExploration } from "./exploration.js";
export {
  poolRouterConfigSchema,
  routerConfigSchema,
  type PoolRouterConfig,
  type RouterConfig,
  type RouterType,
} from "./router-schema.js";
export { createRouter, type ReplicaPlacement } from "./create-router.js";
export { defaultVirtualNodes } from "./_hash-ring.js";
