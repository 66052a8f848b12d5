import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPromptBuilder, type PromptBuilder } from "../../src/loadgen/exact-prompt.js";
import { computeRequestMetrics } from "../../src/loadgen/request-metrics.js";
import { runLoad } from "../../src/loadgen/run-load.js";
import { contentChunk, doneChunk, playStream, startScriptedServer, usageChunk, type ScriptedServer } from "./scripted-server.js";

// No assertion here races the wall clock (issue #15): the server decides by counting requests, not by
// timing, and the checks are on what the schedule and the clock readings must satisfy whatever the
// machine's load. Real-time figures (client lag under load) are measured by `npm run bench:loadgen`.
let builder: PromptBuilder;
let server: ScriptedServer;
const held: (() => void)[] = [];
let holdUntil = 0;
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  builder = await createPromptBuilder(1);
  server = await startScriptedServer(async (req, res, _body, index) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // /hold: no response at all until `holdUntil` requests have arrived — a client that waited for
    // responses before sending (coordinated omission) would never get there.
    if (req.url?.startsWith("/hold") === true && index + 1 < holdUntil) await new Promise<void>((resolve) => held.push(resolve));
    else for (const release of held.splice(0)) release();
    await playStream(res, [{ afterMs: 1, data: contentChunk("a", "length") + usageChunk(1) + doneChunk }]);
    inFlight--;
  });
});
afterAll(() => server.close());

describe("runLoad() open loop", () => {
  it("sends on the precomputed schedule whatever the responses do: every request is sent before any is answered", async () => {
    const requests = 40;
    holdUntil = server.seen.length + requests;
    const run = await runLoad({ target: `${server.url}/hold`, model: "m", mode: { kind: "open", ratePerSecond: 50, arrivals: { kind: "constant" } }, requests, outputTokens: 1, timeoutSeconds: 60, now: () => performance.now(), promptBuilder: builder });
    expect(run.results).toHaveLength(requests);
    expect(run.summary.statuses.ok).toBe(requests);
    // All 40 were in flight at once: the server held every response until the 40th arrived.
    expect(maxInFlight).toBe(requests);
    run.results.forEach((result, k) => {
      // t_sched is the schedule itself: origin + k/rate (constant arrivals, 20 ms apart), not a time read after a response.
      expect(result.scheduledMs - run.originMs).toBeCloseTo(k * 20, 6);
      const metrics = computeRequestMetrics(result);
      expect(metrics.clientLagMs).toBeGreaterThanOrEqual(0);
      // Latency from intended = latency from t0 + client lag, exactly.
      expect((metrics.ttftFromIntendedMs ?? NaN) - (metrics.ttftMs ?? NaN)).toBeCloseTo(metrics.clientLagMs, 6);
    });
    expect(run.summary.latencies.clientLagMs.n).toBe(requests);
  });

  it("closed loop keeps exactly C in flight and stops at the request count; warm-up reported apart", async () => {
    maxInFlight = 0;
    // The first response waits for the second request, so both slots are seen busy at once; never more than C.
    holdUntil = server.seen.length + 2;
    const run = await runLoad({ target: `${server.url}/hold`, model: "m", mode: { kind: "closed", concurrency: 2 }, requests: 6, warmup: 2, outputTokens: 1, now: () => performance.now(), promptBuilder: builder });
    expect(run.results).toHaveLength(8);
    expect(maxInFlight).toBe(2);
    expect(run.results.filter((r) => r.warmup).map((r) => r.requestId)).toEqual([0, 1]);
    expect(run.summary.requests).toBe(6);
    expect(run.summary.warmup.requests).toBe(2);
    expect(run.summary.latencies.clientLagMs.max).toBe(0);
  });

  it("stops scheduling at the error-rate ceiling", async () => {
    // 20/s against a refused port: each send fails within milliseconds, far inside the 50 ms between sends.
    const run = await runLoad({ target: "http://127.0.0.1:1", model: "m", mode: { kind: "open", ratePerSecond: 20, arrivals: { kind: "constant" } }, requests: 200, maxErrorRate: 0.5, now: () => performance.now(), promptBuilder: builder });
    expect(run.stopReason).toBe("error-rate");
    expect(run.sent).toBeLessThan(200);
  });
});
