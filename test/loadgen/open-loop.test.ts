import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPromptBuilder, type PromptBuilder } from "../../src/loadgen/exact-prompt.js";
import { computeRequestMetrics } from "../../src/loadgen/request-metrics.js";
import { runLoad } from "../../src/loadgen/run-load.js";
import { contentChunk, doneChunk, playStream, startScriptedServer, usageChunk, type ScriptedServer } from "./scripted-server.js";

let builder: PromptBuilder;
let server: ScriptedServer;
// A single-worker server: each request holds the worker 30 ms, so at 50 requests/s (one per 20 ms)
// a queue builds and request k waits ≈ 30k − 20k = 10k ms before its first token.
const serviceMs = 30;
let workerFreeAtMs = 0;

beforeAll(async () => {
  builder = await createPromptBuilder(1);
  server = await startScriptedServer(async (_req, res) => {
    const startMs = Math.max(performance.now(), workerFreeAtMs);
    workerFreeAtMs = startMs + serviceMs;
    await playStream(res, [{ afterMs: workerFreeAtMs - performance.now(), data: contentChunk("a", "length") + usageChunk(1) + doneChunk }]);
  });
});
afterAll(() => server.close());

describe("runLoad() open loop", () => {
  it("sends on schedule while the server queues: client lag p99 < 25 ms, latency from intended includes the queueing", async () => {
    const requests = 40;
    const run = await runLoad({ target: server.url, model: "m", mode: { kind: "open", ratePerSecond: 50, arrivals: { kind: "constant" } }, requests, outputTokens: 1, now: () => performance.now(), promptBuilder: builder });
    expect(run.results).toHaveLength(requests);
    expect(run.summary.statuses.ok).toBe(requests);
    expect(run.summary.latencies.clientLagMs.n).toBe(requests);
    // Coordinated omission would lag by the server's queueing (hundreds of ms); 25 ms allows a busy CI core.
    expect(run.summary.latencies.clientLagMs.p99).toBeLessThan(25);
    // Sends follow the schedule (20 ms apart), not the responses (30 ms apart).
    const sendSpanMs = (run.results.at(-1)?.sentMs ?? 0) - (run.results[0]?.sentMs ?? 0);
    expect(Math.abs(sendSpanMs - 39 * 20)).toBeLessThan(25);
    const last = run.results.at(-1);
    if (!last) throw new Error("no result");
    const metrics = computeRequestMetrics(last);
    // Queueing: the last request waits ≈ 40·30 − 39·20 = 420 ms from its intended send.
    expect(metrics.ttftFromIntendedMs ?? 0).toBeGreaterThan(420 - 40);
    expect(metrics.ttftFromIntendedMs ?? 0).toBeLessThan(420 + 60);
    expect((metrics.ttftFromIntendedMs ?? 0) - (metrics.ttftMs ?? 0)).toBeLessThan(25);
  });

  it("closed loop keeps exactly C in flight and stops at the request count; warm-up reported apart", async () => {
    workerFreeAtMs = 0;
    const run = await runLoad({ target: server.url, model: "m", mode: { kind: "closed", concurrency: 2 }, requests: 6, warmup: 2, outputTokens: 1, now: () => performance.now(), promptBuilder: builder });
    expect(run.results).toHaveLength(8);
    expect(run.results.filter((r) => r.warmup).map((r) => r.requestId)).toEqual([0, 1]);
    expect(run.summary.requests).toBe(6);
    expect(run.summary.warmup.requests).toBe(2);
    expect(run.summary.latencies.clientLagMs.max).toBe(0);
  });

  it("stops scheduling at the error-rate ceiling", async () => {
    const run = await runLoad({ target: "http://127.0.0.1:1", model: "m", mode: { kind: "open", ratePerSecond: 200, arrivals: { kind: "constant" } }, requests: 200, maxErrorRate: 0.5, now: () => performance.now(), promptBuilder: builder });
    expect(run.stopReason).toBe("error-rate");
    expect(run.sent).toBeLessThan(200);
  });
});
