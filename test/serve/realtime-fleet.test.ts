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

  it("runs a request's steps timeScale times faster on the wall clock: E2E = Σ step times / timeScale", () => {
    const promptTokens = 2000;
    const outputTokens = 20;
    const prefill = prefillTime(deployment, { batch: 1, promptTokens }, defaultStepTimeProfile).stepSeconds;
    const decode = Array.from({ length: outputTokens - 1 }, (_, k) => decodeStepTime(deployment, [promptTokens + k + 1], defaultStepTimeProfile).stepSeconds);
    const e2eSeconds = prefill + decode.reduce((sum, step) => sum + step, 0);
    for (const timeScale of [1, 10]) {
      const fleet = startRealtimeFleet(defaultServeFleet(), { timeScale, seed: 1, nowMs: () => Date.now() });
      const startMs = Date.now();
      let endMs = NaN;
      fleet.submit({ ...request, promptTokens, outputTokens }, { onTokens: () => undefined, onEnd: () => (endMs = Date.now() - startMs) });
      vi.advanceTimersByTime(10_000);
      // Fake timers fire at whole milliseconds: each of the 20 steps' wake may land up to 1 ms late.
      expect(endMs).toBeGreaterThanOrEqual(Math.floor((e2eSeconds * 1000) / timeScale));
      expect(endMs).toBeLessThanOrEqual(Math.ceil((e2eSeconds * 1000) / timeScale) + outputTokens);
      fleet.stop();
    }
  });

  it("cancel() frees the request's batch slot and KV blocks at once and silences its listener", () => {
    const fleet = startRealtimeFleet(defaultServeFleet(), { timeScale: 1, seed: 1, nowMs: () => Date.now() });
    const ends: string[] = [];
    let tokensAfterCancel = 0;
    let cancelled = false;
    const kept = fleet.submit({ ...request, outputTokens: 50 }, { onTokens: () => undefined, onEnd: (end) => ends.push(`kept:${end.status}`) });
    const dropped = fleet.submit({ ...request, outputTokens: 5000 }, { onTokens: () => { if (cancelled) tokensAfterCancel++; }, onEnd: (end) => ends.push(`dropped:${end.status}`) });
    vi.advanceTimersByTime(200); // both prefilled and decoding
    expect(fleet.metrics()[0]).toMatchObject({ running: 2, waiting: 0 });
    cancelled = fleet.cancel(dropped);
    expect(cancelled).toBe(true);
    expect(fleet.metrics()[0]).toMatchObject({ running: 1, waiting: 0 });
    expect(fleet.cancel(dropped)).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(tokensAfterCancel).toBe(0);
    expect(ends).toEqual(["kept:ok"]);
    expect(fleet.metrics()[0]).toMatchObject({ running: 0, waiting: 0, kvUsageFraction: 0 });
    expect(fleet.inFlight()).toBe(0);
    expect(fleet.cancel(kept)).toBe(false);
    fleet.stop();
  });

  it("refuses at start a --max-model-len the KV cache cannot hold, as vLLM does", () => {
    const fleet = { ...defaultServeFleet(), maxModelLenTokens: 10_000_000 };
    expect(() => startRealtimeFleet(fleet, { timeScale: 1, seed: 1, nowMs: () => Date.now() })).toThrow(/max model length 10000000 tokens is larger than the KV cache of model "llama-3-8b" can hold for one request \(\d+ tokens\)/);
  });
});
