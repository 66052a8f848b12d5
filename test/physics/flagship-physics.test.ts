import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { modelFromHfConfig } from "../../src/catalog/hf-config.js";
import { checkTensorParallel, type Deployment } from "../../src/physics/deployment.js";
import { kvBytesForSequence, kvBytesPerToken, kvSharePerRank, slidingWindowBlocks } from "../../src/physics/kv-bytes.js";
import { computeKvCapacity } from "../../src/physics/kv-capacity.js";
import { computeKvPool } from "../../src/physics/kv-pool.js";
import { computeRoofline, rooflineZones } from "../../src/physics/roofline.js";
import { prefillTime, uniformDecodeStepTime } from "../../src/physics/step-time.js";
import { defaultStepTimeProfile, type StepTimeProfile } from "../../src/physics/step-time-profile.js";
import { residentWeightBytes } from "../../src/physics/weight-bytes.js";
import { GoodputError } from "../../src/errors.js";

// Constants used by the hand calculations below (sources):
// - HBM: A100/H100 80 GiB, H200 141 GiB as the built-in catalog states them (vendor datasheets);
//   vLLM's default gpu_memory_utilization 0.9; the tool's stated 2 GiB per-GPU reserve.
// - Model shapes: each model's Hugging Face config.json (REFERENCE.md table).
// - vLLM rules: get_num_kv_heads = max(1, H_kv / TP); MLA caches kv_lora_rank + qk_rope_head_dim
//   per layer on every rank; SlidingWindowManager keeps ceil(T/b) − floor((T − W + 1)/b) blocks.
const GiB = 2 ** 30;
const usable80 = 80 * GiB * 0.9; // 77,309,411,328 B
const reserve = 2 * GiB; // 2,147,483,648 B
const model = (id: string) => findModel(builtInCatalog, id);
const gpu = (id: string) => findGpu(builtInCatalog, id);
const deploy = (modelId: string, gpuId: string, tensorParallel = 1): Deployment => ({ model: model(modelId), gpu: gpu(gpuId), tensorParallel, kvDtype: "bf16" });

describe("1. sliding-window models (vLLM's sliding-window block rule)", () => {
  it("slidingWindowBlocks keeps the blocks that hold the last W tokens", () => {
    // T = 8192, W = 4096, b = 16: 512 blocks − floor(4097 / 16) = 512 − 256 = 256 blocks.
    expect(slidingWindowBlocks(8192, 4096, 16)).toBe(256);
    // T = 2048, W = 128: 128 − floor(1921 / 16) = 128 − 120 = 8 blocks.
    expect(slidingWindowBlocks(2048, 128, 16)).toBe(8);
    // Inside the window nothing is freed.
    expect(slidingWindowBlocks(1000, 4096, 16)).toBe(63);
  });

  it("Mistral-7B (every layer windowed) on one A100-80GB: 131,072 B per token, 28,933 blocks, 226 / 113 / 113 sequences", () => {
    // Params by hand: embeddings + LM head 2 × 32,000 × 4,096 = 262,144,000; per layer q,o 2 × 4096²
    // + k,v 2 × 4096 × 1024 + FFN 3 × 4096 × 14,336 + 2 norms × 4096 = 218,112,000; × 32 layers
    // = 6,979,584,000; + final norm 4,096 → 7,241,732,096 params (REFERENCE.md: 7.24 B) × 2 B.
    const weights = 7_241_732_096 * 2;
    expect(residentWeightBytes(model("mistral-7b"))).toBe(weights);
    const perToken = 32 * 2 * 8 * 128 * 2; // 131,072 B (REFERENCE.md)
    const blockBytes = perToken * 16; // one block: 16 tokens of all 32 layers
    const blocks = Math.floor((usable80 - weights - reserve) / blockBytes);
    expect(blocks).toBe(28_933);
    const result = computeKvCapacity(deploy("mistral-7b", "a100-80gb"), { contextTokens: [2048, 8192, 32768] });
    expect(result.kvBytesPerToken).toBe(perToken);
    expect(result.pool.blocks).toBe(blocks);
    // 2048 → 128 blocks; 8192 and 32768 → the 4096-token window: 256 blocks.
    expect(result.rows.map((row) => row.maxSequences)).toEqual([Math.floor(blocks / 128), Math.floor(blocks / 256), Math.floor(blocks / 256)]);
    expect(result.rows.map((row) => row.maxSequences)).toEqual([226, 113, 113]);
  });

  it("gpt-oss-120b (18 full + 18 window-128 layers) on one H100: 16,906 blocks of 18 layers, 124 sequences at 2K", () => {
    // Hybrid allocator: block = 16 tokens × 18 layers × 2 × 8 KV heads × 64 × 2 B = 589,824 B.
    const blockBytes = 16 * 18 * 2 * 8 * 64 * 2;
    const weights = 65_190_335_616; // see the quantization test below
    const blocks = Math.floor((usable80 - weights - reserve) / blockBytes);
    const pool = computeKvPool(deploy("gpt-oss-120b", "h100-sxm"));
    expect(pool.blockBytes).toBe(blockBytes);
    expect(pool.blocks).toBe(blocks);
    // 2048 tokens: 128 full-layer blocks + 8 window blocks = 136 blocks per sequence.
    const result = computeKvCapacity(deploy("gpt-oss-120b", "h100-sxm"), { contextTokens: [2048] });
    expect(result.rows[0]?.maxSequences).toBe(Math.floor(blocks / 136));
    expect(result.rows[0]?.maxSequences).toBe(124);
  });

  it("roofline's headline feasibility and its table agree for a windowed model", () => {
    const result = computeRoofline(deploy("mistral-7b", "a100-80gb"), { contextTokens: 2048, profile: defaultStepTimeProfile, priceUsdPerGpuHour: 1.8, sloTpotSeconds: 0.05 });
    expect(result.maxFeasibleBatch).toBe(226);
    for (const point of result.points) expect(point.feasible).toBe(point.batch <= 226);
    expect(result.operatingPoint?.batch).toBe(result.sloFrontierBatch);
    expect(result.operatingPoint?.batch ?? Infinity).toBeLessThanOrEqual(226);
  });
});

