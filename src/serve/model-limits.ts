import { GoodputError } from "../errors.js";
import type { PoolSpec } from "../sim/simulate-fleet.js";

/** The largest request every pool of a model can run (a larger one would wait forever). */
export interface ModelLimits {
  /**
   * vLLM's max_model_len: prompt + output tokens of one request. The configured context length,
   * or else the smallest pool's KV cache (vLLM refuses to start when max_model_len exceeds it).
   */
  readonly maxModelLenTokens: number;
  /** Without chunked prefill a whole (re)prefill must fit one step's token budget; Infinity otherwise. */
  readonly maxPrefillTokens: number;
  /** KV blocks of one request's prefix-cache keys (the pools' block size). */
  readonly blockSizeTokens: number;
}

/** Limits of a request that may be routed to any of `pools`; `maxModelLenTokens` as vLLM's --max-model-len. */
export function modelLimits(pools: readonly PoolSpec[], maxModelLenTokens: number | null = null): ModelLimits {
  let kvTokens = Infinity;
  let maxPrefillTokens = Infinity;
  for (const pool of pools) {
    kvTokens = Math.min(kvTokens, pool.engine.kvBlocks * pool.engine.blockSizeTokens);
    if (!pool.engine.chunkedPrefill) maxPrefillTokens = Math.min(maxPrefillTokens, pool.engine.maxBatchedTokens);
  }
  if (maxModelLenTokens !== null && maxModelLenTokens > kvTokens) {
    const model = pools[0]?.deployment.model.id ?? "?";
    throw new GoodputError("BAD_INPUT", `max model length ${maxModelLenTokens} tokens is larger than the KV cache of model "${model}" can hold for one request (${kvTokens} tokens), as vLLM refuses at startup; lower --max-model-len to at most ${kvTokens} or give the pool more KV blocks.`, { where: "--max-model-len" });
  }
  return { maxModelLenTokens: maxModelLenTokens ?? kvTokens, maxPrefillTokens, blockSizeTokens: pools[0]?.engine.blockSizeTokens ?? 16 };
}
