import { countModelParams } from "../catalog/model-params.js";
import { bytesPerElement, type ModelSpec } from "../catalog/types.js";
import type { Deployment } from "./deployment.js";
import { expectedExpertsTouched } from "./experts-touched.js";
import { kvBytesForContext, kvSharePerRank } from "./kv-bytes.js";
import type { StepTimeProfile } from "./step-time-profile.js";
import { expertBytesPerParam, peakFlopsPerSecond } from "./weight-bytes.js";

export type Bottleneck = "weight-bandwidth" | "kv-bandwidth" | "compute";

/** One step's predicted time and the terms it is made of (seconds, per GPU of the replica). */
export interface StepTimeBreakdown {
  readonly stepSeconds: number;
  readonly overheadSeconds: number;
  /** Weight bytes ÷ sustained bandwidth (the memory side of the GEMMs). */
  readonly weightSeconds: number;
  /** KV bytes read (decode) or written/read (prefill) ÷ sustained bandwidth. */
  readonly kvSeconds: number;
  /** GEMM + attention FLOPs ÷ sustained FLOP/s. */
  readonly computeSeconds: number;
  readonly communicationSeconds: number;
  readonly bottleneck: Bottleneck;
  readonly weightBytesRead: number;
  readonly kvBytesRead: number;
  readonly flops: number;
}

/**
 * Width of the attention score/value products per layer. Decode runs MLA in its absorbed latent
 * form (each head scores against the kv_lora_rank + rope latent); prefill decompresses the latent
 * to per-head K/V (qk_nope + rope for scores, v_head_dim for values) as vLLM's and SGLang's MLA
 * prefill kernels do (DeepSeek-V2 paper §2.1.2; vLLM MLACommonImpl._forward_prefill).
 */
function attentionWidth(model: ModelSpec, phase: "decode" | "prefill"): { qk: number; pv: number } {
  const { mla } = model;
  if (mla && phase === "decode") {
    return { qk: model.attentionHeads * (mla.kvLoraRank + mla.qkRopeHeadDim), pv: model.attentionHeads * mla.kvLoraRank };
  }
  if (mla) return { qk: model.attentionHeads * (mla.qkNopeHeadDim + mla.qkRopeHeadDim), pv: model.attentionHeads * mla.vHeadDim };
  const width = model.attentionHeads * model.headDim;
  return { qk: width, pv: width };
}

/** Tokens each layer group attends to for a sequence of `context` tokens (window layers capped). */
function attendedTokenLayers(model: ModelSpec, context: number): number {
  const windowLayers = model.slidingWindow?.layers ?? 0;
  const windowed = model.slidingWindow ? windowLayers * Math.min(context, model.slidingWindow.windowTokens) : 0;
  return (model.layers - windowLayers) * context + windowed;
}

/** Ring all-reduce: 2(t−1)/t of the payload crosses each link, plus a fixed latency; 2 per layer. */
function allReduceSeconds(deployment: Deployment, tokens: number, profile: StepTimeProfile): number {
  const t = deployment.tensorParallel;
  if (t <= 1) return 0;
  const payloadBytes = tokens * deployment.model.hiddenSize * 2; // bf16 activations
  const perAllReduce =
    ((2 * (t - 1)) / t) * (payloadBytes / (deployment.gpu.interconnectBytesPerSecond * profile.interconnectEfficiency)) +
    profile.allReduceLatencySeconds;
  return 2 * deployment.model.layers * perAllReduce;
}

function bottleneckOf(weightSeconds: number, kvSeconds: number, computeSeconds: number): Bottleneck {
  if (computeSeconds >= weightSeconds && computeSeconds >= kvSeconds) return "compute";
  return weightSeconds >= kvSeconds ? "weight-bandwidth" : "kv-bandwidth";
}

/** Weight bytes a step streams, per GPU: MoE layers read only the experts the step's tokens touch. */
function weightBytesRead(deployment: Deployment, tokens: number): number {
  const { model } = deployment;
  const counts = countModelParams(model);
  const expertBytes = model.moe
    ? counts.moeLayers * counts.paramsPerExpert * expectedExpertsTouched(model.moe.experts, model.moe.expertsPerToken, tokens) * expertBytesPerParam(model)
    : 0;
  // The embedding lookup reads only B rows; the LM head reads its whole matrix (tied or not).
  return ((counts.nonExpertLayerParams + counts.lmHeadParams) * bytesPerElement[model.weightDtype] + expertBytes) / deployment.tensorParallel;
}

/**
 * What one engine step computes, as sums over its sequences (so the simulator can keep them
 * incrementally). Decode sequences add one token each; prefill chunks add `newTokens` after
 * `doneTokens` already in KV (cached or computed by earlier chunks).
 */
