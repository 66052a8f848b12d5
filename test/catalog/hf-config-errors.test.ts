import { goodputErrorOf } from "../goodput-error-of.js";
import { describe, expect, it } from "vitest";
import { modelFromHfConfig } from "../../src/catalog/hf-config.js";
import { GoodputError } from "../../src/errors.js";

const identity = { id: "x", name: "x", source: "test", sourceDate: "2026-11", where: "my/config.json" };
const llama = { num_hidden_layers: 32, hidden_size: 4096, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336, vocab_size: 128256, torch_dtype: "bfloat16" };

const errorOf = (raw: unknown): GoodputError => goodputErrorOf(() => modelFromHfConfig(raw, identity));

describe("modelFromHfConfig() rejects configs that cannot describe a model", () => {
  it("names the file and every missing field at once", () => {
    const { num_hidden_layers: _layers, vocab_size: _vocab, ...rest } = llama;
    const error = errorOf(rest);
    expect(error.code).toBe("MODEL_CONFIG_FIELD");
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("my/config.json");
    expect(error.issues.join("\n")).toMatch(/num_hidden_layers: missing/);
    expect(error.issues.join("\n")).toMatch(/vocab_size: missing/);
  });

  it("shows the bad value of a wrong-typed field", () => {
    const error = errorOf({ ...llama, hidden_size: -4096 });
    expect(error.message).toContain("hidden_size: -4096");
  });

  it("asks for MLA dimensions when kv_lora_rank is present without them", () => {
    const error = errorOf({ ...llama, kv_lora_rank: 512 });
    expect(error.message).toMatch(/qk_rope_head_dim, qk_nope_head_dim, v_head_dim/);
  });

  it("asks for num_experts_per_tok on a MoE config", () => {
    expect(errorOf({ ...llama, num_local_experts: 8 }).message).toMatch(/num_experts_per_tok/);
  });

  it("rejects an unknown torch_dtype with the known ones", () => {
    expect(errorOf({ ...llama, torch_dtype: "float12" }).message).toMatch(/float12.*bfloat16/);
  });
});
