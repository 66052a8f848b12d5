import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { singleGpuDeployment } from "../../src/physics/deployment.js";
import { decodeStepTime, prefillTime } from "../../src/physics/step-time.js";
import { defaultStepTimeProfile } from "../../src/physics/step-time-profile.js";
import { defaultServeFleet } from "../../src/serve/default-serve-fleet.js";
import { startRealtimeFleet, type ServedOutcome } from "../../src/serve/realtime-fleet.js";

const deployment = singleGpuDeployment(findModel(builtInCatalog, "llama-3-8b"), findGpu(builtInCatalog, "h100-sxm"));
const request = { model: "llama-3-8b", promptTokens: 2000, outputTokens: 3, userId: "u", promptBlockKeys: [] };

describe("startRealtimeFleet() on a fake clock", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("delivers each token when wall time × timeScale reaches its step, with one pending timer at a time", () => {
    const timeScale = 4;
    const fleet = startRealtimeFleet(defaultServeFleet(), { timeScale, seed: 1, nowMs: () => Date.now() });
    const tokensAtMs: number[] = [];
    let outcome: ServedOutcome | null = null;
    const startMs = Date.now();
    fleet.submit(request, { onTokens: () => tokensAtMs.push(Date.now() - startMs), onEnd: (end) => (outcome = end) });
    fleet.submit({ ...request, promptTokens: 100 }, { onTokens: () => undefined, onEnd: () => undefined });
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(10_000);
    const prefillMs = (prefillTime(deployment, { batch: 2, promptTokens: 1050 }, defaultStepTimeProfile).stepSeconds * 1000) / timeScale;
    // Both prompts run in the first step (2100 new tokens, approximated here as 2 × 1050); the first token comes at its end.
    expect(tokensAtMs).toHaveLength(3);
    expect(tokensAtMs[0]).toBeGreaterThanOrEqual(Math.floor(prefillMs * 0.8));
    const decodeMs = (decodeStepTime(deployment, [2001, 101], defaultStepTimeProfile).stepSeconds * 1000) / timeScale;
    expect((tokensAtMs[1] ?? 0) - (tokensAtMs[0] ?? 0)).toBeGreaterThanOrEqual(Math.floor(decodeMs * 0.8));
    expect((tokensAtMs[1] ?? 0) - (tokensAtMs[0] ?? 0)).toBeLessThanOrEqual(Math.ceil(decodeMs * 1.25) + 1);
    expect(outcome).toEqual({ status: "ok", outputTokens: 3, cachedPromptTokens: 0 });
    expect(vi.getTimerCount()).toBe(0); // idle: no timer, no busy loop
    expect(fleet.metrics()[0]).toMatchObject({ running: 0, waiting: 0, generationTokens: 6, promptTokens: 2100 });
    fleet.stop();
  });
});
