import { describe, expect, it } from "vitest";
import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { GoodputError } from "../../src/errors.js";
import { singleGpuDeployment } from "../../src/physics/deployment.js";
import { kvBytesForContext, kvBytesPerToken } from "../../src/physics/kv-bytes.js";
import { computeKvCapacity } from "../../src/physics/kv-capacity.js";
import { computeKvPool } from "../../src/physics/kv-pool.js";

const model = (id: string) => findModel(builtInCatalog, id);
const gpu = (id: string) => findGpu(builtInCatalog, id);

describe("kvBytesPerToken()", () => {
  it("Llama-3-8B: 2 (K,V) × 32 layers × 8 KV heads × 128 dims × 2 bytes = 131,072 B (GQA, not MQA or MHA)", () => {
    expect(kvBytesPerToken(model("llama-3-8b"), "bf16")).toBe(2 * 32 * 8 * 128 * 2);
    expect(kvBytesPerToken(model("llama-3-8b"), "bf16")).toBe(131_072);
  });
  it("FP8 KV halves it", () => {
    expect(kvBytesPerToken(model("llama-3-8b"), "fp8")).toBe(65_536);
  });
  it("DeepSeek-V3 MLA stores one latent: 61 × (512 + 64) × 2 = 70,272 B", () => {
    expect(kvBytesPerToken(model("deepseek-v3"), "bf16")).toBe(70_272);
  });
  it("Qwen2.5-7B: 2 × 28 × 4 × 128 × 2 = 57,344 B", () => {
    expect(kvBytesPerToken(model("qwen2.5-7b"), "bf16")).toBe(57_344);
  });
  it("gpt-oss-120b: 36 layers per token inside the window; beyond it only the 18 full layers grow (36,864 B, REFERENCE.md)", () => {
    const gptOss = model("gpt-oss-120b");
    expect(kvBytesPerToken(gptOss, "bf16")).toBe(2 * 36 * 8 * 64 * 2);
    expect(kvBytesForContext(gptOss, 5000, "bf16") - kvBytesForContext(gptOss, 4999, "bf16")).toBe(36_864);
    const perLayerToken = 2 * 8 * 64 * 2;
    expect(kvBytesForContext(gptOss, 4096, "bf16")).toBe(36_864 * 4096 + 18 * perLayerToken * 128);
    expect(kvBytesForContext(gptOss, 100, "bf16")).toBe(36_864 * 100 + 18 * perLayerToken * 100);
  });
});

describe("KV capacity of Llama-3-8B on one A100-80GB (hand calculation)", () => {
  // HBM 80 GiB = 85,899,345,920 B; × 0.9 = 77,309,411,328 B usable.
  // Weights 8,030,261,248 × 2 B = 16,060,522,496 B; reserve 2 GiB = 2,147,483,648 B.
  // Free = 77,309,411,328 − 16,060,522,496 − 2,147,483,648 = 59,101,405,184 B.
  // Block = 16 tokens × 131,072 B = 2,097,152 B → floor(59,101,405,184 / 2,097,152) = 28,181 blocks.
  const deployment = singleGpuDeployment(model("llama-3-8b"), gpu("a100-80gb"));

  it("pool has 28,181 blocks of 16 tokens", () => {
    const pool = computeKvPool(deployment);
    expect(pool.blocks).toBe(28_181);
    expect(pool.poolBytes).toBe(28_181 * 2_097_152);
  });

  it("max live sequences: 2048 tokens → 128 blocks → 220; 8192 → 512 blocks → 55; 1000 rounds up to 1008 → 63 blocks → 447", () => {
    const result = computeKvCapacity(deployment, { contextTokens: [2048, 8192, 1000], fragmentationDerate: 0.25 });
    expect(result.rows.map((row) => row.maxSequences)).toEqual([220, 55, 447]);
    expect(result.rows[2]?.blockRoundedTokens).toBe(1008);
    // Derated: floor(0.75 × 28,181 × 2,097,152 / (128 × 2,097,152)) = floor(21,135.75 / 128) = 165.
    expect(result.rows[0]?.effectiveMaxSequences).toBe(165);
    expect(result.rows[1]?.costMultiplierVsReference).toBe(4);
  });

  it("a stated block count replaces the derived one", () => {
    expect(computeKvPool(deployment, { kvBlocks: 1000 }).blocks).toBe(1000);
  });

  it("pressure: 10 req/s × 20 s residence × 2048 tokens needs 200 × 128 blocks = 25,600 of 21,135.75 effective → critical", () => {
    const result = computeKvCapacity(deployment, {
      contextTokens: [2048],
      traffic: { arrivalRatePerSecond: 10, residenceSeconds: 20, liveTokensPerRequest: 2048 },
    });
    expect(result.pressure?.meanLiveRequests).toBe(200);
    expect(result.pressure?.utilization).toBeCloseTo(25_600 / 21_135.75, 9);
    expect(result.pressure?.level).toBe("critical");
  });

  it("context samples give type-7 percentiles and capacity at p90", () => {
    const samples = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    const result = computeKvCapacity(deployment, { contextTokens: [2048], contextSamples: samples });
    // p90 position = 9 × 0.9 = 8.1 → 900 + 0.1 × 100 = 910 → 912 tokens = 57 blocks → floor(28,181 / 57) = 494.
    expect(result.distribution?.p90Tokens).toBeCloseTo(910, 9);
    expect(result.distribution?.concurrencyAtP90).toBe(494);
  });
});

describe("models that do not fit", () => {
  it("Llama-3.1-405B on one H100 says by how much and how many GPUs it needs", () => {
    let caught: unknown;
    try {
      computeKvPool(singleGpuDeployment(model("llama-3.1-405b"), gpu("h100-sxm")));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GoodputError);
    const error = caught as GoodputError;
    expect(error.code).toBe("MODEL_DOES_NOT_FIT");
    // 405,853,388,800 × 2 B = 756.0 GiB; usable 80 × 0.9 − 2 = 70 GiB → ceil(756.0 / 70) = 11 GPUs → --tp 16.
    expect(error.message).toMatch(/756\.0 GiB/);
    expect(error.message).toMatch(/at least 11 GPUs/);
    expect(error.message).toMatch(/--tp 16/);
  });
});