export interface BatchComposition {
  readonly decodeSequences: number;
  /** Σ KV bytes the decode sequences read (kvBytesForContext of each context). */
  readonly decodeKvBytes: number;
  /** Σ over decode sequences of token·layers attended (window layers capped). */
  readonly decodeAttendedTokenLayers: number;
  readonly prefillSequences: number;
  readonly prefillNewTokens: number;
  /** Σ over chunks of KV bytes held after the chunk (written now or read from earlier chunks/cache). */
  readonly prefillKvBytes: number;
  /** Σ over chunks of layer-weighted causal pairs, see prefillAttentionPairs(). */
  readonly prefillAttentionPairs: number;
}

/**
 * Layer-weighted causal attention pairs of a chunk of q new tokens after c done ones:
 * (q·c + q²/2) per full-attention layer (window layers scaled by their attended share).
 */
export function prefillAttentionPairs(model: ModelSpec, doneTokens: number, newTokens: number): number {
  const total = doneTokens + newTokens;
  return (attendedTokenLayers(model, total) / total) * (newTokens * doneTokens + (newTokens * newTokens) / 2);
}

/** Token·layers one decode sequence of `contextTokens` attends to. */
export function decodeAttendedTokenLayers(model: ModelSpec, contextTokens: number): number {
  return attendedTokenLayers(model, contextTokens);
}

/**
 * Time of one engine step that runs decode sequences and prefill chunks in a single forward pass
 * (vLLM's continuous batching). GEMMs see every token of the step; decode attention reads KV;
 * prefill attention is causal FLOPs. A step with any prefill uses the prefill terms for overhead,
 * GEMM and weight streaming (large-M GEMMs); a decode-only step uses the decode terms:
 *   T = fixed + layers·perLayer + max((W + KV_prefill)/BW_w, FLOPs_gemm/F)
 *       + max(KV_decode/BW_kv, FLOPs_decode_attn/F) + FLOPs_prefill_attn/F_attn + all-reduce
 */
export function stepTimeForBatch(deployment: Deployment, batch: BatchComposition, profile: StepTimeProfile): StepTimeBreakdown {
  const { model, gpu, tensorParallel: t } = deployment;
  const counts = countModelParams(model);
  const decodeWidth = attentionWidth(model, "decode");
  const prefillWidth = attentionWidth(model, "prefill");
  const hasPrefill = batch.prefillNewTokens > 0;
  const decode = profile.decode;
  const prefill = profile.prefill;
  const tokens = batch.decodeSequences + batch.prefillNewTokens;
  const weightBytes = weightBytesRead(deployment, tokens);
  // LM head runs for every decode token and only for the last token of each prefill sequence.
  const gemmFlops =
    (2 * tokens * (counts.matmulParamsPerToken - counts.lmHeadParams) + 2 * (batch.decodeSequences + batch.prefillSequences) * counts.lmHeadParams) / t;
  // Each rank reads its own share of the KV: 1/TP of the heads until they are replicated, the whole MLA latent.
  const kvShare = kvSharePerRank(model, t);
  const decodeKvBytes = batch.decodeKvBytes * kvShare;
  const prefillKvBytes = batch.prefillKvBytes * kvShare;
  const decodeAttentionFlops = (2 * (decodeWidth.qk + decodeWidth.pv) * batch.decodeAttendedTokenLayers) / t;
  const prefillAttentionFlops = (2 * (prefillWidth.qk + prefillWidth.pv) * batch.prefillAttentionPairs) / t;
  const bandwidth = gpu.memBandwidthBytesPerSecond;
  // GEMMs run at the weights' compute peak (FP8 tensor cores for FP8 weights); attention in 16-bit.
  const gemmPeak = peakFlopsPerSecond(model, gpu);
  const peak = gpu.bf16FlopsPerSecond;
  const weightEfficiency = hasPrefill ? prefill.weightBandwidthEfficiency : decode.weightBandwidthEfficiency;
  const gemmEfficiency = hasPrefill ? prefill.computeEfficiency : decode.computeEfficiency;
  const weightSeconds = weightBytes / (bandwidth * weightEfficiency);
  const prefillKvSeconds = prefillKvBytes / (bandwidth * weightEfficiency);
  const decodeKvSeconds = decodeKvBytes / (bandwidth * decode.kvBandwidthEfficiency);
  const gemmComputeSeconds = gemmFlops / (gemmPeak * gemmEfficiency);
  const decodeAttentionSeconds = decodeAttentionFlops / (peak * decode.computeEfficiency);
  const prefillAttentionSeconds = prefillAttentionFlops / (peak * prefill.attentionEfficiency);
  const overheadSeconds =
    (hasPrefill ? prefill.fixedSeconds + model.layers * prefill.perLayerSeconds : decode.fixedSeconds + model.layers * decode.perLayerSeconds) +
    batch.decodeSequences * decode.perSequenceSeconds +
    batch.prefillSequences * prefill.perSequenceSeconds;
  const communicationSeconds = allReduceSeconds(deployment, tokens, profile);
  const stepSeconds =
    overheadSeconds +
    Math.max(weightSeconds + prefillKvSeconds, gemmComputeSeconds) +
    (batch.decodeSequences > 0 ? Math.max(decodeKvSeconds, decodeAttentionSeconds) : 0) +
    prefillAttentionSeconds +
    communicationSeconds;
  const kvSeconds = prefillKvSeconds + decodeKvSeconds;
  const computeSeconds = gemmComputeSeconds + decodeAttentionSeconds + prefillAttentionSeconds;
  return {
    stepSeconds,
    overheadSeconds,
    weightSeconds,
    kvSeconds,
    computeSeconds,
    communicationSeconds,
    bottleneck: bottleneckOf(weightSeconds, kvSeconds, computeSeconds),
    weightBytesRead: weightBytes,
    kvBytesRead: decodeKvBytes + prefillKvBytes,
    flops: gemmFlops + decodeAttentionFlops + prefillAttentionFlops,
  };
}

