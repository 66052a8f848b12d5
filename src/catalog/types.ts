/** Plain core types for catalog entries. Validation (zod) lives at the edges, in *-schema.ts. */

/** Numeric formats for weights and KV cache. */
export type Dtype = "fp32" | "bf16" | "fp16" | "fp8" | "int8" | "mxfp4" | "fp4" | "int4";

/** Bytes per element of each numeric format. */
export const bytesPerElement: Readonly<Record<Dtype, number>> = {
  fp32: 4,
  bf16: 2,
  fp16: 2,
  fp8: 1,
  int8: 1,
  // OCP microscaling FP4: 32 four-bit values share one 8-bit scale → 4.25 bits per element
  // (OCP Microscaling Formats MX v1.0 spec, §5; gpt-oss model card "MXFP4 … 4.25 bits per parameter").
  mxfp4: 4.25 / 8,
  fp4: 0.5,
  int4: 0.5,
};

/** Where an entry's figures come from and when they were read. */
export interface Provenance {
  readonly source: string;
  /** ISO date (YYYY-MM-DD or YYYY-MM) the figures were read from the source. */
  readonly sourceDate: string;
}

export interface GpuSpec extends Provenance {
  readonly id: string;
  readonly name: string;
  readonly hbmBytes: number;
  readonly memBandwidthBytesPerSecond: number;
  /** Dense (no sparsity) BF16/FP16 tensor throughput. */
  readonly bf16FlopsPerSecond: number;
  /** Dense FP8 tensor throughput; null where the GPU has no FP8 tensor cores. */
  readonly fp8FlopsPerSecond: number | null;
  /** GPU-to-GPU link bandwidth per direction (half the bidirectional datasheet figure). */
  readonly interconnectBytesPerSecond: number;
  readonly interconnectName: string;
  /** Typical on-demand price: a documented default, always overridable. */
  readonly priceUsdPerHour: number;
}

export interface MoeSpec {
  /** Routed experts per MoE layer (E). */
  readonly experts: number;
  /** Routed experts each token activates (k). */
  readonly expertsPerToken: number;
  readonly expertIntermediateSize: number;
  readonly sharedExperts: number;
  readonly sharedExpertIntermediateSize: number;
  /** Leading layers that use a dense FFN instead of experts (DeepSeek's first_k_dense_replace). */
  readonly denseLayers: number;
  /** gpt-oss style biases on expert projections. */
  readonly expertBias: boolean;
}

/** Multi-head latent attention (DeepSeek-V2/V3): the KV cache stores a compressed latent. */
export interface MlaSpec {
  readonly kvLoraRank: number;
  /** 0 when queries are projected directly (no low-rank query path). */
  readonly qLoraRank: number;
  readonly qkRopeHeadDim: number;
  readonly qkNopeHeadDim: number;
  readonly vHeadDim: number;
}

export interface SlidingWindowSpec {
  readonly windowTokens: number;
  /** How many of the model's layers attend only within the window. */
  readonly layers: number;
}

export interface ModelSpec extends Provenance {
  readonly id: string;
  readonly name: string;
  readonly layers: number;
  readonly hiddenSize: number;
  readonly attentionHeads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** Dense FFN width (used by every layer without experts). */
  readonly intermediateSize: number;
  readonly vocabSize: number;
  readonly tiedEmbeddings: boolean;
  readonly weightDtype: Dtype;
  /**
   * Dtype of the routed-expert weights where the checkpoint quantizes only those (gpt-oss: MXFP4
   * experts, BF16 attention/router/embeddings per quantization_config.modules_to_not_convert).
   * Absent: every weight is in weightDtype.
   */
  readonly expertWeightDtype?: Dtype;
  /** Which attention projections carry biases (Qwen2: q,k,v; gpt-oss: q,k,v,o). */
  readonly attentionBias: "none" | "qkv" | "qkvo";
  /** Gated FFN (SwiGLU: gate, up, down = 3 matrices) vs plain (2). */
  readonly ffnMatrices: 2 | 3;
  readonly moe: MoeSpec | null;
  readonly mla: MlaSpec | null;
  readonly slidingWindow: SlidingWindowSpec | null;
  /** Assumptions made while reading the entry (e.g. a dtype that the config did not state). */
  readonly assumptions: readonly string[];
}

/** One prompt-cache tier of a provider: how long an entry lives and what writing/reading costs. */
export interface CacheTier {
  readonly name: string;
  readonly ttlSeconds: number;
  readonly writeUsdPerMTok: number;
  readonly readUsdPerMTok: number;
  /** Rent for keeping tokens cached, where the provider charges it (Gemini explicit caching). */
  readonly storageUsdPerMTokHour: number;
}

export interface PriceSnapshot extends Provenance {
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly inputUsdPerMTok: number;
  readonly outputUsdPerMTok: number;
  readonly cacheTiers: readonly CacheTier[];
}
