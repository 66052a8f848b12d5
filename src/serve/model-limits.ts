import type { PoolSpec } from "../sim/simulate-fleet.js";

/** The largest request every pool of a model can run (a larger one would wait forever). */
export interface ModelLimits {
  /** Prompt + output tokens must fit the smallest pool's KV cache. */
  readonly maxTotalTokens: number;
  /** Without chunked prefill a whole (re)prefill must fit one step's token budget; Infinity otherwise. */
  readonly maxPrefillTokens: number;
}

/** Limits of a request that may be routed to any of `pools`. */
export function modelLimits(pools: readonly PoolSpec[]): ModelLimits {
  let maxTotalTokens = Infinity;
  let maxPrefillTokens = Infinity;
  for (const pool of pools) {
    maxTotalTokens = Math.min(maxTotalTokens, pool.engine.kvBlocks * pool.engine.blockSizeTokens);
    if (!pool.engine.chunkedPrefill) maxPrefillTokens = Math.min(maxPrefillTokens, pool.engine.maxBatchedTokens);
  }
  return { maxTotalTokens, maxPrefillTokens };
}