describe("2. KV under tensor parallelism (vLLM: replicated KV heads, whole MLA latent per rank)", () => {
  it("DeepSeek-V3 on 8 × H200 at 2K holds ≈349 sequences (not 8× that)", () => {
    // Weights: 671 B params (DeepSeek-V3 report, MTP excluded) × 1 B (FP8) / 8 = 83.875 GB per GPU.
    // Free per GPU: 141 GiB × 0.9 − 83.875e9 − 2 GiB = 50,229,220,263 B.
    // Per rank per token: 61 layers × (512 + 64) × 2 B = 70,272 B (latent not sharded); × 2048 tokens.
    const free = 141 * GiB * 0.9 - 671e9 / 8 - reserve;
    const expected = Math.floor(free / (61 * 576 * 2 * 2048)); // 349
    expect(expected).toBe(349);
    const result = computeKvCapacity(deploy("deepseek-v3", "h200", 8), { contextTokens: [2048] });
    const got = result.rows[0]?.maxSequences ?? 0;
    expect(Math.abs(got - expected) / expected).toBeLessThan(0.05);
    expect(kvSharePerRank(model("deepseek-v3"), 8)).toBe(1);
  });

  it("GQA heads shard until TP passes H_kv, then replicate: Llama-3-70B (8 KV heads) at TP 16 keeps 1 head per rank", () => {
    expect(kvSharePerRank(model("llama-3-70b"), 4)).toBe(2 / 8);
    expect(kvSharePerRank(model("llama-3-70b"), 8)).toBe(1 / 8);
    expect(kvSharePerRank(model("llama-3-70b"), 16)).toBe(1 / 8); // max(1, 8/16) = 1 head of 8
    // Qwen2.5-7B (4 KV heads) at TP 4 vs TP 2 on A100-80GB: per-rank KV per token 28 × 2 × 1 × 128 × 2 = 14,336 B.
    const pool = computeKvPool(deploy("qwen2.5-7b", "a100-80gb", 4));
    const weightsPerGpu = residentWeightBytes(model("qwen2.5-7b")) / 4;
    expect(pool.blocks).toBe(Math.floor((usable80 - weightsPerGpu - reserve) / (14_336 * 16)));
  });

  it("decode KV read per rank for MLA is the full latent: DeepSeek-V3 TP 8, B = 256, 4K → 73.7 GB, ≈19 ms at 4.8 TB/s × 0.8", () => {
    const step = uniformDecodeStepTime(deploy("deepseek-v3", "h200", 8), 256, 4096, defaultStepTimeProfile);
    const bytes = 256 * 4096 * 70_272; // 73,685,532,672 B, not ÷ 8
    expect(step.kvBytesRead).toBe(bytes);
    expect(step.kvSeconds).toBeCloseTo(bytes / (4800e9 * 0.8), 6); // H200 4.8 TB/s; default kv efficiency 0.8
    expect(step.kvSeconds).toBeGreaterThan(0.018);
  });

  it("refuses a TP that does not divide the attention heads (--tp 3 on 32 heads) or the KV heads", () => {
    expect(() => { checkTensorParallel(model("llama-3-8b"), 3); }).toThrow(/32 attention heads.*3 ranks/);
    expect(() => computeKvPool(deploy("llama-3-8b", "h100-sxm", 3))).toThrow(GoodputError);
    // Qwen2.5-7B: 28 heads, 4 KV heads; TP 7 divides 28 but neither divides nor is a multiple of 4.
    expect(() => { checkTensorParallel(model("qwen2.5-7b"), 7); }).toThrow(/4 KV heads/);
    expect(() => { checkTensorParallel(model("llama-3-8b"), 8); }).not.toThrow();
  });
});

