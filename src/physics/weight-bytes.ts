import { countModelParams } from "../catalog/model-params.js";
import { bytesPerElement, type Dtype, type ModelSpec } from "../catalog/types.js";

/** Bytes per parameter of the routed experts (their own dtype where the checkpoint quantizes only them). */
export function expertBytesPerParam(model: ModelSpec): number {
  return bytesPerElement[model.expertWeightDtype ?? model.weightDtype];
}

/** Bytes of weights resident in HBM (all experts included: residency follows total params). */
export function residentWeightBytes(model: ModelSpec): number {
  const counts = countModelParams(model);
  const routedParams = counts.moeLayers * counts.paramsPerExpert * (model.moe?.experts ?? 0);
  return (counts.totalParams - routedParams) * bytesPerElement[model.weightDtype] + routedParams * expertBytesPerParam(model);
}

/** The dtype the GEMMs run in: FP8 weights use FP8 tensor cores where the GPU has them (W8A8), else 16-bit. */
export function computeDtype(model: ModelSpec, gpu: { readonly fp8FlopsPerSecond: number | null }): Dtype {
  return model.weightDtype === "fp8" && gpu.fp8FlopsPerSecond !== null ? "fp8" : "bf16";
}

/** Dense peak FLOP/s the model's GEMMs can use on this GPU (see computeDtype). */
export function peakFlopsPerSecond(model: ModelSpec, gpu: { readonly bf16FlopsPerSecond: number; readonly fp8FlopsPerSecond: number | null }): number {
  return computeDtype(model, gpu) === "fp8" && gpu.fp8FlopsPerSecond !== null ? gpu.fp8FlopsPerSecond : gpu.bf16FlopsPerSecond;
}
