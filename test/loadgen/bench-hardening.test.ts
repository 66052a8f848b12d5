import { describe, expect, it } from "vitest";
import { cleanErrorText, maxErrorTextChars } from "../../src/loadgen/send-request.js";
import { parseArrivalFlag } from "../../src/loadgen/arrival-spec.js";
import { usageProblem } from "../../src/loadgen/check-usage.js";
import { decideOutcome } from "../../src/loadgen/decide-outcome.js";
import type { LoadResult } from "../../src/loadgen/load-result.js";
import { etaSeconds, formatProgressLine } from "../../src/loadgen/progress-line.js";
import { computeRequestMetrics, meetsSlo } from "../../src/loadgen/request-metrics.js";
import { benchRunId, pointCost } from "../../src/loadgen/run-bench.js";
import { runLoad, type LoadProgress } from "../../src/loadgen/run-load.js";
import { probeLength, probeSteadiness } from "../../src/loadgen/run-sweep.js";
import { buildSchedule } from "../../src/loadgen/schedule.js";
import { summarizeLoad } from "../../src/loadgen/summarize-load.js";
import { redactUrl } from "../../src/io/redact-url.js";
import { buildBenchReport } from "../../src/report/builders/bench-report.js";
import { createRng } from "../../src/numeric/rng.js";
import { buildItemReport } from "../../src/ui/build-item-report.js";
import { loadResult } from "./bench-test-helpers.js";

const result = (overrides: Partial<LoadResult>): LoadResult => loadResult(overrides, { scheduledMs: 0, sentMs: 0, headersMs: 10, firstContentMs: 100, lastContentMs: 500, endMs: 510 });

describe("secrets (#18 item 4)", () => {
  it("redactUrl drops user:password and credential query values, keeps the rest", () => {
    expect(redactUrl("http://u:pw@host:8000/v1?api_key=Q&x=1")).toBe("http://host:8000/v1?api_key=REDACTED&x=1");
    expect(redactUrl("https://h/?access_token=abc&apiKey=k&X-Amz-Signature=s")).toBe("https://h/?access_token=REDACTED&apiKey=REDACTED&X-Amz-Signature=REDACTED");
    expect(redactUrl("not a url //me:secret@x")).not.toContain("secret");
  });

  it("error text is redacted before it is cut: a key straddling the 300-character cut leaves no fragment", () => {
    const key = "sk-live-ABCDEFGHIJKLMNOPQRSTUVWX";
    const text = `${"x".repeat(maxErrorTextChars - 10)}${key} tail`;
    const cleaned = cleanErrorText(text, key);
    // Cutting first (the old order) keeps the key's first 10 characters, which no longer match the whole key.
    expect(cleaned).not.toContain(key.slice(0, 10));
    expect(cleaned.length).toBeLessThanOrEqual(maxErrorTextChars + 1);
    expect(cleanErrorText("upstream http://u:pw@h/?token=T failed", undefined)).toBe("upstream http://h/?token=REDACTED failed");
  });
});

