import { z } from "zod";

/**
 * The scenario file's `router:` block: a discriminated union on `type`, strict objects, every
 * tuning field optional (the factories hold the defaults), and an `explorationRate` on any router.
 */
const exploration = { explorationRate: z.number().min(0).max(1).optional() };
const indexCapacityBlocks = z.number().int().positive().optional();
const virtualNodes = z.number().int().positive().max(10_000).optional();

const roundRobin = z.strictObject({ type: z.literal("round-robin"), ...exploration });
const random = z.strictObject({ type: z.literal("random"), ...exploration });
const leastOutstanding = z.strictObject({ type: z.literal("least-outstanding"), ...exploration });
const prefixHash = z.strictObject({
  type: z.literal("prefix-hash"),
  loadFactor: z.number().min(1).optional(),
  prefixTokens: z.number().int().positive().optional(),
  virtualNodes,
  ...exploration,
});
const cacheAware = z.strictObject({
  type: z.literal("cache-aware"),
  absoluteThreshold: z.number().nonnegative().optional(),
  relativeThreshold: z.number().min(1).optional(),
  matchThreshold: z.number().min(0).max(1).optional(),
  indexCapacityBlocks,
  ...exploration,
});
const weightedScorers = z.strictObject({
  type: z.literal("weighted-scorers"),
  weights: z
    .strictObject({
      queue: z.number().nonnegative().optional(),
      kvUtilization: z.number().nonnegative().optional(),
      prefix: z.number().nonnegative().optional(),
    })
    .optional(),
  indexCapacityBlocks,
  ...exploration,
});
const kvCost = z.strictObject({
  type: z.literal("kv-cost"),
  prefillWeight: z.number().nonnegative().optional(),
  temperature: z.number().nonnegative().optional(),
  indexCapacityBlocks,
  ...exploration,
});
const prefixTrie = z.strictObject({
  type: z.literal("prefix-trie"),
  minMatchBlocks: z.number().int().nonnegative().optional(),
  indexCapacityBlocks,
  ...exploration,
});
const stickySession = z.strictObject({ type: z.literal("sticky-session"), virtualNodes, ...exploration });

/** Router configs usable inside a tiered router's pools (every type but `tiered`). */
export const poolRouterConfigSchema = z.discriminatedUnion("type", [
  roundRobin,
  random,
  leastOutstanding,
  prefixHash,
  cacheAware,
  weightedScorers,
  kvCost,
  prefixTrie,
  stickySession,
]);

const tiered = z.strictObject({
  type: z.literal("tiered"),
  premiumPool: z.string().min(1),
  fallbackPool: z.string().min(1),
  cheapPool: z.string().min(1).optional(),
  premiumTiers: z.array(z.string().min(1)).optional(),
  congestionOutstanding: z.number().positive().optional(),
  congestionQueue: z.number().positive().optional(),
  inner: poolRouterConfigSchema.optional(),
  ...exploration,
});

/** Schema of the scenario file's router config. */
export const routerConfigSchema = z.discriminatedUnion("type", [...poolRouterConfigSchema.options, tiered]);

/** A validated router config. */
export type RouterConfig = z.infer<typeof routerConfigSchema>;
/** A validated router config for use inside a pool. */
export type PoolRouterConfig = z.infer<typeof poolRouterConfigSchema>;
/** The router type names. */
export type RouterType = RouterConfig["type"];
