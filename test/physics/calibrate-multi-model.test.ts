import { describe, expect, it } from "vitest";
import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { calibrateStepTime, type Measurement } from "../../src/physics/calibrate.js";
import { singleGpuDeployment, type Deployment } from "../../src/physics/deployment.js";
import { uniformDecodeStepTime } from "../../src/physics/step-time.js";
import { defaultStepTimeProfile, type StepTimeProfile } from "../../src/physics/step-time-profile.js";

const h100 = findGpu(builtInCatalog, "h100-sxm");
const deploymentOf = (id: string): Deployment => singleGpuDeployment(findModel(builtInCatalog, id), h100);

/** Weight streaming far below the prior (0.6 vs 0.85) and a large fixed overhead. */
const truth: StepTimeProfile = {
  ...defaultStepTimeProfile,
  decode: { fixedSeconds: 1.5e-3, perLayerSeconds: 15e-6, perSequenceSeconds: 4.5e-6, weightBandwidthEfficiency: 0.6, kvBandwidthEfficiency: 0.8, computeEfficiency: 0.6 },
};

const decodePoints = (modelId: string, tag: boolean): Measurement[] =>
  [1, 4, 16, 64].flatMap((batch) =>
    [1024, 4096].map((context): Measurement => ({
      phase: "decode",
      batch,
      context,
      seconds: uniformDecodeStepTime(deploymentOf(modelId), batch, context, truth).stepSeconds,
      ...(tag ? { model: modelId } : {}),
    })),
  );

const mape = (modelId: string, profile: StepTimeProfile): number => {
  const points = decodePoints(modelId, false);
  return points.reduce((sum, m) => sum + Math.abs(uniformDecodeStepTime(deploymentOf(modelId), m.batch, m.phase === "decode" ? m.context : 0, profile).stepSeconds - m.seconds) / m.seconds, 0) / points.length;
};

describe("calibrating on several models separates overhead from weight streaming", () => {
  it("one model cannot tell a slow weight stream from a big overhead; three shapes can", () => {
    const one = calibrateStepTime(deploymentOf("llama-3-8b"), decodePoints("llama-3-8b", false), { name: "one", start: defaultStepTimeProfile });
    const others = new Map(["llama-3.2-1b", "llama-3.2-3b"].map((id) => [id, deploymentOf(id)] as const));
    const three = calibrateStepTime(deploymentOf("llama-3-8b"), [...decodePoints("llama-3-8b", false), ...decodePoints("llama-3.2-1b", true), ...decodePoints("llama-3.2-3b", true)], { name: "two", start: defaultStepTimeProfile, otherModels: others });
    // fixed + L·perLayer + W/(BW·η_w) is one constant per model: three shapes (16, 28, 32 layers;
    // 2.5, 6.4, 15 GB of weights) pin all three terms. Held out: Qwen2.5-14B (48 layers, 29.5 GB).
    expect(mape("qwen2.5-14b", three.profile)).toBeLessThan(0.01);
    expect(mape("qwen2.5-14b", one.profile)).toBeGreaterThan(mape("qwen2.5-14b", three.profile));
    expect(three.profile.decode.weightBandwidthEfficiency).toBeCloseTo(0.6, 1);
  });
});
