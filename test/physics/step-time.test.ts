import { describe, expect, it } from "vitest";
import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { singleGpuDeployment } from "../../src/physics/deployment.js";
import { prefillTime, uniformDecodeStepTime } from "../../src/physics/step-time.js";
import { defaultStepTimeProfile, type StepTimeProfile } from "../../src/physics/step-time-profile.js";

const h100 = findGpu(builtInCatalog, "h100-sxm");
const llama8b = singleGpuDeployment(findModel(builtInCatalog, "llama-3-8b"), h100);

/** Efficiencies 1 and no overheads: the model must reduce to the roofline bound of docs/design.md §3.1. */
const idealProfile: StepTimeProfile = {
  ...defaultStepTimeProfile,
  name: "ideal",
  decode: { fixedSeconds: 0, perLayerSeconds: 0, perSequenceSeconds: 0, weightBandwidthEfficiency: 1, kvBandwidthEfficiency: 1, computeEfficiency: 1 },
  prefill: { fixedSeconds: 0, perLayerSeconds: 0, perSequenceSeconds: 0, computeEfficiency: 1, attentionEfficiency: 1, weightBandwidthEfficiency: 1 },
};

describe("decode step time", () => {
  it("reduces to (weights + KV) / bandwidth in the memory-bound regime (hand calculation)", () => {
    // Weights read per step: everything but the embedding lookup table and the final norm vector:
    //   (8,030,261,248 − 525,336,576 − 4096) × 2 B = 7,504,920,576 × 2 = 15,009,841,152 B.
    // KV: 8 sequences × 2048 tokens × 131,072 B = 2,147,483,648 B.
    // (15,009,841,152 + 2,147,483,648) / 3.35e12 B/s = 5.12159 ms.
    const step = uniformDecodeStepTime(llama8b, 8, 2048, idealProfile);
    expect(step.weightBytesRead).toBe(15_009_841_152);
    expect(step.kvBytesRead).toBe(2_147_483_648);
    expect(step.stepSeconds * 1000).toBeCloseTo(5.12159, 4);
    expect(step.bottleneck).toBe("weight-bandwidth");
  });

  it("becomes compute-bound at large batch with short context: 2 · params · B / FLOP/s + the attention kernel", () => {
    // B = 4096, context 16: GEMM FLOPs = 2 × 7,504,920,576 × 4096 → 62.164 ms at 989 TFLOP/s; the
    // attention kernel still reads 4096 × 16 × 131,072 B = 8,589,934,592 B of KV → 2.564 ms at 3.35 TB/s.
    const step = uniformDecodeStepTime(llama8b, 4096, 16, idealProfile);
    expect(step.bottleneck).toBe("compute");
    const expected = (2 * 7_504_920_576 * 4096) / 989e12 + 8_589_934_592 / 3.35e12;
    expect(step.stepSeconds).toBeCloseTo(expected, 9);
  });

  it("adds the fixed and per-layer overhead terms", () => {
    const profile = { ...idealProfile, decode: { ...idealProfile.decode, fixedSeconds: 0.001, perLayerSeconds: 0.00001 } };
    const base = uniformDecodeStepTime(llama8b, 8, 2048, idealProfile).stepSeconds;
    expect(uniformDecodeStepTime(llama8b, 8, 2048, profile).stepSeconds - base).toBeCloseTo(0.001 + 32 * 0.00001, 12);
  });

  it("uncalibrated defaults land within 10 % of the example measurement in the issue (B = 8, 2048 ctx: 7.45 ms)", () => {
    const predicted = uniformDecodeStepTime(llama8b, 8, 2048, defaultStepTimeProfile).stepSeconds;
    expect(Math.abs(predicted - 0.00745) / 0.00745).toBeLessThan(0.1);
  });

  it("tensor parallelism splits weights and KV and adds all-reduce time", () => {
    const tp2 = { ...llama8b, tensorParallel: 2 };
    const one = uniformDecodeStepTime(llama8b, 8, 2048, idealProfile);
    const two = uniformDecodeStepTime(tp2, 8, 2048, idealProfile);
    expect(two.weightBytesRead).toBe(one.weightBytesRead / 2);
    expect(two.communicationSeconds).toBeGreaterThan(0);
  });
});

describe("prefill time", () => {
  it("is compute-bound for a long prompt: 2 · params · P + causal attention 2 · layers · d · P² (hand calculation)", () => {
    // P = 2048: GEMMs 2 × (7,504,920,576 − 525,336,576) × 2048 + 2 × 525,336,576 (LM head, last token)
    // attention: 2 × (4096 + 4096) × 32 layers × 2048²/2 = 2 × 32 × 4096 × 2048² = 1.0995e12 FLOPs.
    const gemm = 2 * (7_504_920_576 - 525_336_576) * 2048 + 2 * 525_336_576;
    const attention = 2 * 32 * 4096 * 2048 * 2048;
    const step = prefillTime(llama8b, { batch: 1, promptTokens: 2048 }, idealProfile);
    expect(step.flops).toBeCloseTo(gemm + attention, -6);
    expect(step.stepSeconds).toBeCloseTo((gemm + attention) / 989e12, 6);
    expect(step.bottleneck).toBe("compute");
  });

  it("cached prefix tokens skip their prefill", () => {
    const full = prefillTime(llama8b, { batch: 1, promptTokens: 4096 }, defaultStepTimeProfile).stepSeconds;
    const half = prefillTime(llama8b, { batch: 1, promptTokens: 4096, cachedTokens: 2048 }, defaultStepTimeProfile).stepSeconds;
    expect(half).toBeLessThan(full * 0.6);
  });

  it("uncalibrated defaults land within 15 % of the example measurement in the issue (P = 2048: 53.3 ms)", () => {
    const predicted = prefillTime(llama8b, { batch: 1, promptTokens: 2048 }, defaultStepTimeProfile).stepSeconds;
    expect(Math.abs(predicted - 0.0533) / 0.0533).toBeLessThan(0.15);
  });
});
