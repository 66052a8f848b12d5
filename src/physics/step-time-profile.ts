/**
 * The efficiency and overhead terms of the step-time model (docs/design.md §3.1, §3.2, §3.9). Every term is
 * per step, per layer, per byte or per FLOP — never per model — so a profile fitted on one model
 * of a GPU predicts other models on that GPU.
 */
export interface DecodeTerms {
  /** Per step: scheduling, sampling, graph launch. */
  readonly fixedSeconds: number;
  /** Per transformer layer per step: kernel launch and tail latency of ~10 small kernels. */
  readonly perLayerSeconds: number;
  /** Per sequence in the step: attention-kernel and sampling work that grows with the batch. */
  readonly perSequenceSeconds: number;
  /** Sustained share of datasheet bandwidth when streaming weights through batched GEMVs/GEMMs. */
  readonly weightBandwidthEfficiency: number;
  /** Sustained share of datasheet bandwidth for paged-attention KV reads. */
  readonly kvBandwidthEfficiency: number;
  /** Sustained share of datasheet dense FLOP/s for decode GEMMs once compute-bound. */
  readonly computeEfficiency: number;
}

export interface PrefillTerms {
  readonly fixedSeconds: number;
  readonly perLayerSeconds: number;
  readonly perSequenceSeconds: number;
  /** Sustained share of datasheet dense FLOP/s in the prompt's projection and FFN GEMMs. */
  readonly computeEfficiency: number;
  /** Sustained share of datasheet dense FLOP/s in causal flash attention. */
  readonly attentionEfficiency: number;
  readonly weightBandwidthEfficiency: number;
}

export interface StepTimeProfile {
  readonly name: string;
  /** GPU the profile was fitted on; null for the built-in defaults (GPU-independent shares). */
  readonly gpuId: string | null;
  readonly decode: DecodeTerms;
  readonly prefill: PrefillTerms;
  /** Per all-reduce latency under tensor parallelism (two all-reduces per layer). */
  readonly allReduceLatencySeconds: number;
  /** Sustained share of the interconnect's per-direction bandwidth in ring all-reduce. */
  readonly interconnectEfficiency: number;
  readonly source: string;
}

/**
 * Documented defaults for an uncalibrated prediction on datasheet figures.
 * - Bandwidth: sustained HBM bandwidth on real kernels is 80–92 % of the datasheet (REFERENCE.md);
 *   weight streaming sits near the top of that range, paged KV gathers lower.
 * - Compute: large bf16 GEMMs sustain ~60–70 % of dense peak on H100-class parts. Causal flash
 *   attention's measured efficiency rises with prompt length (FlashAttention-3 forward on H100:
 *   ~48 % of peak at 2k tokens, 62 % at 4k, 71 % at 8k, in NVIDIA aiconfigurator's kernel tables);
 *   a fixed ~26 µs per layer plus 75 % of peak reproduces that curve, so the prefill per-layer term
 *   carries the attention call's fixed cost and attention runs at 0.75 beyond it.
 * - Overheads: a CUDA-graph decode step still pays ~10 kernel tails per layer (~25 µs) and a
 *   fixed ~0.4 ms for sampling and scheduling; prefill runs eagerly and pays more per layer.
 *   Each sequence adds ~4.5 µs per step (decode attention costs ~0.24 µs per sequence per layer
 *   in NVIDIA aiconfigurator's H100 kernel tables; BLIS's fitted model has 4.42 µs per request).
 * - Checked against the one clean public end-to-end point found: Llama-3.1-8B on H100 with vLLM,
 *   one request, 6.48 ms per output token; this profile predicts 6.50 ms at 512 tokens of context.
 * The max() roofline bound alone underpredicts real decode steps by ~30 % and prefill by ~40 %.
 */
export const defaultStepTimeProfile: StepTimeProfile = {
  name: "default",
  gpuId: null,
  decode: {
    fixedSeconds: 0.4e-3,
    perLayerSeconds: 25e-6,
    perSequenceSeconds: 4.5e-6,
    weightBandwidthEfficiency: 0.85,
    kvBandwidthEfficiency: 0.8,
    computeEfficiency: 0.6,
  },
  prefill: {
    fixedSeconds: 0.6e-3,
    perLayerSeconds: 60e-6,
    perSequenceSeconds: 4.5e-6,
    computeEfficiency: 0.6,
    attentionEfficiency: 0.75,
    weightBandwidthEfficiency: 0.85,
  },
  allReduceLatencySeconds: 10e-6,
  interconnectEfficiency: 0.7,
  source: "Goodput defaults (datasheet × documented sustained shares + overhead terms)",
};

/** Largest efficiency share a profile may carry (the calibration loader's bound): above it a fit has run away. */
export const maxEfficiencyShare = 1.5;

/**
 * What makes a set of terms implausible: a share that is not in (0, 1.5] or an overhead that is
 * negative, not finite or over one second per step. Empty when the terms are usable.
 */
export function termProblems(terms: DecodeTerms | PrefillTerms): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(terms) as [string, number][]) {
    if (key.endsWith("Efficiency")) {
      if (!(value > 0 && value <= maxEfficiencyShare)) problems.push(`${key} = ${value} is outside (0, ${maxEfficiencyShare}]`);
    } else if (!(value >= 0 && value < 1)) problems.push(`${key} = ${value} s is outside [0, 1)`);
  }
  return problems;
}