describe("4. quantization_config sets weight bytes and the compute peak", () => {
  it("gpt-oss-120b's MXFP4 experts: ≈60.7 GiB, fits one H100 (read from the published config.json)", () => {
    const raw = JSON.parse(readFileSync("/work/shared/data/model-configs/openai--gpt-oss-120b.json", "utf8")) as unknown;
    const spec = modelFromHfConfig(raw, { id: "gpt-oss-120b", name: "gpt-oss-120b", source: "HF", sourceDate: "2026-11-23", where: "test" });
    expect(spec.expertWeightDtype).toBe("mxfp4");
    expect(spec.weightDtype).toBe("bf16");
    expect(spec.assumptions.join(" ")).toMatch(/MXFP4/);
    // Expert: 3 × 2880 × 2880 + biases 2 × 2880 + 2880 = 24,891,840; × 128 experts × 36 layers = 114,701,598,720.
    // Per layer otherwise: attention 2 × 2880 × 4096 + 2 × 2880 × 512 = 26,542,080, biases 4096 + 1024 + 2880,
    // norms 2 × 2880, router 2880 × 128 + 128 → 26,924,608; × 36 = 969,285,888; + embeddings and LM head
    // 2 × 201,088 × 2880 + final norm 2880 = 1,158,269,760 → 2,127,555,648 BF16 params.
    // MXFP4 = 4.25 bits (OCP MX spec: 32 FP4 values + one 8-bit scale).
    const bytes = 2_127_555_648 * 2 + 114_701_598_720 * (4.25 / 8);
    expect(bytes).toBe(65_190_335_616);
    expect(residentWeightBytes(spec)).toBe(bytes);
    expect(bytes / GiB).toBeCloseTo(60.71, 2);
    expect(() => computeKvPool({ model: spec, gpu: gpu("h100-sxm"), tensorParallel: 1, kvDtype: "bf16" })).not.toThrow();
  });

  it("FP8 weights run their GEMMs at the FP8 peak in prefill (DeepSeek-V3 on H200: 1,979 vs 989 TFLOP/s)", () => {
    const fp8 = deploy("deepseek-v3", "h200", 8);
    const asBf16 = { ...fp8, model: { ...fp8.model, weightDtype: "bf16" as const } };
    const shape = { batch: 1, promptTokens: 8192 };
    const profile: StepTimeProfile = { ...defaultStepTimeProfile, prefill: { ...defaultStepTimeProfile.prefill, attentionEfficiency: 1e9 } };
    // With attention made free, compute time is the GEMM term alone and scales with 1 / peak.
    const ratio = prefillTime(asBf16, shape, profile).computeSeconds / prefillTime(fp8, shape, profile).computeSeconds;
    expect(ratio).toBeCloseTo(1979 / 989, 2); // H200 datasheet: 1,979 FP8 vs 989 BF16 TFLOP/s
  });

  it("awq 4-bit configs count int4 weights; unknown methods say so", () => {
    const base = { num_hidden_layers: 2, hidden_size: 256, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 512, vocab_size: 1000, torch_dtype: "float16" };
    const id = { id: "t", name: "t", source: "s", sourceDate: "2026-11", where: "t" };
    expect(modelFromHfConfig({ ...base, quantization_config: { quant_method: "awq", bits: 4 } }, id).weightDtype).toBe("int4");
    const other = modelFromHfConfig({ ...base, quantization_config: { quant_method: "bitsandbytes" } }, id);
    expect(other.weightDtype).toBe("fp16");
    expect(other.assumptions.join(" ")).toMatch(/bitsandbytes is not modelled/);
  });
});

