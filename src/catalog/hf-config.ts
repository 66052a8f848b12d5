import { z } from "zod";
import { GoodputError } from "../errors.js";
import type { Dtype, MlaSpec, ModelSpec, MoeSpec, SlidingWindowSpec } from "./types.js";

/**
 * Reads a Hugging Face `config.json` by its own field names (Llama, Mistral, Mixtral, Qwen2/3,
 * Qwen3-MoE, DeepSeek-V2/V3, gpt-oss). Unknown fields are ignored; fields the physics needs
 * must be present and positive, and every missing or bad one is reported at once.
 */
const positiveInt = z.number().int().positive();
const hfConfigSchema = z.looseObject({
  model_type: z.string().optional(),
  num_hidden_layers: positiveInt,
  hidden_size: positiveInt,
  num_attention_heads: positiveInt,
  num_key_value_heads: positiveInt.optional(),
  head_dim: positiveInt.nullish(),
  intermediate_size: positiveInt,
  vocab_size: positiveInt,
  tie_word_embeddings: z.boolean().optional(),
  torch_dtype: z.string().nullish(),
  dtype: z.string().nullish(),
  attention_bias: z.boolean().optional(),
  // Mixtral / gpt-oss name the expert count num_local_experts; Qwen-MoE num_experts; DeepSeek n_routed_experts.
  num_local_experts: positiveInt.optional(),
  num_experts: positiveInt.optional(),
  n_routed_experts: positiveInt.optional(),
  num_experts_per_tok: positiveInt.optional(),
  experts_per_token: positiveInt.optional(),
  moe_intermediate_size: positiveInt.optional(),
  n_shared_experts: z.number().int().nonnegative().nullish(),
  shared_expert_intermediate_size: z.number().int().nonnegative().optional(),
  first_k_dense_replace: z.number().int().nonnegative().optional(),
  mlp_only_layers: z.array(z.number().int().nonnegative()).optional(),
  kv_lora_rank: positiveInt.nullish(),
  q_lora_rank: positiveInt.nullish(),
  qk_rope_head_dim: positiveInt.optional(),
  qk_nope_head_dim: positiveInt.optional(),
  v_head_dim: positiveInt.optional(),
  sliding_window: positiveInt.nullish(),
  use_sliding_window: z.boolean().optional(),
  layer_types: z.array(z.string()).optional(),
  hidden_act: z.string().optional(),
  quantization_config: z
    .looseObject({
      quant_method: z.string().optional(),
      bits: z.number().int().positive().optional(),
      modules_to_not_convert: z.array(z.string()).nullish(),
    })
    .optional(),
});

type HfConfig = z.infer<typeof hfConfigSchema>;

export interface HfModelIdentity {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly sourceDate: string;
  /** File (or catalog entry) the config came from, for error messages. */
  readonly where: string;
}

const dtypeNames: Readonly<Record<string, Dtype>> = {
  float32: "fp32",
  bfloat16: "bf16",
  float16: "fp16",
  fp8: "fp8",
  float8_e4m3fn: "fp8",
  int8: "int8",
  fp4: "fp4",
  mxfp4: "mxfp4",
  int4: "int4",
};

function readTorchDtype(config: HfConfig, assumptions: string[], where: string): Dtype {
  const named = config.torch_dtype ?? config.dtype;
  if (named === null || named === undefined) {
    assumptions.push("config.json states no torch_dtype: weights assumed bf16 (override with --weight-dtype)");
    return "bf16";
  }
  const dtype = dtypeNames[named];
  if (dtype === undefined) {
    throw new GoodputError(
      "MODEL_CONFIG_FIELD",
      `${where}: unknown torch_dtype "${named}" (known: ${Object.keys(dtypeNames).join(", ")}); fix the field or pass --weight-dtype.`,
      { where: `${where}: torch_dtype` },
    );
  }
  return dtype;
}

interface WeightDtypes {
  readonly weightDtype: Dtype;
  readonly expertWeightDtype?: Dtype;
}

