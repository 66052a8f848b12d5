import { describe, expect, it } from "vitest";
import type { LoadResult } from "../../src/loadgen/load-result.js";
import { percentile, summarizeSamples } from "../../src/loadgen/percentiles.js";
import { computeRequestMetrics } from "../../src/loadgen/request-metrics.js";
import { summarizeLoad } from "../../src/loadgen/summarize-load.js";
import { loadResult } from "./bench-test-helpers.js";

const result = (overrides: Partial<LoadResult>): LoadResult => loadResult(overrides, { scheduledMs: 1000, sentMs: 1001, headersMs: 1010, firstContentMs: 1100, lastContentMs: 1500, endMs: 1510 });

describe("percentile()", () => {
  it("interpolates linearly between order statistics (R type 7: quantile(c(1,2,3,4), 0.9) = 3.7)", () => {
    expect(percentile([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 12);
    expect(percentile([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
    expect(summarizeSamples([4, 1, 3, 2, NaN])).toMatchObject({ n: 4, mean: 2.5, p50: 2.5, max: 4 });
  });
});

describe("computeRequestMetrics()", () => {
  it("measures TTFT, E2E from t0 and from t_sched, TPOT = (E2E − TTFT)/(N − 1), TTFB and close", () => {
    const metrics = computeRequestMetrics(result({}));
    expect(metrics).toEqual({ clientLagMs: 1, ttfbMs: 9, ttftMs: 99, ttftFromIntendedMs: 100, e2eMs: 499, e2eFromIntendedMs: 500, closeMs: 509, tpotMs: (499 - 99) / 4 });
  });

  it("leaves TPOT undefined (null) when N_out ≤ 1", () => {
    expect(computeRequestMetrics(result({ outputTokens: 1, lastContentMs: 1100, itlMs: [] })).tpotMs).toBeNull();
  });
});

describe("summarizeLoad()", () => {
  it("duration = max(end) − min(t0); throughput and goodput per docs/design.md §6; warm-up reported apart", () => {
    const results = [
      result({ requestId: 0, warmup: true, sentMs: 0, scheduledMs: 0 }),
      result({ requestId: 1 }),
      // Starts at 2001, ends at 3010: TTFT 99 ms, E2E 999 ms → misses an E2E SLO of 600 ms.
      result({ requestId: 2, scheduledMs: 2000, sentMs: 2001, firstContentMs: 2100, lastContentMs: 3000, endMs: 3010 }),
      result({ requestId: 3, outcome: { status: "error", kind: "http", message: "HTTP 500" }, httpStatus: 500, firstContentMs: null, lastContentMs: null, outputTokens: 0, endMs: 1020 }),
    ];
    const summary = summarizeLoad(results, { slo: { e2eSeconds: 0.6 } });
    expect(summary.requests).toBe(3);
    expect(summary.durationSeconds).toBeCloseTo((3010 - 1001) / 1000, 12);
    expect(summary.outputTokensPerSecond).toBeCloseTo(10 / summary.durationSeconds, 9);
    expect(summary.goodputRequestsPerSecond).toBeCloseTo(1 / summary.durationSeconds, 9);
    expect(summary.goodputTokensPerSecond).toBeCloseTo(5 / summary.durationSeconds, 9);
    expect(summary.sloAttainment).toBeCloseTo(1 / 3, 12);
    expect(summary.statuses).toEqual({ ok: 2, error: 1, incomplete: 0, dropped: 0 });
    expect(summary.failureKinds).toEqual({ "error:http": 1 });
    expect(summary.latencies.ttftMs).toMatchObject({ n: 2, p50: 99 });
    expect(summary.latencies.itlMs.n).toBe(8);
    expect(summary.latencies.clientLagMs.n).toBe(3);
    expect(summary.warmup).toMatchObject({ requests: 1, statuses: { ok: 1, error: 0, incomplete: 0 } });
  });
});