describe("usage values (#18 item 7)", () => {
  const base = { promptTokens: 10, cachedPromptTokens: null, contentEvents: 3, maxOutputTokens: 64 };
  it.each([
    [-5, /-5 is not a whole number/],
    [1e15, /exceeds the request's max_tokens 64/],
    [2.5, /2.5 is not a whole number/],
    [0, /is 0 but the stream carried 3 content events/],
  ])("completion_tokens %s is refused", (completionTokens, message) => {
    expect(usageProblem({ ...base, completionTokens })).toMatch(message);
  });
  it("accepts true counts and refuses cached > prompt", () => {
    expect(usageProblem({ ...base, completionTokens: 64 })).toBeNull();
    expect(usageProblem({ ...base, completionTokens: 3, cachedPromptTokens: 11 })).toMatch(/cached_tokens 11 exceeds usage.prompt_tokens 10/);
  });
  it("a request with impossible usage is error:bad-usage, not ok (so it adds no tokens/s)", () => {
    const observation = { httpStatus: 200, httpBody: "", abortKind: null, transportError: null, streamError: null, contentEvents: 3, finishReason: "length", timeoutMs: 1000 };
    expect(decideOutcome({ ...observation, usageProblem: "usage.completion_tokens -5 is not a whole number ≥ 0" })).toMatchObject({ status: "error", kind: "bad-usage" });
    expect(decideOutcome({ ...observation, usageProblem: null })).toEqual({ status: "ok" });
  });
  it("HTTP 503 is dropped (shed by the server), another 5xx an error", () => {
    const observation = { httpBody: "queue full", abortKind: null, transportError: null, streamError: null, contentEvents: 0, finishReason: null, timeoutMs: 1000, usageProblem: null };
    expect(decideOutcome({ ...observation, httpStatus: 503 })).toMatchObject({ status: "dropped", kind: "http-503" });
    expect(decideOutcome({ ...observation, httpStatus: 500 })).toMatchObject({ status: "error", kind: "http" });
    expect(summarizeLoad([result({ outcome: { status: "dropped", kind: "http-503", message: "HTTP 503" } }), result({})]).statuses).toEqual({ ok: 1, error: 0, incomplete: 0, dropped: 1 });
  });
});

describe("timer bound (#18 item 7)", () => {
  it("runLoad refuses a timeout past Node's 2³¹ − 1 ms timer limit instead of firing after 1 ms", async () => {
    await expect(runLoad({ target: "http://127.0.0.1:1", model: "m", mode: { kind: "closed", concurrency: 1 }, requests: 1, timeoutSeconds: 2_147_484, now: () => 0 })).rejects.toThrow(/at most 2147483.647 s/);
  });
});

describe("SLO gates under client lag (coordinated omission, #12)", () => {
  // Injected times: intended at 0 ms, sent 300 ms late (client lag), first token 100 ms after the send.
  const late = result({ scheduledMs: 0, sentMs: 300, firstContentMs: 400, lastContentMs: 800, endMs: 810 });
  it("TTFT and E2E gates count from the intended send time", () => {
    const metrics = computeRequestMetrics(late);
    expect(metrics.ttftMs).toBe(100);
    expect(meetsSlo(late, metrics, { ttftSeconds: 0.2 })).toBe(false); // 400 ms from intended > 200 ms
    expect(meetsSlo(late, metrics, { ttftSeconds: 0.45 })).toBe(true);
    expect(meetsSlo(late, metrics, { e2eSeconds: 0.6 })).toBe(false); // 800 ms from intended, 500 from t0
    expect(summarizeLoad([late, result({})], { slo: { ttftSeconds: 0.2 } }).sloAttainment).toBe(0.5);
  });
});

describe("warm-up and progress", () => {
  it("warns when the warm-up took every request (n = 0)", () => {
    const summary = summarizeLoad([result({ warmup: true }), result({ warmup: true, requestId: 1 })]);
    expect(summary.requests).toBe(0);
    expect(summary.warnings.join(" ")).toMatch(/all 2 requests sent were warm-up: nothing was measured \(n = 0\)/);
  });
  const progress: LoadProgress = { label: "rate=4/s", elapsedSeconds: 10, sent: 40, finished: 37, ok: 35, error: 1, incomplete: 1, dropped: 0, inFlight: 3, maxLagMs: 1.25, planned: 100, durationSeconds: null };
  it("shows n of N and the ETA at the pace so far: (100 − 37) × 10 s / 37 = 17.0 s", () => {
    expect(etaSeconds(progress)).toBeCloseTo((63 * 10) / 37, 12);
    expect(formatProgressLine(progress)).toBe("[rate=4/s] 37 of 100 done (ok 35, error 1, dropped 0, incomplete 1), 3 in flight, 10.0 s elapsed, ETA 17 s, max lag 1.3 ms");
    expect(etaSeconds({ ...progress, planned: null, durationSeconds: 60 })).toBe(50);
  });
});

describe("price and identity", () => {
  it("cost = $/GPU-hour × GPUs × duration / 3600: 2.5 × 8 × 90 s = $0.50; per 1K ok at 100 ok = $5", () => {
    const summary = summarizeLoad(Array.from({ length: 100 }, (_, index) => result({ requestId: index, sentMs: index * 900, scheduledMs: index * 900, firstContentMs: index * 900 + 100, lastContentMs: index * 900 + 500, endMs: index === 99 ? 90_000 : index * 900 + 510 })), { slo: { ttftSeconds: 0.15 } });
    expect(summary.durationSeconds).toBe(90);
    const cost = pointCost(summary, { usdPerGpuHour: 2.5, gpus: 8 });
    expect(cost.usd).toBeCloseTo(0.5, 12);
    expect(cost.usdPer1kSuccessful).toBeCloseTo(5, 12);
    expect(cost.usdPer1kWithinSlo).toBeCloseTo(5, 12);
    expect(cost.usdPer1MOutputTokens).toBeCloseTo((0.5 / 500) * 1e6, 9);
    expect(pointCost(summary, undefined)).toEqual({ usd: null, usdPer1kSuccessful: null, usdPer1kWithinSlo: null, usdPer1MOutputTokens: null });
  });
  it("run ids carry the wall-clock start, so two runs with one seed do not overwrite each other", () => {
    expect(benchRunId(Date.UTC(2026, 11, 2, 13, 35, 12, 345), 7)).toBe("bench-20261202T133512Z-s7");
  });
});

describe("--find-max-rate probes (#12)", () => {
  it("each probe holds at least rate × minProbeSeconds requests (62/s × 30 s = 1860, not 100)", () => {
    expect(probeLength(62, { requests: 100 }, 30)).toEqual({ requests: 1860 });
    expect(probeLength(2, { requests: 100 }, 30)).toEqual({ requests: 100 });
    expect(probeLength(62, { durationSeconds: 5 }, 30)).toEqual({ durationSeconds: 30 });
  });
  it("a probe whose latency from intended keeps climbing is not steady; a flat one is", () => {
    // Arrivals 1 s apart; a queue growing 200 ms per arrival against a 1 s TTFT gate: last-third median − first-third median = 200 × 6 = 1200 ms > 250 ms.
    const growing = Array.from({ length: 9 }, (_, k) => result({ requestId: k, scheduledMs: k * 1000, sentMs: k * 1000, firstContentMs: k * 1000 + 100 + 200 * k }));
    expect(probeSteadiness(growing, { ttftSeconds: 1 })).toEqual({ steady: false, growthMs: 1200 });
    const flat = growing.map((entry, k) => ({ ...entry, firstContentMs: entry.scheduledMs + 100 + (k % 2) * 10 }));
    expect(probeSteadiness(flat, { ttftSeconds: 1 }).steady).toBe(true);
  });
});

describe("live arrivals: on/off and diurnal (#12)", () => {
  it("parses onoff and diurnal and refuses bad arguments", () => {
    expect(parseArrivalFlag("onoff:40,0,5,15")).toEqual({ kind: "onoff", onRatePerSecond: 40, offRatePerSecond: 0, onSeconds: 5, offSeconds: 15 });
    expect(parseArrivalFlag("diurnal:10,0.5,60")).toEqual({ kind: "diurnal", meanRatePerSecond: 10, amplitude: 0.5, periodSeconds: 60, phaseSeconds: 0 });
    expect(() => parseArrivalFlag("onoff:40,0,5")).toThrow(/--arrivals: "onoff:40,0,5" needs ON_RATE/);
    expect(() => parseArrivalFlag("diurnal:10,2,60")).toThrow(/AMPLITUDE/);
  });
  it("an on/off schedule sends only in the on windows (offRate 0), at about onRate there", () => {
    const schedule = buildSchedule({ kind: "onoff", onRatePerSecond: 50, offRatePerSecond: 0, onSeconds: 1, offSeconds: 4 }, { ratePerSecond: 1, durationSeconds: 50, rng: createRng(3, "t") });
    const offsets = [...schedule.offsetsMs];
    expect(offsets.every((ms) => ms % 5000 < 1000)).toBe(true);
    // 10 on-seconds at 50/s: 500 expected, Poisson sd √500 ≈ 22; ±5 sd.
    expect(Math.abs(offsets.length - 500)).toBeLessThan(112);
  });
});

describe("reports", () => {
  const point = (label: string, attainment: number, goodput: number) => ({
    label, mode: { kind: "open", ratePerSecond: goodput }, stopReason: "completed",
    summary: { requests: 10, statuses: { ok: 10, error: 0, incomplete: 0, dropped: 0 }, requestsPerSecond: goodput, goodputRequestsPerSecond: goodput, outputTokensPerSecond: 1, sloAttainment: attainment, latencies: { ttftMs: { n: 10, p50: 1, p90: 1, p99: 1 }, tpotMs: { n: 0, p50: null, p90: null, p99: null }, e2eMs: { n: 10, p50: 1, p90: 1, p99: 1 } }, warnings: [] },
  });
  it("the sweep report honours --slo-attainment, not a fixed 90 %", () => {
    const report = buildBenchReport({ target: "t", model: "m", sloAttainmentTarget: 0.5, points: [point("rate=1/s", 0.95, 1), point("rate=4/s", 0.6, 4)] }, { source: "test" });
    const text = JSON.stringify(report);
    expect(text).toContain("Recommended operating point: rate=4/s");
    expect(text).toContain("at least 50 % of requests");
  });
  it("a stored live-target run item is drawn with the bench report (the viewer answered 500)", () => {
    const summary = point("x", 1, 2).summary;
    const item = { kind: "run" as const, id: "r1", experiment: "cost", createdAt: "2026-01-01T00:00:00Z", json: { runId: "r1", case: "burst", profile: "optimized", target: "http://h/", config: { model: "m", ratePerSecond: 2 }, summary, row: {} } };
    const report = buildItemReport(item);
    expect(JSON.stringify(report)).toContain("burst × optimized");
  });
});
