import { describe, expect, it } from "vitest";
import { summarizeSamples } from "../../src/loadgen/percentiles.js";
import type { RequestRecord } from "../../src/sim/log/request-record.js";
import { SummaryAccumulator } from "../../src/sim/summary.js";
import { SampleBuffer } from "../../src/sim/stats/sample-buffer.js";

const okRecord = (e2e: number): RequestRecord =>
  ({ attempt: 1, arrival_s: 0, status: "ok", queue_wait_s: 0, output_tokens: 2, e2e_s: e2e, ttft_s: e2e / 2, tpot_s: e2e / 2, slo_met: true, quality_pass: null, error_reason: null }) as unknown as RequestRecord;

const summarize = (values: readonly number[]) => {
  const accumulator = new SummaryAccumulator();
  for (const value of values) accumulator.add(okRecord(value), true, value);
  return accumulator.result({ arrivals: values.length, unresolved: 0, spanSeconds: 10, meanInSystem: 1, costUsd: 1, preemptions: 0, engineSteps: 0, busyFraction: 0 });
};

describe("simulator percentiles: linear interpolation (docs/design.md §6), the load generator's definition", () => {
  it("matches hand values: h = (n − 1)p between order statistics", () => {
    // Sorted 1, 2, 3, 4, 10 (given shuffled). p50: h = 2 → 3. p90: h = 3.6 → 4 + 0.6·6 = 7.6.
    // p95: h = 3.8 → 4 + 0.8·6 = 8.8. p99: h = 3.96 → 4 + 0.96·6 = 9.76.
    const latency = summarize([10, 3, 1, 4, 2]).latencySeconds;
    expect(latency.n).toBe(5);
    expect(latency.mean).toBeCloseTo(4, 12);
    expect(latency.p50).toBeCloseTo(3, 12);
    expect(latency.p90).toBeCloseTo(7.6, 12);
    expect(latency.p95).toBeCloseTo(8.8, 12);
    expect(latency.p99).toBeCloseTo(9.76, 12);
    expect(latency.max).toBe(10);
  });

  it("two values: the median is their midpoint (a lower order statistic would give the smaller)", () => {
    expect(summarize([0.2, 0.1]).ttftSeconds.p50).toBeCloseTo(0.075, 12);
  });

  it("agrees with the load generator's summary on the same values", () => {
    const values = Array.from({ length: 997 }, (_, index) => Math.exp(Math.sin(index * 12.9898) * 3));
    const sim = summarize(values).latencySeconds;
    const loadgen = summarizeSamples(values);
    for (const key of ["p50", "p90", "p95", "p99", "max"] as const) expect(sim[key]).toBeCloseTo(loadgen[key] ?? NaN, 12);
  });
});

describe("SampleBuffer without kept values (online serving)", () => {
  it("keeps count, mean and max in constant memory and gives no percentiles", () => {
    const kept = new SampleBuffer();
    const counted = new SampleBuffer(false);
    for (let index = 1; index <= 5000; index++) {
      kept.add(index / 1000);
      counted.add(index / 1000);
    }
    expect(counted.count).toBe(5000);
    expect(counted.mean).toBeCloseTo(2.5005, 12);
    expect(counted.max).toBe(5);
    expect(counted.sorted()).toHaveLength(0);
    expect(kept.sorted()).toHaveLength(5000);
  });
});
