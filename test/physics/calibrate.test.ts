import { describe, expect, it } from "vitest";
import { measurementNoise } from "./measurement-noise.js";
import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { calibrateStepTime, type Measurement } from "../../src/physics/calibrate.js";
import { singleGpuDeployment } from "../../src/physics/deployment.js";
import { prefillTime, uniformDecodeStepTime } from "../../src/physics/step-time.js";
import { defaultStepTimeProfile, type StepTimeProfile } from "../../src/physics/step-time-profile.js";

const h100 = findGpu(builtInCatalog, "h100-sxm");
const deploymentOf = (id: string) => singleGpuDeployment(findModel(builtInCatalog, id), h100);

/** A "GPU" whose true terms differ from the defaults: slower kernels, more overhead. */
const truth: StepTimeProfile = {
  ...defaultStepTimeProfile,
  name: "truth",
  decode: { fixedSeconds: 0.8e-3, perLayerSeconds: 35e-6, perSequenceSeconds: 6e-6, weightBandwidthEfficiency: 0.74, kvBandwidthEfficiency: 0.66, computeEfficiency: 0.5 },
  prefill: { fixedSeconds: 1.2e-3, perLayerSeconds: 50e-6, perSequenceSeconds: 6e-6, computeEfficiency: 0.5, attentionEfficiency: 0.3, weightBandwidthEfficiency: 0.8 },
};


function measure(modelId: string, seed: number): Measurement[] {
  const deployment = deploymentOf(modelId);
  const jitter = measurementNoise(seed);
  const points: Measurement[] = [];
  for (const context of [512, 2048, 8192]) {
    for (const batch of [1, 2, 4, 8, 16, 32, 64, 128]) {
      if (batch * context > 400_000) continue;
      points.push({ phase: "decode", batch, context, seconds: uniformDecodeStepTime(deployment, batch, context, truth).stepSeconds * jitter() });
    }
  }
  for (const prompt of [128, 256, 512, 1024, 2048, 4096, 8192]) {
    points.push({ phase: "prefill", batch: 1, prompt, seconds: prefillTime(deployment, { batch: 1, promptTokens: prompt }, truth).stepSeconds * jitter() });
  }
  return points;
}

const mapeOf = (deploymentId: string, profile: StepTimeProfile, points: readonly Measurement[]) => {
  const deployment = deploymentOf(deploymentId);
  const errors = points.map((m) => {
    const predicted =
      m.phase === "decode"
        ? uniformDecodeStepTime(deployment, m.batch, m.context, profile).stepSeconds
        : prefillTime(deployment, { batch: m.batch, promptTokens: m.prompt }, profile).stepSeconds;
    return Math.abs(predicted - m.seconds) / m.seconds;
  });
  return errors.reduce((sum, error) => sum + error, 0) / errors.length;
};

describe("calibrateStepTime()", () => {
  const llama8b = measure("llama-3-8b", 7);
  const trainingHalf = llama8b.filter((_, index) => index % 2 === 0);
  const heldOutHalf = llama8b.filter((_, index) => index % 2 === 1);
  const fit = calibrateStepTime(deploymentOf("llama-3-8b"), trainingHalf, { name: "fit", start: defaultStepTimeProfile });

  it("the uncalibrated defaults are clearly off on this GPU (so the test can fail)", () => {
    expect(mapeOf("llama-3-8b", defaultStepTimeProfile, heldOutHalf)).toBeGreaterThan(0.1);
  });

  it("fitted on half of one model's points, predicts the other half within 5 %", () => {
    const heldOut = mapeOf("llama-3-8b", fit.profile, heldOutHalf);
    console.log(`calibration on llama-3-8b half: held-out MAPE ${(heldOut * 100).toFixed(2)} % (uncalibrated ${(mapeOf("llama-3-8b", defaultStepTimeProfile, heldOutHalf) * 100).toFixed(1)} %)`);
    expect(heldOut).toBeLessThan(0.05);
  });

  it.each(["llama-3.2-1b", "llama-3.2-3b", "qwen2.5-14b", "mistral-7b"])("transfers to %s on the same GPU within 5 % (terms are per layer/byte/FLOP)", (modelId) => {
    const transfer = mapeOf(modelId, fit.profile, measure(modelId, 11));
    console.log(`calibration transfer to ${modelId}: MAPE ${(transfer * 100).toFixed(2)} %`);
    expect(transfer).toBeLessThan(0.05);
  });

  it("reports leave-one-out error close to the in-sample error and below the uncalibrated error", () => {
    expect(fit.decode.leaveOneOutMape).not.toBeNull();
    expect(fit.decode.leaveOneOutMape ?? 1).toBeLessThan(0.05);
    expect(fit.prefill.leaveOneOutMape ?? 1).toBeLessThan(0.05);
    expect(fit.decode.uncalibratedMape ?? 0).toBeGreaterThan(fit.decode.leaveOneOutMape ?? 1);
    expect(fit.profile.gpuId).toBe("h100-sxm");
  });

  it("keeps the starting terms of a phase without measurements", () => {
    const decodeOnly = calibrateStepTime(deploymentOf("llama-3-8b"), trainingHalf.filter((m) => m.phase === "decode"), { name: "d", start: defaultStepTimeProfile });
    expect(decodeOnly.profile.prefill).toEqual(defaultStepTimeProfile.prefill);
    expect(decodeOnly.prefill.fitted).toBe(false);
  });
});
