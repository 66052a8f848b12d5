import type { Dtype, GpuSpec, ModelSpec } from "../catalog/types.js";
import { GoodputError } from "../errors.js";

/** One model served on `tensorParallel` identical GPUs (one replica). */
export interface Deployment {
  readonly model: ModelSpec;
  readonly gpu: GpuSpec;
  readonly tensorParallel: number;
  readonly kvDtype: Dtype;
}

/** Tensor-parallel degree 1, KV cache in the model's 16-bit type (vLLM's "auto" for 16-bit checkpoints). */
export function singleGpuDeployment(model: ModelSpec, gpu: GpuSpec, kvDtype?: Dtype): Deployment {
  return { model, gpu, tensorParallel: 1, kvDtype: kvDtype ?? (model.weightDtype === "fp16" ? "fp16" : "bf16") };
}

/**
 * vLLM's tensor-parallel rules (ModelConfig.verify_with_parallel_config and get_num_kv_heads):
 * the attention heads must divide evenly over the ranks; KV heads must too, or TP must be a
 * multiple of them (each KV head then replicated TP / H_kv times). MLA has no KV heads to split.
 */
export function checkTensorParallel(model: ModelSpec, tensorParallel: number): void {
  const t = tensorParallel;
  if (model.attentionHeads % t !== 0) {
    const divisors = Array.from({ length: model.attentionHeads }, (_, i) => i + 1).filter((d) => model.attentionHeads % d === 0 && d <= 64);
    throw new GoodputError(
      "BAD_INPUT",
      `--tp ${t}: ${model.id} has ${model.attentionHeads} attention heads, which do not divide over ${t} ranks (vLLM refuses this too); use one of ${divisors.join(", ")}.`,
      { where: "--tp" },
    );
  }
  if (model.mla) return;
  const h = model.kvHeads;
  const ok = t >= h ? t % h === 0 : h % t === 0;
  if (!ok) {
    throw new GoodputError(
      "BAD_INPUT",
      `--tp ${t}: ${model.id} has ${h} KV heads; vLLM needs TP to divide them or be a multiple of them (${t} is neither); use a power of two.`,
      { where: "--tp" },
    );
  }
}
