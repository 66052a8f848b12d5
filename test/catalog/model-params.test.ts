import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtInCatalog, findModel } from "../../src/catalog/catalog.js";
import { modelFromHfConfig } from "../../src/catalog/hf-config.js";
import { countModelParams } from "../../src/catalog/model-params.js";

const paramsOf = (id: string) => countModelParams(findModel(builtInCatalog, id));

function fromFixture(file: string) {
  const raw = JSON.parse(readFileSync(new URL(`../fixtures/model-configs/${file}`, import.meta.url), "utf8")) as unknown;
  return modelFromHfConfig(raw, { id: file, name: file, source: "fixture", sourceDate: "2026-11", where: file });
}

describe("countModelParams() against published parameter counts", () => {
  // Exact counts as the Hugging Face model pages report them (safetensors metadata).
  it.each([
    ["llama-3-8b", 8_030_261_248],
    ["llama-3-70b", 70_553_706_496],
    ["llama-3.1-405b", 405_853_388_800],
    ["llama-3.2-1b", 1_235_814_400],
    ["mistral-7b", 7_241_732_096],
    ["mixtral-8x7b", 46_702_792_704],
    ["qwen2.5-7b", 7_615_616_512],
    ["qwen2.5-14b", 14_770_033_664],
  ])("%s has exactly %d parameters", (id, published) => {
    expect(paramsOf(id).totalParams).toBe(published);
  });

  it("Mixtral-8x7B: 46.7 B total, 12.9 B active (two of eight experts)", () => {
    expect(paramsOf("mixtral-8x7b").activeParams / 1e9).toBeCloseTo(12.9, 1);
  });

  it("Qwen3-30B-A3B: 30.5 B total, 3.3 B active (q/k norms not counted: 12 K params)", () => {
    const counts = paramsOf("qwen3-30b-a3b");
    expect(Math.abs(counts.totalParams - 30_532_122_624)).toBeLessThan(20_000);
    expect(counts.activeParams / 1e9).toBeCloseTo(3.35, 1);
  });

  it("DeepSeek-V3: 671 B total and 37 B active without the MTP module", () => {
    const counts = paramsOf("deepseek-v3");
    expect(counts.totalParams / 671e9).toBeCloseTo(1, 2);
    expect(counts.activeParams / 37e9).toBeGreaterThan(0.99);
    expect(counts.activeParams / 37e9).toBeLessThan(1.03);
  });

  it("gpt-oss-120b: 116.8 B total and 5.1 B active per token (OpenAI's convention: no embedding lookup)", () => {
    const counts = paramsOf("gpt-oss-120b");
    expect(counts.totalParams / 1e9).toBeCloseTo(116.8, 1);
    expect(counts.matmulParamsPerToken / 1e9).toBeCloseTo(5.13, 1);
  });

  it("tied embeddings are stored once (Llama-3.2-1B: 16 layers of 60.8 M + one 262.7 M table)", () => {
    // Per layer: q 2048·2048 + k,v 2·2048·512 + o 2048·2048 + FFN 3·2048·8192 + norms 2·2048.
    const perLayer = 2048 * 2048 * 2 + 2 * 2048 * 512 + 3 * 2048 * 8192 + 2 * 2048;
    expect(paramsOf("llama-3.2-1b").totalParams).toBe(16 * perLayer + 128256 * 2048 + 2048);
  });
});

describe("config.json copies read by their own field names", () => {
  it.each([
    ["meta-llama--Meta-Llama-3.1-8B.json", 8_030_261_248],
    ["meta-llama--Meta-Llama-3.1-70B.json", 70_553_706_496],
    ["mistralai--Mixtral-8x7B-v0.1.json", 46_702_792_704],
  ])("%s gives the published total", (file, published) => {
    expect(countModelParams(fromFixture(file)).totalParams).toBe(published);
  });

  it("DeepSeek-V3's config.json is read as MLA with FP8 weights and 3 dense layers", () => {
    const model = fromFixture("deepseek-ai--DeepSeek-V3.json");
    expect(model.mla).toEqual({ kvLoraRank: 512, qLoraRank: 1536, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128 });
    expect(model.weightDtype).toBe("fp8");
    expect(model.moe?.denseLayers).toBe(3);
    expect(model.moe?.experts).toBe(256);
  });

  it("gpt-oss-120b's layer_types give 18 sliding-window layers of 128 tokens, and its missing dtype is an assumption", () => {
    const model = fromFixture("openai--gpt-oss-120b.json");
    expect(model.slidingWindow).toEqual({ windowTokens: 128, layers: 18 });
    expect(model.assumptions.join(" ")).toMatch(/torch_dtype/);
  });

  it("Qwen3-30B-A3B reads num_experts and moe_intermediate_size", () => {
    const model = fromFixture("Qwen--Qwen3-30B-A3B.json");
    expect(model.moe).toMatchObject({ experts: 128, expertsPerToken: 8, expertIntermediateSize: 768, denseLayers: 0 });
  });
});
