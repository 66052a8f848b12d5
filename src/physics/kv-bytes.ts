import { bytesPerElement, type Dtype, type ModelSpec } from "../catalog/types.js";

/**
 * KV-cache bytes one layer stores per token, whole model (docs/design.md §3.3):
 *   GQA/MQA: 2 · H_kv · d_head · bytes      (K and V per KV head)
 *   MLA:     (kv_lora_rank + rope_head_dim) · bytes   (one shared latent)
 */
export function kvBytesPerTokenPerLayer(model: ModelSpec, kvDtype: Dtype): number {
  const bytes = bytesPerElement[kvDtype];
  if (model.mla) return (model.mla.kvLoraRank + model.mla.qkRopeHeadDim) * bytes;
  return 2 * model.kvHeads * model.headDim * bytes;
}

/** Layers that attend over the whole context (the rest are capped at the sliding window). */
export function fullAttentionLayers(model: ModelSpec): number {
  return model.layers - (model.slidingWindow?.layers ?? 0);
}

/**
 * KV bytes a token adds while it is inside every window: all layers, full and sliding
 * (m_kv = layers · per-layer bytes). A sequence's total is capped per layer type, see kvBytesForContext.
 */
export function kvBytesPerToken(model: ModelSpec, kvDtype: Dtype): number {
  return model.layers * kvBytesPerTokenPerLayer(model, kvDtype);
}

/**
 * KV bytes one sequence of `contextTokens` holds (unrounded): full-attention layers store every
 * token, sliding-window layers at most `windowTokens`.
 */
export function kvBytesForContext(model: ModelSpec, contextTokens: number, kvDtype: Dtype): number {
  const perLayer = kvBytesPerTokenPerLayer(model, kvDtype);
  const window = model.slidingWindow;
  const windowed = window ? window.layers * Math.min(contextTokens, window.windowTokens) : 0;
  return perLayer * (fullAttentionLayers(model) * contextTokens + windowed);
}

/** Tokens a sequence occupies once rounded up to whole KV blocks (vLLM's paged allocation). */
export function blockRoundedTokens(contextTokens: number, blockSizeTokens: number): number {
  return Math.ceil(contextTokens / blockSizeTokens) * blockSizeTokens;
}

/**
 * Blocks a sliding-window layer keeps for a sequence of `contextTokens`: vLLM's
 * SlidingWindowManager frees every block wholly before the first useful token
 * (num_computed_tokens − sliding_window + 1), so it keeps ceil(T/b) − floor((T − W + 1)/b).
 */
export function slidingWindowBlocks(contextTokens: number, windowTokens: number, blockSizeTokens: number): number {
  const skipped = Math.floor(Math.max(0, contextTokens - windowTokens + 1) / blockSizeTokens);
  return Math.ceil(contextTokens / blockSizeTokens) - skipped;
}

/**
 * Layers that share one KV block in vLLM's allocator: every layer for a uniform model; for a
 * hybrid (full + sliding) model the hybrid allocator groups layers by type into groups of the
 * full-attention layer count (gpt-oss: 18 + 18), and one block holds b tokens of one group.
 */
export function kvBlockGroupLayers(model: ModelSpec): number {
  const full = fullAttentionLayers(model);
  return full > 0 && full < model.layers ? full : model.layers;
}

/** KV bytes of one pool block (whole model, counted once however TP shards it). */
export function kvBlockBytes(model: ModelSpec, kvDtype: Dtype, blockSizeTokens: number): number {
  return kvBlockGroupLayers(model) * kvBytesPerTokenPerLayer(model, kvDtype) * blockSizeTokens;
}

/**
 * KV bytes a sequence of `contextTokens` holds in the paged pool: each layer type rounded to its
 * own whole blocks (full layers ceil(T/b), window layers slidingWindowBlocks). Divide by
 * kvBlockBytes for the pool blocks it takes.
 */
export function kvBytesForSequence(model: ModelSpec, contextTokens: number, kvDtype: Dtype, blockSizeTokens: number): number {
  const window = model.slidingWindow;
  const fullBlocks = Math.ceil(contextTokens / blockSizeTokens);
  const windowBlockLayers = window ? window.layers * slidingWindowBlocks(contextTokens, window.windowTokens, blockSizeTokens) : 0;
  const blockLayers = fullAttentionLayers(model) * fullBlocks + windowBlockLayers;
  return blockLayers * blockSizeTokens * kvBytesPerTokenPerLayer(model, kvDtype);
}

/**
 * KV heads each tensor-parallel rank stores: vLLM's get_num_kv_heads = max(1, H_kv / TP) — KV
 * heads are replicated when TP exceeds them. MLA keeps its one latent whole on every rank.
 */
export function kvHeadsPerRank(model: ModelSpec, tensorParallel: number): number {
  if (model.mla) return 1;
  return Math.max(1, model.kvHeads / tensorParallel);
}

/**
 * Share of the whole model's KV bytes each rank stores and reads: H_kv-per-rank / H_kv for
 * GQA (1/TP until replication sets in), 1 for MLA (the latent is not sharded).
 */
export function kvSharePerRank(model: ModelSpec, tensorParallel: number): number {
  if (model.mla) return 1;
  return kvHeadsPerRank(model, tensorParallel) / model.kvHeads;
}
