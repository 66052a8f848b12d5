import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { measurementsFromBenchLog } from "../../src/cli/load-measurements.js";
import { singleGpuDeployment } from "../../src/physics/deployment.js";
import { prefillTime, uniformDecodeStepTime } from "../../src/physics/step-time.js";
import { defaultStepTimeProfile, type StepTimeProfile } from "../../src/physics/step-time-profile.js";
import { runCli } from "../cli/run-cli.js";

// A bench run against an "endpoint" whose true terms differ from the defaults (slower kernels);
// TTFT carries 2 ms of network time the step model does not know about.
const truth: StepTimeProfile = {
  ...defaultStepTimeProfile,
  decode: { ...defaultStepTimeProfile.decode, fixedSeconds: 1.2e-3, weightBandwidthEfficiency: 0.7, kvBandwidthEfficiency: 0.6 },
  prefill: { ...defaultStepTimeProfile.prefill, computeEfficiency: 0.45, attentionEfficiency: 0.5 },
};
const deployment = singleGpuDeployment(findModel(builtInCatalog, "llama-3-8b"), findGpu(builtInCatalog, "h100-sxm"));

function benchLog(): string {
  const rows: Record<string, unknown>[] = [{ case: "warmup", profile: "concurrency=1", status: "ok", prompt_tokens: 999, output_tokens: 1, ttft_s: 9, tpot_s: 9 }];
  let jitter = 0;
  const wobble = () => 1 + 0.01 * (((jitter += 1) % 5) - 2); // ±2 %, deterministic
  for (const prompt of [256, 1024, 4096]) {
    for (let i = 0; i < 5; i += 1) {
      const ttft = prefillTime(deployment, { batch: 1, promptTokens: prompt }, truth).stepSeconds + 0.002;
      rows.push({ case: "measured", profile: "concurrency=1", status: "ok", prompt_tokens: prompt, output_tokens: 256, ttft_s: ttft * wobble(), tpot_s: uniformDecodeStepTime(deployment, 1, prompt + 128, truth).stepSeconds * wobble() });
    }
  }
  for (const concurrency of [4, 16, 64]) {
    for (let i = 0; i < 5; i += 1) {
      rows.push({ case: "measured", profile: `concurrency=${concurrency}`, status: "ok", prompt_tokens: 1024, output_tokens: 256, ttft_s: 0.1, tpot_s: uniformDecodeStepTime(deployment, concurrency, 1024 + 128, truth).stepSeconds * wobble() });
    }
    rows.push({ case: "measured", profile: `concurrency=${concurrency}`, status: "error", prompt_tokens: 1024, output_tokens: 0, ttft_s: null, tpot_s: null });
  }
  const dir = mkdtempSync(join(tmpdir(), "goodput-benchcal-"));
  const path = join(dir, "requests.jsonl");
  writeFileSync(path, rows.map((row) => JSON.stringify(row)).join("\n") + "\n");
  return path;
}

describe("calibration from a bench run (TTFT by prompt length, TPOT by concurrency)", () => {
  it("turns the log into decode points per concurrency and prefill points per prompt length (warm-up and errors left out)", () => {
    const { measurements } = measurementsFromBenchLog(benchLog());
    const decode = measurements.filter((m) => m.phase === "decode");
    const prefill = measurements.filter((m) => m.phase === "prefill");
    expect(decode.map((m) => m.batch)).toEqual([1, 4, 16, 64]);
    // Concurrency 1 mixes prompts 256, 1024, 4096: median prompt 1024 + median output 256 / 2 = 1152.
    expect(decode.map((m) => m.context)).toEqual([1152, 1152, 1152, 1152]);
    expect(prefill.map((m) => m.prompt)).toEqual([256, 1024, 4096]);
    // Median of the five jittered TPOTs at concurrency 16 = the unjittered value (wobbles −2…+2 %, one of them 0).
    const truth16 = uniformDecodeStepTime(deployment, 16, 1152, truth).stepSeconds;
    expect(decode[2]?.seconds).toBeCloseTo(truth16, 12);
  });

  it("calc calibrate --bench-log fits and saves a profile that beats the defaults on held-out points", async () => {
    const home = mkdtempSync(join(tmpdir(), "goodput-benchcal-home-"));
    const result = await runCli(["calc", "calibrate", "--gpu", "h100-sxm", "--model", "llama-3-8b", "--bench-log", benchLog(), "--name", "endpoint", "--json"], { GOODPUT_HOME: home });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { decode: { leaveOneOutMape: number; uncalibratedMape: number; fitted: boolean } };
    expect(json.decode.fitted).toBe(true);
    expect(json.decode.leaveOneOutMape).toBeLessThan(json.decode.uncalibratedMape);
  });
});
