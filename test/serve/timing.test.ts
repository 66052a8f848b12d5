import { describe, expect, it } from "vitest";
import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { singleGpuDeployment } from "../../src/physics/deployment.js";
import { decodeStepTime, prefillTime } from "../../src/physics/step-time.js";
import { defaultStepTimeProfile } from "../../src/physics/step-time-profile.js";
import { contentEvents, startTestServer, streamEvents } from "./serve-helpers.js";

// The physics the default replica runs (one H100, llama-3-8b), computed here from SPEC §3 step times:
// one prefill step for the whole prompt (8192-token budget), then one decode step per further token.
const deployment = singleGpuDeployment(findModel(builtInCatalog, "llama-3-8b"), findGpu(builtInCatalog, "h100-sxm"));
const promptTokens = 2000;
const outputTokens = 60;
const prefillSeconds = prefillTime(deployment, { batch: 1, promptTokens }, defaultStepTimeProfile).stepSeconds;
const decodeSeconds = Array.from({ length: outputTokens - 1 }, (_, k) => decodeStepTime(deployment, [promptTokens + k + 1], defaultStepTimeProfile).stepSeconds);
const e2eSeconds = prefillSeconds + decodeSeconds.reduce((sum, step) => sum + step, 0);

async function timedRun(timeScale: number): Promise<{ ttftMs: number; e2eMs: number; gapsMs: number[] }> {
  const server = await startTestServer({ timeScale });
  try {
    // Warm-up (connection, JIT) so the timed request measures the simulated engine, not the first fetch.
    await streamEvents(`${server.url}/v1/completions`, { prompt: "warm up", max_tokens: 2, stream: true });
    const body = { prompt: Array.from({ length: promptTokens }, (_, i) => i % 5000), max_tokens: outputTokens, stream: true };
    const { events } = await streamEvents(`${server.url}/v1/completions`, body);
    const { content } = contentEvents(events);
    expect(content).toHaveLength(outputTokens);
    const times = content.map((event) => event.atMs);
    return { ttftMs: times[0] ?? NaN, e2eMs: times.at(-1) ?? NaN, gapsMs: times.slice(1).map((time, i) => time - (times[i] ?? 0)) };
  } finally {
    await server.close();
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

describe("goodput serve paces tokens by the simulator's step times", () => {
  it("at time-scale 1: TTFT ≥ the prefill step, ITL ≈ a decode step, E2E ≈ the sum of steps", async () => {
    const run = await timedRun(1);
    console.log(`predicted prefill ${(prefillSeconds * 1000).toFixed(1)} ms, decode ${((decodeSeconds[0] ?? 0) * 1000).toFixed(2)} ms, e2e ${(e2eSeconds * 1000).toFixed(1)} ms; measured ttft ${run.ttftMs.toFixed(1)} ms, e2e ${run.e2eMs.toFixed(1)} ms, median ITL ${median(run.gapsMs).toFixed(2)} ms`);
    // The first token cannot come before its prefill step has run in (wall-mapped) simulated time.
    expect(run.ttftMs).toBeGreaterThanOrEqual(prefillSeconds * 1000);
    expect(run.ttftMs).toBeLessThan(prefillSeconds * 1000 + 60);
    // After the first token, the stream lasts the sum of the decode steps.
    const decodeMs = (e2eSeconds - prefillSeconds) * 1000;
    expect(run.e2eMs - run.ttftMs).toBeGreaterThan(decodeMs * 0.9);
    expect(run.e2eMs - run.ttftMs).toBeLessThan(decodeMs * 1.25 + 30);
    expect(run.e2eMs).toBeGreaterThanOrEqual(e2eSeconds * 1000 * 0.95);
    expect(run.e2eMs).toBeLessThan(e2eSeconds * 1000 * 1.25 + 60);
    expect(median(run.gapsMs)).toBeGreaterThan((decodeSeconds[0] ?? 0) * 1000 * 0.5);
    expect(median(run.gapsMs)).toBeLessThan((decodeSeconds[0] ?? 0) * 1000 * 2);
  });

  it("at time-scale 10 the same request runs about ten times faster", async () => {
    const slow = await timedRun(1);
    const fast = await timedRun(10);
    console.log(`e2e at ×1 ${slow.e2eMs.toFixed(1)} ms, at ×10 ${fast.e2eMs.toFixed(1)} ms (ratio ${(slow.e2eMs / fast.e2eMs).toFixed(2)})`);
    expect(fast.e2eMs).toBeGreaterThanOrEqual((e2eSeconds * 1000 * 0.95) / 10);
    expect(fast.e2eMs).toBeLessThan((e2eSeconds * 1000 * 1.25) / 10 + 25);
    expect(slow.e2eMs / fast.e2eMs).toBeGreaterThan(5);
    expect(slow.e2eMs / fast.e2eMs).toBeLessThan(12);
  });
});