describe("5. MLA prefill is costed in decompressed per-head form", () => {
  it("DeepSeek-V3 TP 8, 128K prompt on H200: compute ≈8.3 s by hand, not the absorbed form's ≈25 s", () => {
    const prompt = 131_072;
    // Attention: causal pairs 61 layers × P²/2; per pair 2 × 128 heads × (qk 128 + 64, pv 128) FLOPs; ÷ 8 ranks;
    // at 989 TFLOP/s (H200 BF16) × 0.75 (default attention efficiency).
    const attentionSeconds = (2 * 128 * (192 + 128) * 61 * (prompt * prompt) / 2 / 8) / (989e12 * 0.75);
    // GEMMs: 2 × 37 B activated params (DeepSeek-V3 report) × P ÷ 8 at 1,979 TFLOP/s FP8 × 0.6.
    const gemmSeconds = (2 * 37e9 * prompt / 8) / (1979e12 * 0.6);
    const hand = attentionSeconds + gemmSeconds; // ≈ 7.23 + 1.02 = 8.26 s
    const got = prefillTime(deploy("deepseek-v3", "h200", 8), { batch: 1, promptTokens: prompt }, defaultStepTimeProfile);
    expect(Math.abs(got.computeSeconds - hand) / hand).toBeLessThan(0.05);
    expect(got.stepSeconds).toBeLessThan(11);
  });
});

describe("3. zones from the tool's own thresholds on the feasible batch range", () => {
  it("rooflineZones on T(B) = 10 + B up to B = 100: 50 % of the ceiling from B = 9, 80 % from B = 27", () => {
    // Ceiling 100/110; B/(10+B) ≥ 0.5·100/110 ⇔ B ≥ 8.33 → 9; ≥ 0.8·100/110 ⇔ B ≥ 26.67 → 27.
    const zones = rooflineZones((batch) => 10 + batch, 100);
    expect(zones.weightBoundBelowBatch).toBe(9);
    expect(zones.floorFromBatch).toBe(27);
    expect(zones.ceilingTokensPerSecond).toBeCloseTo(100 / 110, 12);
  });

  it("every labelled point honours the thresholds it is labelled by (Llama-3-8B, H100, 2K)", () => {
    const batches = Array.from({ length: 220 }, (_, i) => i + 1);
    const result = computeRoofline(deploy("llama-3-8b", "h100-sxm"), { contextTokens: 2048, profile: defaultStepTimeProfile, priceUsdPerGpuHour: 3, batches });
    const ceiling = result.zones.ceilingTokensPerSecond;
    expect(result.zones.ceilingBatch).toBe(result.maxFeasibleBatch);
    for (const point of result.points) {
      const share = point.tokensPerSecond / ceiling;
      if (point.zone === "floor") expect(share).toBeGreaterThanOrEqual(0.8);
      if (point.zone === "weight-bound") expect(share).toBeLessThan(0.5);
      if (point.zone === "amortization") expect(share >= 0.5 && share < 0.8).toBe(true);
    }
    expect(result.points.find((point) => point.batch === 37)?.zone).toBe("weight-bound");
  });

  it("an ideal profile (no overheads, full efficiency) never puts a boundary below batch 1", () => {
    const ideal: StepTimeProfile = {
      ...defaultStepTimeProfile,
      decode: { fixedSeconds: 0, perLayerSeconds: 0, perSequenceSeconds: 0, weightBandwidthEfficiency: 1, kvBandwidthEfficiency: 1, computeEfficiency: 1 },
    };
    const result = computeRoofline(deploy("llama-3-8b", "h100-sxm"), { contextTokens: 2048, profile: ideal, priceUsdPerGpuHour: 3 });
    expect(result.zones.weightBoundBelowBatch).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(result.zones.floorFromBatch)).toBe(true);
  });

  it("without an SLO there is no operating point (no peak-throughput fallback)", () => {
    const result = computeRoofline(deploy("llama-3-8b", "h100-sxm"), { contextTokens: 2048, profile: defaultStepTimeProfile, priceUsdPerGpuHour: 3 });
    expect(result.operatingPoint).toBeNull();
    expect(result.maxFeasibleBatch).toBe(220);
  });
});

