import type { Dtype, GpuSpec, ModelSpec } from "../catalog/types.js";

/** One model served on `tensorParallel` identical GPUs (one replica). */
export interface Deployment {
  readonly model: ModelSpec;
  readonly gpu: GpuSpec;
  readonly tensorParallel: number;
  readonly kvDtype: Dtype;
}

/** Tensor-parallel degree 1, KV cache in the model's weight dtype (vLLM's "auto"). */
export function singleGpuDeployment(model: ModelSpec, gpu: GpuSpec, kvDtype?: Dtype): Deployment {
  return { model, gpu, tensorParallel: 1, kvDtype: kvDtype ?? (model.weightDtype === "fp8" ? "bf16" : model.weightDtype) };
}