/**
 * Weight storage from quantization_config (what vLLM loads), else torch_dtype:
 *   fp8 (DeepSeek-V3 block FP8)        → every linear weight FP8
 *   mxfp4 (gpt-oss)                    → routed experts MXFP4; modules_to_not_convert (attention,
 *                                        router, embeddings, LM head) stay in torch_dtype
 *   awq / gptq with bits 4 or 8        → int4 / int8 weight-only
 * Anything else is reported as not modelled (weights counted in torch_dtype).
 */
function readWeightDtypes(config: HfConfig, assumptions: string[], where: string): WeightDtypes {
  const quant = config.quantization_config;
  const method = quant?.quant_method;
  if (method === "fp8") {
    assumptions.push("weights are FP8 (quantization_config.quant_method = fp8): 1 byte per parameter, FP8 tensor-core peak where the GPU has one");
    return { weightDtype: "fp8" };
  }
  const base = readTorchDtype(config, assumptions, where);
  if (method === "mxfp4") {
    const isMoe = (config.num_local_experts ?? config.num_experts ?? config.n_routed_experts ?? 1) > 1;
    if (isMoe) {
      assumptions.push(
        `routed-expert weights are MXFP4 (quantization_config.quant_method = mxfp4: 4.25 bits per parameter); attention, router, embeddings and LM head stay ${base} (modules_to_not_convert); compute assumed at the ${base} peak (weight-only dequantization)`,
      );
      return { weightDtype: base, expertWeightDtype: "mxfp4" };
    }
    assumptions.push("weights are MXFP4 (quantization_config.quant_method = mxfp4: 4.25 bits per parameter); compute assumed at the bf16 peak");
    return { weightDtype: "mxfp4" };
  }
  if ((method === "awq" || method === "gptq") && (quant?.bits === 4 || quant?.bits === 8)) {
    const dtype: Dtype = quant.bits === 4 ? "int4" : "int8";
    assumptions.push(`weights are ${dtype} (quantization_config: ${method}, bits = ${quant.bits}; group scales not counted); compute assumed at the 16-bit peak (weight-only)`);
    return { weightDtype: dtype };
  }
  if (method !== undefined) {
    assumptions.push(`quantization_config.quant_method = ${method} is not modelled: weights counted as ${base} (override with --weight-dtype)`);
  }
  return { weightDtype: base };
}

function readMoe(config: HfConfig, where: string): MoeSpec | null {
  const experts = config.num_local_experts ?? config.num_experts ?? config.n_routed_experts;
  if (experts === undefined || experts <= 1) return null;
  const expertsPerToken = config.num_experts_per_tok ?? config.experts_per_token;
  if (expertsPerToken === undefined) {
    throw new GoodputError(
      "MODEL_CONFIG_FIELD",
      `${where}: the model has ${experts} experts but no num_experts_per_tok; add the number of experts each token activates.`,
      { where: `${where}: num_experts_per_tok` },
    );
  }
  const sharedExperts = config.n_shared_experts ?? 0;
  const expertIntermediateSize = config.moe_intermediate_size ?? config.intermediate_size;
  const denseLayers =
    config.first_k_dense_replace ?? (config.mlp_only_layers ? config.mlp_only_layers.length : 0);
  return {
    experts,
    expertsPerToken,
    expertIntermediateSize,
    sharedExperts,
    sharedExpertIntermediateSize:
      sharedExperts > 0 ? (config.shared_expert_intermediate_size ?? expertIntermediateSize) : 0,
    denseLayers,
    expertBias: config.model_type === "gpt_oss",
  };
}

function readMla(config: HfConfig, where: string): MlaSpec | null {
  if (config.kv_lora_rank === null || config.kv_lora_rank === undefined) return null;
  const missing = (["qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim"] as const).filter(
    (field) => config[field] === undefined,
  );
  if (missing.length > 0) {
    throw new GoodputError(
      "MODEL_CONFIG_FIELD",
      `${where}: kv_lora_rank is set (multi-head latent attention) but ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing; add them from the model card.`,
      { where: `${where}: ${missing.join(", ")}`, issues: missing },
    );
  }
  return {
    kvLoraRank: config.kv_lora_rank,
    qLoraRank: config.q_lora_rank ?? 0,
    qkRopeHeadDim: config.qk_rope_head_dim ?? 0,
    qkNopeHeadDim: config.qk_nope_head_dim ?? 0,
    vHeadDim: config.v_head_dim ?? 0,
  };
}