describe("8. KV pressure reports the Poisson overflow, not only the mean", () => {
  it("Poisson(3) offered to 5 slots overflows 8.39 % of the time", () => {
    // P(N ≤ 5) = e^−3 (1 + 3 + 9/2 + 27/6 + 81/24 + 243/120) = 0.916082; overflow = 0.083918.
    const pmfSum = Math.exp(-3) * (1 + 3 + 9 / 2 + 27 / 6 + 81 / 24 + 243 / 120);
    // Llama-3-8B on A100-80GB with 2048-token sequences: derive the arrival rate that offers mean 3
    // to a pool whose effective size holds exactly 5 such sequences.
    const deployment = deploy("llama-3-8b", "a100-80gb");
    const blocks = 5 * 128;
    const result = computeKvCapacity(deployment, {
      contextTokens: [2048],
      kvBlocks: blocks,
      fragmentationDerate: 0,
      traffic: { arrivalRatePerSecond: 0.3, residenceSeconds: 10, liveTokensPerRequest: 2048 },
    });
    expect(result.pressure?.slots).toBe(5);
    expect(result.pressure?.overflowProbability).toBeCloseTo(1 - pmfSum, 10);
    expect(result.pressure?.utilization).toBeCloseTo(0.6, 10);
    expect(result.pressure?.level).toBe("critical");
    // p99: P(N ≤ 7) = 0.98810, P(N ≤ 8) = 0.99620 → 8.
    expect(result.pressure?.p99LiveRequests).toBe(8);
  });
});

describe("capacity within 5 % of vLLM's rules for the flagship models (hand-computed)", () => {
  const perRankBytesPerToken = (layers: number, kvHeadsPerRank: number, headDim: number) => layers * 2 * kvHeadsPerRank * headDim * 2;
  const cases = [
    // Mixtral-8x7B on 2 × H100 at 4K: 46.7 B params × 2 B / 2 per GPU (Mixtral paper: 46.7 B total);
    // 8 KV heads / 2 = 4 per rank; 32 layers × 2 × 4 × 128 × 2 B = 65,536 B per token per rank.
    { id: "mixtral-8x7b", gpu: "h100-sxm", tp: 2, context: 4096, hbm: 80, weightBytesPerGpu: 46.7e9, perToken: perRankBytesPerToken(32, 4, 128) },
    // Qwen3-30B-A3B on one H100 at 4K: 30.5 B params (model card) × 2 B; 48 layers × 2 × 4 × 128 × 2 = 98,304 B.
    { id: "qwen3-30b-a3b", gpu: "h100-sxm", tp: 1, context: 4096, hbm: 80, weightBytesPerGpu: 30.5e9 * 2, perToken: perRankBytesPerToken(48, 4, 128) },
    // Mistral-7B on one A100 at 2K (inside the window): 7.24 B × 2 B; 131,072 B per token.
    { id: "mistral-7b", gpu: "a100-80gb", tp: 1, context: 2048, hbm: 80, weightBytesPerGpu: 7.24e9 * 2, perToken: perRankBytesPerToken(32, 8, 128) },
    // DeepSeek-V3 on 8 × H200 at 2K (latent whole per rank).
    { id: "deepseek-v3", gpu: "h200", tp: 8, context: 2048, hbm: 141, weightBytesPerGpu: 671e9 / 8, perToken: 61 * 576 * 2 },
  ];
  for (const c of cases) {
    it(`${c.id} on ${c.tp} × ${c.gpu} at ${c.context} tokens`, () => {
      const expected = Math.floor((c.hbm * GiB * 0.9 - c.weightBytesPerGpu - reserve) / (c.perToken * c.context));
      const got = computeKvCapacity(deploy(c.id, c.gpu, c.tp), { contextTokens: [c.context] }).rows[0]?.maxSequences ?? 0;
      expect(Math.abs(got - expected) / expected).toBeLessThan(0.05);
    });
  }
  it("gpt-oss-120b on one H100 at 2K: 124 sequences (the hybrid case above), KV bytes per sequence hand-computed", () => {
    // 18 full layers × 2048 tokens + 18 window layers × 128 tokens, × 2 × 8 × 64 × 2 B per layer-token.
    const perSequence = (18 * 2048 + 18 * 128) * 2 * 8 * 64 * 2;
    expect(kvBytesForSequence(model("gpt-oss-120b"), 2048, "bf16", 16)).toBe(perSequence);
    expect(kvBytesPerToken(model("gpt-oss-120b"), "bf16")).toBe(36 * 2048);
  });
});