/**
 * Decode step time for sequences with the given context lengths (docs/design.md §3.1), as a sum of
 * sequential kernels rather than the bare max() bound:
 *   T = fixed + layers·perLayer + max(W/BW_w, FLOPs_gemm/F) + max(KV/BW_kv, FLOPs_attn/F) + all-reduce
 * with BW_x = datasheet bandwidth × efficiency and F = datasheet FLOP/s × efficiency.
 */
export function decodeStepTime(deployment: Deployment, contextTokens: readonly number[], profile: StepTimeProfile): StepTimeBreakdown {
  let decodeKvBytes = 0;
  let attended = 0;
  for (const context of contextTokens) {
    decodeKvBytes += kvBytesForContext(deployment.model, context, deployment.kvDtype);
    attended += attendedTokenLayers(deployment.model, context);
  }
  return stepTimeForBatch(
    deployment,
    { decodeSequences: contextTokens.length, decodeKvBytes, decodeAttendedTokenLayers: attended, prefillSequences: 0, prefillNewTokens: 0, prefillKvBytes: 0, prefillAttentionPairs: 0 },
    profile,
  );
}

/** Decode step for `batch` sequences that all hold `contextTokens` tokens. */
export function uniformDecodeStepTime(deployment: Deployment, batch: number, contextTokens: number, profile: StepTimeProfile): StepTimeBreakdown {
  return stepTimeForBatch(
    deployment,
    {
      decodeSequences: batch,
      decodeKvBytes: batch * kvBytesForContext(deployment.model, contextTokens, deployment.kvDtype),
      decodeAttendedTokenLayers: batch * attendedTokenLayers(deployment.model, contextTokens),
      prefillSequences: 0,
      prefillNewTokens: 0,
      prefillKvBytes: 0,
      prefillAttentionPairs: 0,
    },
    profile,
  );
}

export interface PrefillShape {
  /** Prompts processed together in one forward pass. */
  readonly batch: number;
  /** Prompt length of each sequence, tokens. */
  readonly promptTokens: number;
  /** Leading prompt tokens already in the prefix cache (their prefill is skipped). */
  readonly cachedTokens?: number;
}

/**
 * Prefill time for a batch of prompts (docs/design.md §3.2): GEMM FLOPs ≈ 2 · params · new tokens (LM head
 * only for each sequence's last token), causal attention FLOPs ≈ 4 · layers · d_attn · (q·c + q²/2)
 * for q new tokens after c cached ones (= 2 · layers · d · P² with no cache), run as
 *   T = fixed + layers·perLayer + max(bytes/BW_w, FLOPs_gemm/F_gemm) + FLOPs_attn/F_attn + all-reduce.
 */
export function prefillTime(deployment: Deployment, shape: PrefillShape, profile: StepTimeProfile): StepTimeBreakdown {
  const cached = shape.cachedTokens ?? 0;
  const newPerSequence = shape.promptTokens - cached;
  return stepTimeForBatch(
    deployment,
    {
      decodeSequences: 0,
      decodeKvBytes: 0,
      decodeAttendedTokenLayers: 0,
      prefillSequences: shape.batch,
      prefillNewTokens: shape.batch * newPerSequence,
      prefillKvBytes: shape.batch * kvBytesForContext(deployment.model, shape.promptTokens, deployment.kvDtype),
      prefillAttentionPairs: shape.batch * prefillAttentionPairs(deployment.model, cached, newPerSequence),
    },
    profile,
  );
}