function readSlidingWindow(config: HfConfig): SlidingWindowSpec | null {
  const window = config.sliding_window;
  if (window === null || window === undefined) return null;
  if (config.layer_types !== undefined) {
    const layers = config.layer_types.filter((type) => type === "sliding_attention").length;
    return layers > 0 ? { windowTokens: window, layers } : null;
  }
  // Qwen configs carry a sliding_window value that is off unless use_sliding_window is true.
  if (config.use_sliding_window === false) return null;
  return { windowTokens: window, layers: config.num_hidden_layers };
}

/** A bad value as the user can recognise it, cut to 40 characters so an odd file is not printed whole. */
function shortValue(value: unknown): string {
  const text = (JSON.stringify(value) as string | undefined) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** Builds a ModelSpec from a parsed config.json object; throws one error listing every bad field. */
export function modelFromHfConfig(raw: unknown, identity: HfModelIdentity): ModelSpec {
  // Name the kind, never the content: a path typo can point at any file (e.g. ../../etc/passwd).
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    const kind = raw === null ? "null" : Array.isArray(raw) ? "an array" : `a ${typeof raw}`;
    throw new GoodputError(
      "MODEL_CONFIG_FIELD",
      `${identity.where}: config.json must be a JSON object of the model's fields (num_hidden_layers, hidden_size, …), but the file holds ${kind}; check that the path names the model's config.json.`,
      { where: identity.where },
    );
  }
  const parsed = hfConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const field = issue.path.join(".") || "(root)";
      const got = issue.path.reduce<unknown>(
        (value, key) =>
          typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined,
        raw,
      );
      return got === undefined
        ? `${field}: missing — add it from the model's config.json`
        : `${field}: ${shortValue(got)} is not valid (${issue.message})`;
    });
    throw new GoodputError(
      "MODEL_CONFIG_FIELD",
      `${identity.where}: config.json cannot describe the model:\n  - ${issues.join("\n  - ")}`,
      { where: identity.where, issues },
    );
  }
  const config = parsed.data;
  const assumptions: string[] = [];
  const headDim = config.head_dim ?? config.hidden_size / config.num_attention_heads;
  if (!Number.isInteger(headDim)) {
    throw new GoodputError(
      "MODEL_CONFIG_FIELD",
      `${identity.where}: head_dim is missing and hidden_size / num_attention_heads = ${headDim} is not a whole number; add head_dim.`,
      { where: `${identity.where}: head_dim` },
    );
  }
  if (config.num_key_value_heads === undefined) {
    assumptions.push("num_key_value_heads missing: multi-head attention assumed (KV heads = attention heads)");
  }
  const mla = readMla(config, identity.where);
  return {
    id: identity.id,
    name: identity.name,
    source: identity.source,
    sourceDate: identity.sourceDate,
    layers: config.num_hidden_layers,
    hiddenSize: config.hidden_size,
    attentionHeads: config.num_attention_heads,
    kvHeads: config.num_key_value_heads ?? config.num_attention_heads,
    headDim: mla ? mla.qkNopeHeadDim + mla.qkRopeHeadDim : headDim,
    intermediateSize: config.intermediate_size,
    vocabSize: config.vocab_size,
    tiedEmbeddings: config.tie_word_embeddings ?? false,
    ...readWeightDtypes(config, assumptions, identity.where),
    // Qwen2 / Qwen2.5 put biases on q, k, v (not o) without declaring attention_bias.
    attentionBias: config.model_type === "qwen2" ? "qkv" : config.attention_bias === true ? "qkvo" : "none",
    ffnMatrices: 3,
    moe: readMoe(config, identity.where),
    mla,
    slidingWindow: readSlidingWindow(config),
    assumptions,
  };
}
