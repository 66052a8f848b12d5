import { describe, expect, it } from "vitest";
import { createLatencyHistograms, Histogram } from "../../src/serve/latency-histograms.js";
import { renderMetrics } from "../../src/serve/render-metrics.js";

describe("Histogram (Prometheus classic histogram)", () => {
  it("counts a value in the first bucket whose bound is ≥ it (le is inclusive); cumulative ends at the count", () => {
    const histogram = new Histogram([0.1, 0.5, 1]);
    for (const value of [0.05, 0.1, 0.3, 0.5, 2]) histogram.observe(value);
    // le=0.1: 0.05, 0.1; le=0.5: + 0.3, 0.5; le=1: nothing more; +Inf: + 2.
    expect(histogram.cumulative()).toEqual([2, 4, 4, 5]);
    expect(histogram.count).toBe(5);
    expect(histogram.sum).toBeCloseTo(2.95, 12);
  });
});

describe("renderMetrics() histogram families", () => {
  it("writes _bucket lines with vLLM's le values (1.0, not 1), +Inf, _sum and _count per replica", () => {
    const latency = createLatencyHistograms();
    latency.e2e.observe(0.9);
    latency.e2e.observe(3);
    const text = renderMetrics([{ model: "m", pool: "p", replica: 2, running: 0, waiting: 0, kvUsageFraction: 0, preemptions: 0, promptTokens: 0, promptTokensFromCache: 0, generationTokens: 0, finishedLength: 2, finishedAbort: 1, latency }]);
    const labels = 'model_name="m",engine="2",pool="p"';
    expect(text).toContain("# TYPE vllm:e2e_request_latency_seconds histogram\n");
    expect(text).toContain(`vllm:e2e_request_latency_seconds_bucket{${labels},le="0.8"} 0\n`);
    expect(text).toContain(`vllm:e2e_request_latency_seconds_bucket{${labels},le="1.0"} 1\n`);
    expect(text).toContain(`vllm:e2e_request_latency_seconds_bucket{${labels},le="2.5"} 1\n`);
    expect(text).toContain(`vllm:e2e_request_latency_seconds_bucket{${labels},le="5.0"} 2\n`);
    expect(text).toContain(`vllm:e2e_request_latency_seconds_bucket{${labels},le="+Inf"} 2\n`);
    expect(text).toContain(`vllm:e2e_request_latency_seconds_sum{${labels}} 3.9\n`);
    expect(text).toContain(`vllm:e2e_request_latency_seconds_count{${labels}} 2\n`);
    expect(text).toContain(`vllm:request_success_total{${labels},finished_reason="length"} 2\n`);
    expect(text).toContain(`vllm:request_success_total{${labels},finished_reason="abort"} 1\n`);
  });
});
