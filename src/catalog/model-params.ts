import type { ModelSpec } from "./types.js";

/** Parameter counts derived from a model's shape (no published totals are read). */
export interface ModelParamCounts {
  readonly totalParams: number;
  /** Parameters a token touches, embeddings included (the convention of Mixtral's "12.9 B active"). */
  readonly activeParams: number;
  /** Weights used in matrix multiplies per token: active minus the embedding lookup, plus the LM head. */
  readonly matmulParamsPerToken: number;
  /** Attention, norms, dense FFNs, shared experts and routers over all layers. */
  readonly nonExpertLayerParams: number;
  /** One routed expert (gate, up, down and any biases). */
  readonly paramsPerExpert: number;
  readonly moeLayers: number;
  /** The vocabulary × hidden matrix (embedding lookup table; also the LM head when tied). */
  readonly embeddingParams: number;
  /** The LM head matrix, read in full at every decode step whether or not it is tied. */
  readonly lmHeadParams: number;
}

function attentionParamsPerLayer(model: ModelSpec): number {
  const h = model.hiddenSize;
  const { mla } = model;
  if (mla) {
    const qkHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
    const query =
      mla.qLoraRank > 0
        ? h * mla.qLoraRank + mla.qLoraRank + mla.qLoraRank * model.attentionHeads * qkHead
        : h * model.attentionHeads * qkHead;
    const kvDown = h * (mla.kvLoraRank + mla.qkRopeHeadDim) + mla.kvLoraRank;
    const kvUp = mla.kvLoraRank * model.attentionHeads * (mla.qkNopeHeadDim + mla.vHeadDim);
    const output = model.attentionHeads * mla.vHeadDim * h;
    return query + kvDown + kvUp + output;
  }
  const qWidth = model.attentionHeads * model.headDim;
  const kvWidth = model.kvHeads * model.headDim;
  const weights = h * qWidth + 2 * h * kvWidth + qWidth * h;
  const qkvBias = model.attentionBias === "none" ? 0 : qWidth + 2 * kvWidth;
  const oBias = model.attentionBias === "qkvo" ? h : 0;
  return weights + qkvBias + oBias;
}

/** Counts parameters from the shape: per layer attention + norms + FFN or experts, plus embeddings. */
export function countModelParams(model: ModelSpec): ModelParamCounts {
  const h = model.hiddenSize;
  const perLayerCommon = attentionParamsPerLayer(model) + 2 * h; // two RMSNorm weight vectors
  const denseFfn = model.ffnMatrices * h * model.intermediateSize;
  const { moe } = model;
  const moeLayers = moe ? model.layers - moe.denseLayers : 0;
  const denseLayers = model.layers - moeLayers;
  const paramsPerExpert = moe
    ? 3 * h * moe.expertIntermediateSize + (moe.expertBias ? 2 * moe.expertIntermediateSize + h : 0)
    : 0;
  const perMoeLayerNonExpert = moe
    ? h * moe.experts +
      (moe.expertBias ? moe.experts : 0) +
      moe.sharedExperts * 3 * h * moe.sharedExpertIntermediateSize
    : 0;
  const nonExpertLayerParams =
    model.layers * perLayerCommon + denseLayers * denseFfn + moeLayers * perMoeLayerNonExpert;
  const embeddingParams = model.vocabSize * h;
  const lmHeadParams = model.vocabSize * h;
  const embeddingsStored = embeddingParams + (model.tiedEmbeddings ? 0 : lmHeadParams) + h; // + final norm
  const routed = moe ? moeLayers * paramsPerExpert : 0;
  return {
    totalParams: nonExpertLayerParams + routed * (moe?.experts ?? 0) + embeddingsStored,
    activeParams: nonExpertLayerParams + routed * (moe?.expertsPerToken ?? 0) + embeddingsStored,
    matmulParamsPerToken: nonExpertLayerParams + routed * (moe?.expertsPerToken ?? 0) + lmHeadParams,
    nonExpertLayerParams,
    paramsPerExpert,
    moeLayers,
    embeddingParams,
    lmHeadParams,
  };
}
