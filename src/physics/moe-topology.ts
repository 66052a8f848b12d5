import { countModelParams } from "../catalog/model-params.js";
import { bytesPerElement } from "../catalog/types.js";
import { GoodputError } from "../errors.js";
import type { Deployment } from "./deployment.js";
import { deployableLayout, type DeployableLayout } from "./deployable-layout.js";
import { expectedExpertsTouched } from "./experts-touched.js";
import { kvBytesForContext, kvSharePerRank } from "./kv-bytes.js";
import { expertBytesPerParam, peakFlopsPerSecond, residentWeightBytes } from "./weight-bytes.js";
import type { StepTimeProfile } from "./step-time-profile.js";

export type MoeLimit = "compute" | "memory" | "communication";

export interface MoeTopologyInput {
  /** GPUs the model is spread over (experts split evenly: expert parallelism = gpus). */
  readonly gpus: number;
  readonly batches: readonly number[];
  readonly contextTokens: number;
  /** Per-direction link bandwidth for all-to-all, bytes/s (default: the GPU's interconnect). */
  readonly linkBytesPerSecond?: number;
  /** Fixed latency per dispatch or combine message round (default 10 µs). */
  readonly messageLatencySeconds?: number;
  readonly gpuMemoryUtilization?: number;
  readonly reservedBytesPerGpu?: number;
  readonly profile: StepTimeProfile;
}

export interface MoeBatchRow {
  readonly batch: number;
  /** E · (1 − (1 − k/E)^B): distinct routed experts one MoE layer touches in a decode step. */
  readonly expertsTouchedPerLayer: number;
  readonly weightBytesReadPerGpu: number;
  readonly kvBytesReadPerGpu: number;
  readonly memorySeconds: number;
  readonly computeSeconds: number;
  /** Dispatch + combine ≈ 2 · B · k · hidden · bytes per MoE layer across the link. */
  readonly communicationSeconds: number;
  readonly communicationBytesPerStep: number;
  readonly limitedBy: MoeLimit;
}

export interface MoeTopologyResult {
  readonly totalParams: number;
  readonly activeParams: number;
  readonly residentWeightBytes: number;
  readonly activeWeightBytes: number;
  readonly usableBytesPerGpu: number;
  /** GPUs needed to hold the weights alone (residency follows total params). */
  readonly gpusForResidency: number;
  /** The layout to deploy for residency: powers of two within a node, whole nodes beyond. */
  readonly layout: DeployableLayout;
  readonly fitsOnGivenGpus: boolean;
  readonly expertsPerGpu: number;
  readonly rows: readonly MoeBatchRow[];
}

/**
 * MoE topology (docs/design.md §3.5): residency from total parameters, compute from active ones, weight
 * reads that grow with batch until every expert is touched, and expert all-to-all over the link.
 * Activations cross the link in bf16.
 */
export function computeMoeTopology(deployment: Deployment, input: MoeTopologyInput): MoeTopologyResult {
  const { model, gpu } = deployment;
  if (!model.moe) {
    throw new GoodputError("BAD_INPUT", `${model.id} is a dense model (no experts); 'calc moe' needs a MoE model such as mixtral-8x7b, qwen3-30b-a3b or deepseek-v3.`, { where: "--model" });
  }
  const moe = model.moe;
  const counts = countModelParams(model);
  const weightBytes = bytesPerElement[model.weightDtype];
  const usable = gpu.hbmBytes * (input.gpuMemoryUtilization ?? 0.9) - (input.reservedBytesPerGpu ?? 2 * 2 ** 30);
  const resident = residentWeightBytes(model);
  const link = input.linkBytesPerSecond ?? gpu.interconnectBytesPerSecond;
  const latency = input.messageLatencySeconds ?? 10e-6;
  const g = input.gpus;
  // FP8 weights run FP8 GEMMs where the GPU has them.
  const peakFlops = peakFlopsPerSecond(model, gpu);
  const rows = input.batches.map((batch): MoeBatchRow => {
    const touched = expectedExpertsTouched(moe.experts, moe.expertsPerToken, batch);
    const weightBytesReadPerGpu =
      ((counts.nonExpertLayerParams + counts.lmHeadParams) * weightBytes + counts.moeLayers * touched * counts.paramsPerExpert * expertBytesPerParam(model)) / g;
    const kvBytesReadPerGpu = batch * kvBytesForContext(model, input.contextTokens, deployment.kvDtype) * kvSharePerRank(model, g);
    const memorySeconds =
      weightBytesReadPerGpu / (gpu.memBandwidthBytesPerSecond * input.profile.decode.weightBandwidthEfficiency) +
      kvBytesReadPerGpu / (gpu.memBandwidthBytesPerSecond * input.profile.decode.kvBandwidthEfficiency);
    const computeSeconds = (2 * batch * counts.matmulParamsPerToken) / g / (peakFlops * input.profile.decode.computeEfficiency);
    // Each token's hidden state goes to k experts and comes back; (g−1)/g of them live elsewhere.
    const communicationBytesPerStep = g > 1 ? counts.moeLayers * 2 * batch * moe.expertsPerToken * model.hiddenSize * 2 * ((g - 1) / g) : 0;
    const communicationSeconds = g > 1 ? communicationBytesPerStep / g / (link * input.profile.interconnectEfficiency) + counts.moeLayers * 2 * latency : 0;
    const limitedBy: MoeLimit =
      communicationSeconds >= memorySeconds && communicationSeconds >= computeSeconds ? "communication" : computeSeconds >= memorySeconds ? "compute" : "memory";
    return { batch, expertsTouchedPerLayer: touched, weightBytesReadPerGpu, kvBytesReadPerGpu, memorySeconds, computeSeconds, communicationSeconds, communicationBytesPerStep, limitedBy };
  });
  const gpusForResidency = Math.ceil(resident / usable);
  return {
    totalParams: counts.totalParams,
    activeParams: counts.activeParams,
    residentWeightBytes: resident,
    activeWeightBytes: counts.activeParams * weightBytes,
    usableBytesPerGpu: usable,
    gpusForResidency,
    layout: deployableLayout(gpusForResidency, gpu),
    fitsOnGivenGpus: g >= gpusForResidency,
    expertsPerGpu: moe.experts / g,
    rows,
  };
}
