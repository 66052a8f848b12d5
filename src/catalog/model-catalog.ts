import { modelFromHfConfig } from "./hf-config.js";
import type { ModelSpec } from "./types.js";

/**
 * Built-in models, written as the fields of each model's published Hugging Face config.json and
 * read through the same parser users' --model-config files go through (one code path).
 */
interface BuiltInModel {
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
}

const llama3 = { vocab_size: 128256, torch_dtype: "bfloat16", tie_word_embeddings: false, model_type: "llama" };
const qwen25 = { vocab_size: 152064, torch_dtype: "bfloat16", tie_word_embeddings: false, model_type: "qwen2" };

const entries: readonly BuiltInModel[] = [
  {
    id: "llama-3-8b",
    name: "Llama-3 / 3.1 8B",
    aliases: ["llama-3.1-8b", "meta-llama-3-8b", "meta-llama-3.1-8b"],
    config: { ...llama3, num_hidden_layers: 32, hidden_size: 4096, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336 },
  },
  {
    id: "llama-3-70b",
    name: "Llama-3 / 3.1 70B",
    aliases: ["llama-3.1-70b", "meta-llama-3-70b", "meta-llama-3.1-70b"],
    config: { ...llama3, num_hidden_layers: 80, hidden_size: 8192, num_attention_heads: 64, num_key_value_heads: 8, intermediate_size: 28672 },
  },
  {
    id: "llama-3.1-405b",
    name: "Llama-3.1 405B",
    aliases: ["meta-llama-3.1-405b", "llama-405b"],
    config: { ...llama3, num_hidden_layers: 126, hidden_size: 16384, num_attention_heads: 128, num_key_value_heads: 8, intermediate_size: 53248 },
  },
  {
    id: "llama-3.2-1b",
    name: "Llama-3.2 1B",
    aliases: ["meta-llama-3.2-1b"],
    config: { ...llama3, tie_word_embeddings: true, num_hidden_layers: 16, hidden_size: 2048, num_attention_heads: 32, num_key_value_heads: 8, head_dim: 64, intermediate_size: 8192 },
  },
  {
    id: "llama-3.2-3b",
    name: "Llama-3.2 3B",
    aliases: ["meta-llama-3.2-3b"],
    config: { ...llama3, tie_word_embeddings: true, num_hidden_layers: 28, hidden_size: 3072, num_attention_heads: 24, num_key_value_heads: 8, head_dim: 128, intermediate_size: 8192 },
  },
  {
    id: "mistral-7b",
    name: "Mistral-7B v0.1",
    aliases: ["mistral-7b-v0.1"],
    config: { model_type: "mistral", vocab_size: 32000, torch_dtype: "bfloat16", tie_word_embeddings: false, num_hidden_layers: 32, hidden_size: 4096, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336, sliding_window: 4096 },
  },
  {
    id: "mixtral-8x7b",
    name: "Mixtral-8x7B v0.1",
    aliases: ["mixtral-8x7b-v0.1"],
    config: { model_type: "mixtral", vocab_size: 32000, torch_dtype: "bfloat16", tie_word_embeddings: false, num_hidden_layers: 32, hidden_size: 4096, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336, num_local_experts: 8, num_experts_per_tok: 2 },
  },
  {
    id: "qwen2.5-7b",
    name: "Qwen2.5-7B",
    aliases: ["qwen-2.5-7b"],
    config: { ...qwen25, num_hidden_layers: 28, hidden_size: 3584, num_attention_heads: 28, num_key_value_heads: 4, intermediate_size: 18944 },
  },
  {
    id: "qwen2.5-14b",
    name: "Qwen2.5-14B",
    aliases: ["qwen-2.5-14b"],
    config: { ...qwen25, num_hidden_layers: 48, hidden_size: 5120, num_attention_heads: 40, num_key_value_heads: 8, intermediate_size: 13824 },
  },
  {
    id: "qwen2.5-72b",
    name: "Qwen2.5-72B",
    aliases: ["qwen-2.5-72b"],
    config: { ...qwen25, num_hidden_layers: 80, hidden_size: 8192, num_attention_heads: 64, num_key_value_heads: 8, intermediate_size: 29568 },
  },
  {
    id: "qwen3-30b-a3b",
    name: "Qwen3-30B-A3B",
    aliases: ["qwen3-moe-30b"],
    config: { model_type: "qwen3_moe", vocab_size: 151936, torch_dtype: "bfloat16", tie_word_embeddings: false, num_hidden_layers: 48, hidden_size: 2048, num_attention_heads: 32, num_key_value_heads: 4, head_dim: 128, intermediate_size: 6144, moe_intermediate_size: 768, num_experts: 128, num_experts_per_tok: 8, mlp_only_layers: [] },
  },
  {
    id: "deepseek-v3",
    name: "DeepSeek-V3 (671B, FP8 weights)",
    aliases: ["deepseek-v3-671b", "deepseek-r1"],
    config: { model_type: "deepseek_v3", vocab_size: 129280, torch_dtype: "bfloat16", quantization_config: { quant_method: "fp8" }, tie_word_embeddings: false, num_hidden_layers: 61, hidden_size: 7168, num_attention_heads: 128, num_key_value_heads: 128, intermediate_size: 18432, moe_intermediate_size: 2048, n_routed_experts: 256, n_shared_experts: 1, num_experts_per_tok: 8, first_k_dense_replace: 3, kv_lora_rank: 512, q_lora_rank: 1536, qk_rope_head_dim: 64, qk_nope_head_dim: 128, v_head_dim: 128 },
  },
  {
    id: "gpt-oss-120b",
    name: "gpt-oss-120b",
    aliases: ["openai-gpt-oss-120b"],
    config: { model_type: "gpt_oss", vocab_size: 201088, torch_dtype: "bfloat16", tie_word_embeddings: false, num_hidden_layers: 36, hidden_size: 2880, num_attention_heads: 64, num_key_value_heads: 8, head_dim: 64, intermediate_size: 2880, num_local_experts: 128, num_experts_per_tok: 4, attention_bias: true, quantization_config: { quant_method: "mxfp4", modules_to_not_convert: ["model.layers.*.self_attn", "model.layers.*.mlp.router", "model.embed_tokens", "lm_head"] }, sliding_window: 128, layer_types: Array.from({ length: 36 }, (_, i) => (i % 2 === 0 ? "sliding_attention" : "full_attention")) },
  },
];

export interface CatalogModel {
  readonly spec: ModelSpec;
  readonly aliases: readonly string[];
}

/** Built-in models parsed once from their config.json fields. */
export const builtInModels: readonly CatalogModel[] = entries.map((entry) => ({
  aliases: entry.aliases,
  spec: modelFromHfConfig(entry.config, {
    id: entry.id,
    name: entry.name,
    source: `Hugging Face config.json of ${entry.name}`,
    sourceDate: "2026-11-23",
    where: `built-in model ${entry.id}`,
  }),
}));
