import { bytesPerElement, type Dtype, type ModelSpec } from "../catalog/types.js";

/**
 * KV-cache bytes per token of context, for layers that attend over the full context (SPEC §3.3):
 *   GQA/MQA: m_kv = 2 · layers · H_kv · d_head · bytes      (K and V per KV head)
 *   MLA:     m_kv = layers · (kv_lora_rank + rope_head_dim) · bytes   (one shared latent)
 * Sliding-window layers are excluded here: their cache is capped at the window (see kvBytesForContext).
 */
export function kvBytesPerToken(model: ModelSpec, kvDtype: Dtype): number {
  const bytes = bytesPerElement[kvDtype];
  const fullLayers = model.layers - (model.slidingWindow?.layers ?? 0);
  if (model.mla) return fullLayers * (model.mla.kvLoraRank + model.mla.qkRopeHeadDim) * bytes;
  return 2 * fullLayers * model.kvHeads * model.headDim * bytes;
}

/** KV bytes one layer stores per token (the per-layer rate, window or not). */
function kvBytesPerTokenPerLayer(model: ModelSpec, kvDtype: Dtype): number {
  const bytes = bytesPerElement[kvDtype];
  if (model.mla) return (model.mla.kvLoraRank + model.mla.qkRopeHeadDim) * bytes;
  return 2 * model.kvHeads * model.headDim * bytes;
}

/**
 * KV bytes one sequence of `contextTokens` holds: full-attention layers store every token,
 * sliding-window layers at most `windowTokens` (the overcount other calculators make on hybrid models).
 */
export function kvBytesForContext(model: ModelSpec, contextTokens: number, kvDtype: Dtype): number {
  const windowed = model.slidingWindow
    ? model.slidingWindow.layers * kvBytesPerTokenPerLayer(model, kvDtype) * Math.min(contextTokens, model.slidingWindow.windowTokens)
    : 0;
  return kvBytesPerToken(model, kvDtype) * contextTokens + windowed;
}

/** Tokens a sequence occupies once rounded up to whole KV blocks (vLLM's paged allocation). */
export function blockRoundedTokens(contextTokens: number, blockSizeTokens: number): number {
  return Math.ceil(contextTokens / blockSizeTokens) * blockSizeTokens;
}
