import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../src/sim/log/request-record.js";
import { startFleetSimulation, type SeriesRow, type SimulationInput } from "../../src/sim/simulate-fleet.js";
import type { RequestSource, SimRequestSpec } from "../../src/sim/sim-request.js";
import { baseSimInput, pool, poissonSource, runSim } from "./sim-fixtures.js";

/** A fixed list of requests (id, arrival, prompt, output). */
function listSource(rows: readonly (readonly [number, number, number])[]): RequestSource {
  let index = 0;
  return {
    next(): SimRequestSpec | null {
      const row = rows[index];
      if (row === undefined) return null;
      const [arrivalSeconds, promptTokens, outputTokens] = row;
      const spec: SimRequestSpec = { id: index, arrivalSeconds, promptTokens, outputTokens, tenant: "t", tier: "standard", latencySensitive: false, userId: `u${index}`, sessionId: null, turn: 0, prefixGroup: null, prefixTokens: 0, historyTokens: 0, workloadClass: "test", preUsage: 0 };
      index++;
      return spec;
    },
  };
}

/** Runs with the series on, in slices; `done` is false if the run has not ended after `maxEvents`. */
function runBounded(partial: Pick<SimulationInput, "pools" | "requests"> & Partial<SimulationInput>, maxEvents: number) {
  const records: RequestRecord[] = [];
  const series: SeriesRow[] = [];
  const simulation = startFleetSimulation({
    ...baseSimInput,
    seriesIntervalSeconds: 1,
    onRecord: (record) => records.push(record),
    onSeries: (row) => series.push(row),
    ...partial,
  });
  const done = simulation.advance(maxEvents);
  return { done, summary: simulation.finish(), records, series };
}

describe("a request that can never fit the KV pool (issue 18.1)", () => {
  it("is refused at admission with a reason; the run ends and every request is counted", () => {
    // 36 blocks × 16 tokens = 576 tokens of KV; 512 + 128 = 640 can never fit.
    const requests = poissonSource({ seed: 3, requests: 20, ratePerSecond: 5, prompt: () => 512, output: () => 128 });
    const { done, summary, records, series } = runBounded({ pools: [pool({ kvBlocks: 36 })], requests }, 100_000);
    expect(done).toBe(true);
    expect(summary.requests).toBe(20);
    expect(summary.unfinished).toBe(0);
    expect(summary.rejected).toBe(20);
    expect(summary.rejectedByReason.exceedsKvCapacity).toBe(20);
    expect(records).toHaveLength(20);
    expect(records.every((record) => record.status === "rejected" && record.http_status === 400 && record.error_reason === "exceeds_kv_capacity")).toBe(true);
    // Nothing ran, so the series stops with the arrivals (2 rows per tick: the replica and its pool).
    expect(series.length).toBeLessThanOrEqual(2 * (Math.ceil(summary.simulatedSeconds) + 2));
  });

  it("refuses only the requests that are too large; requests = completed + rejected + dropped + failed", () => {
    // 500 blocks × 16 = 8000 tokens: prompts of 9000 cannot fit, 1000 can.
    const requests = poissonSource({ seed: 5, requests: 200, ratePerSecond: 20, prompt: (i) => (i % 25 === 7 ? 9000 : 1000), output: () => 50 });
    const { done, summary, records } = runBounded({ pools: [pool({ kvBlocks: 500, maxBatchedTokens: 4096 })], requests }, 1_000_000);
    expect(done).toBe(true);
    expect(summary.requests).toBe(200);
    expect(summary.rejectedByReason.exceedsKvCapacity).toBe(8);
    expect(summary.completed + summary.rejected + summary.dropped + summary.failed).toBe(200);
    expect(new Set(records.map((record) => record.request_id)).size).toBe(200);
  });

  it("without chunked prefill, prompt + output beyond the step budget is refused (a preempted sequence re-prefills it all)", () => {
    const { summary, records } = runSim({ pools: [pool({ chunkedPrefill: false, maxBatchedTokens: 2048 })], requests: listSource([[0, 2000, 100], [0.1, 1000, 100]]) });
    expect(summary.rejectedByReason.exceedsStepBudget).toBe(1);
    expect(records.find((record) => record.request_id === 0)?.error_reason).toBe("exceeds_step_budget");
    expect(records.find((record) => record.request_id === 1)?.status).toBe("ok");
  });

  it("a refused request is not retried by the client (HTTP 400 would fail again)", () => {
    const { records, summary } = runSim({
      pools: [pool({ kvBlocks: 36 })],
      requests: listSource([[0, 512, 128]]),
      disturbances: { failures: [], slowdowns: [], retries: { maxAttempts: 3, backoffSeconds: 0.1 } },
    });
    expect(records).toHaveLength(1);
    expect(summary.attempts).toBe(1);
  });

  it("the queue-time limit applies again to a sequence waiting after a preemption", () => {
    // 100 blocks = 1600 tokens. Both 792-token prompts are admitted (50 blocks each); the first one's
    // first decode block preempts the second, which then waits ~700 decode steps (> 1 s) for blocks.
    const { records } = runSim({ pools: [pool({ kvBlocks: 100, maxQueueSeconds: 1 })], requests: listSource([[0, 792, 700], [0.001, 792, 700]]) });
    const second = records.find((record) => record.request_id === 1);
    expect(records.find((record) => record.request_id === 0)?.status).toBe("ok");
    expect(second?.status).toBe("dropped");
    expect(second?.error_reason).toBe("queue_timeout");
    expect(second?.preemptions).toBe(1);
  });
});
