import { describe, expect, it } from "vitest";
import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { GoodputError } from "../../src/errors.js";
import { singleGpuDeployment } from "../../src/physics/deployment.js";
import { computeMoeTopology } from "../../src/physics/moe-topology.js";
import { defaultStepTimeProfile } from "../../src/physics/step-time-profile.js";

const h100 = findGpu(builtInCatalog, "h100-sxm");

describe("computeMoeTopology()", () => {
  const mixtral = singleGpuDeployment(findModel(builtInCatalog, "mixtral-8x7b"), h100);
  const result = computeMoeTopology(mixtral, { gpus: 2, batches: [1, 8, 64], contextTokens: 1, profile: defaultStepTimeProfile });

  it("residency follows total params: 46,702,792,704 × 2 B = 87.0 GiB → 2 H100s at 70 GiB usable", () => {
    expect(result.residentWeightBytes).toBe(46_702_792_704 * 2);
    expect(result.gpusForResidency).toBe(2);
  });

  it("weights read per step grow with the experts touched (hand calculation, B = 1 and B = 8)", () => {
    // One expert = 3 × 4096 × 14,336 = 176,160,768 params; 32 MoE layers.
    // Non-expert (attention 41,943,040 + norms 8192 + router 32,768 per layer) = 32 × 41,984,000 = 1,343,488,000,
    // plus the LM head 32,000 × 4096 = 131,072,000.
    const fixedParams = 1_343_488_000 + 131_072_000;
    const expert = 176_160_768;
    // B = 1: k = 2 experts per layer; B = 8: 8 × (1 − 0.75^8) = 7.1990966796875.
    expect(result.rows[0]?.weightBytesReadPerGpu).toBeCloseTo(((fixedParams + 32 * 2 * expert) * 2) / 2, 0);
    expect(result.rows[1]?.weightBytesReadPerGpu).toBeCloseTo(((fixedParams + 32 * 7.1990966796875 * expert) * 2) / 2, 0);
  });

  it("all-to-all bytes: dispatch + combine of 2 · B · k · hidden · 2 B per MoE layer, half of it off-GPU with 2 GPUs", () => {
    // B = 8: 32 layers × 2 × 8 × 2 × 4096 × 2 B × 1/2 = 4,194,304 B.
    expect(result.rows[1]?.communicationBytesPerStep).toBe(32 * 2 * 8 * 2 * 4096 * 2 * 0.5);
  });

  it("small-batch MoE decode is memory-bound", () => {
    expect(result.rows.map((row) => row.limitedBy)).toEqual(["memory", "memory", "memory"]);
  });

  it("a slow link makes it communication-bound", () => {
    const slow = computeMoeTopology(mixtral, { gpus: 2, batches: [64], contextTokens: 1, profile: defaultStepTimeProfile, linkBytesPerSecond: 1e8 });
    expect(slow.rows[0]?.limitedBy).toBe("communication");
  });

  it("DeepSeek-V3 in FP8 needs ≥ 671 GB: more than 4 H200s' worth", () => {
    const deepseek = computeMoeTopology(singleGpuDeployment(findModel(builtInCatalog, "deepseek-v3"), findGpu(builtInCatalog, "h200")), { gpus: 8, batches: [1], contextTokens: 1, profile: defaultStepTimeProfile });
    expect(deepseek.residentWeightBytes).toBeGreaterThan(671e9);
    expect(deepseek.gpusForResidency).toBeGreaterThan(4);
  });

  it("refuses a dense model", () => {
    expect(() => computeMoeTopology(singleGpuDeployment(findModel(builtInCatalog, "llama-3-8b"), h100), { gpus: 1, batches: [1], contextTokens: 1, profile: defaultStepTimeProfile })).toThrow(GoodputError);
  });
});
