import { countModelParams } from "../catalog/model-params.js";
import { bytesPerElement, type ModelSpec } from "../catalog/types.js";
import type { Deployment } from "./deployment.js";
import { expectedExpertsTouched } from "./experts-touched.js";
import { kvBytesForContext } from "./kv-bytes.js";
import type { StepTimeProfile } from "./step-time-profile.js";

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

/** Width of the attention score/value products per layer (MLA runs in its absorbed latent form). */
function attentionWidth(model: ModelSpec): { qk: number; pv: number } {
  if (model.mla) {
    return {
      qk: model.attentionHeads * (model.mla.kvLoraRank + model.mla.qkRopeHeadDim),
      pv: model.attentionHeads * model.mla.kvLoraRank,
    };
  }
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
  const experts = model.moe
    ? counts.moeLayers * counts.paramsPerExpert * expectedExpertsTouched(model.moe.experts, model.moe.expertsPerToken, tokens)
    : 0;
  // The embedding lookup reads only B rows; the LM head reads its whole matrix (tied or not).
  return ((counts.nonExpertLayerParams + experts + counts.lmHeadParams) * bytesPerElement[model.weightDtype]) / deployment.tensorParallel;
}

/**
 * Decode step time for sequences with the given context lengths (SPEC §3.1), as a sum of
 * sequential kernels rather than the bare max() bound:
 *   T = fixed + layers·perLayer + max(W/BW_w, FLOPs_gemm/F) + max(KV/BW_kv, FLOPs_attn/F) + all-reduce
 * with BW_x = datasheet bandwidth × efficiency and F = datasheet FLOP/s × efficiency.
 */
export function decodeStepTime(deployment: Deployment, contextTokens: readonly number[], profile: StepTimeProfile): StepTimeBreakdown {
  const { model, gpu, tensorParallel: t } = deployment;
  const terms = profile.decode;
  const batch = contextTokens.length;
  const counts = countModelParams(model);
  const width = attentionWidth(model);
  let kvBytes = 0;
  let attendedTokenLayerSum = 0;
  for (const context of contextTokens) {
    kvBytes += kvBytesForContext(model, context, deployment.kvDtype);
    attendedTokenLayerSum += attendedTokenLayers(model, context);
  }
  kvBytes /= t;
  const weightBytes = weightBytesRead(deployment, batch);
  const gemmFlops = (2 * batch * counts.matmulParamsPerToken) / t;
  const attentionFlops = (2 * (width.qk + width.pv) * attendedTokenLayerSum) / t;
  const bandwidth = gpu.memBandwidthBytesPerSecond;
  const flopsPerSecond = gpu.bf16FlopsPerSecond * terms.computeEfficiency;
  const weightSeconds = weightBytes / (bandwidth * terms.weightBandwidthEfficiency);
  const kvSeconds = kvBytes / (bandwidth * terms.kvBandwidthEfficiency);
  const gemmComputeSeconds = gemmFlops / flopsPerSecond;
  const attentionComputeSeconds = attentionFlops / flopsPerSecond;
  const overheadSeconds = terms.fixedSeconds + model.layers * terms.perLayerSeconds;
  const communicationSeconds = allReduceSeconds(deployment, batch, profile);
  const stepSeconds =
    overheadSeconds +
    Math.max(weightSeconds, gemmComputeSeconds) +
    Math.max(kvSeconds, attentionComputeSeconds) +
    communicationSeconds;
  const computeSeconds = gemmComputeSeconds + attentionComputeSeconds;
  return {
    stepSeconds,
    overheadSeconds,
    weightSeconds,
    kvSeconds,
    computeSeconds,
    communicationSeconds,
    bottleneck: bottleneckOf(weightSeconds, kvSeconds, computeSeconds),
    weightBytesRead: weightBytes,
    kvBytesRead: kvBytes,
    flops: gemmFlops + attentionFlops,
  };
}

/** Decode step for `batch` sequences that all hold `contextTokens` tokens. */
export function uniformDecodeStepTime(deployment: Deployment, batch: number, contextTokens: number, profile: StepTimeProfile): StepTimeBreakdown {
  return decodeStepTime(deployment, Array.from({ length: batch }, () => contextTokens), profile);
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
 * Prefill time for a batch of prompts (SPEC §3.2): GEMM FLOPs ≈ 2 · params · new tokens (LM head
 * only for each sequence's last token), causal attention FLOPs ≈ 4 · layers · d_attn · (q·c + q²/2)
 * for q new tokens after c cached ones (= 2 · layers · d · P² with no cache), run as
 *   T = fixed + layers·perLayer + max(bytes/BW_w, FLOPs_gemm/F_gemm) + FLOPs_attn/F_attn + all-reduce.
 */
export function prefillTime(deployment: Deployment, shape: PrefillShape, profile: StepTimeProfile): StepTimeBreakdown {
  const { model, gpu, tensorParallel: t } = deployment;
  const terms = profile.prefill;
  const cached = shape.cachedTokens ?? 0;
  const newPerSequence = shape.promptTokens - cached;
  const newTokens = shape.batch * newPerSequence;
  const counts = countModelParams(model);
  const width = attentionWidth(model);
  const gemmFlops = (2 * newTokens * (counts.matmulParamsPerToken - counts.lmHeadParams) + 2 * shape.batch * counts.lmHeadParams) / t;
  const causalPairs = (attendedTokenLayers(model, shape.promptTokens) / shape.promptTokens) * (newPerSequence * cached + (newPerSequence * newPerSequence) / 2);
  const attentionFlops = (2 * (width.qk + width.pv) * shape.batch * causalPairs) / t;
  const kvBytes =
    (shape.batch * (kvBytesForContext(model, shape.promptTokens, deployment.kvDtype))) / t; // write new + read cached
  const weightBytes = weightBytesRead(deployment, newTokens);
  const bandwidth = gpu.memBandwidthBytesPerSecond * terms.weightBandwidthEfficiency;
  const weightSeconds = weightBytes / bandwidth;
  const kvSeconds = kvBytes / bandwidth;
  const gemmComputeSeconds = gemmFlops / (gpu.bf16FlopsPerSecond * terms.computeEfficiency);
  const attentionComputeSeconds = attentionFlops / (gpu.bf16FlopsPerSecond * terms.attentionEfficiency);
  const overheadSeconds = terms.fixedSeconds + model.layers * terms.perLayerSeconds;
  const communicationSeconds = allReduceSeconds(deployment, newTokens, profile);
  const stepSeconds =
    overheadSeconds + Math.max(weightSeconds + kvSeconds, gemmComputeSeconds) + attentionComputeSeconds + communicationSeconds;
  const computeSeconds = gemmComputeSeconds + attentionComputeSeconds;
  return {
    stepSeconds,
    overheadSeconds,
    weightSeconds,
    kvSeconds,
    computeSeconds,
    communicationSeconds,
    bottleneck: bottleneckOf(weightSeconds, kvSeconds, computeSeconds),
    weightBytesRead: weightBytes,
    kvBytesRead: kvBytes,
    flops: gemmFlops + attentionFlops,
  };
}
