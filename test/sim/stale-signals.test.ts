import { describe, expect, it } from "vitest";
import { policyFor } from "../../src/sim/policy-for.js";
import { pool, poissonSource, runSim } from "./sim-fixtures.js";

describe("routers acting on stale signals herd", () => {
  // A queue/KV-scoring router (no prefix term) over 8 replicas at high load.
  const run = (signalRefreshSeconds: number, routerReplicas: number) =>
    runSim({
      pools: [pool({ replicas: 8, maxNumSeqs: 16 })],
      policies: [policyFor({ type: "weighted-scorers", weights: { queue: 2, kvUtilization: 2, prefix: 0 } })],
      signalRefreshSeconds,
      routerReplicas,
      requests: poissonSource({ seed: 31, requests: 6000, ratePerSecond: 90, prompt: () => 600, output: () => 150 }),
    }).summary;

  it("the same policy queues far longer when its engine signals are 2 s stale: every request in a scrape interval goes to the stale best replica", () => {
    const fresh = run(0, 1);
    const stale = run(2, 1);
    const staleMany = run(2, 4);
    console.log(
      `mean queue wait: fresh ${(fresh.meanQueueWaitSeconds * 1000).toFixed(1)} ms, 2 s stale ${(stale.meanQueueWaitSeconds * 1000).toFixed(1)} ms, ` +
        `2 s stale × 4 router replicas ${(staleMany.meanQueueWaitSeconds * 1000).toFixed(1)} ms; p95 TTFT ${(fresh.ttftSeconds.p95 * 1000).toFixed(0)} / ${(stale.ttftSeconds.p95 * 1000).toFixed(0)} / ${(staleMany.ttftSeconds.p95 * 1000).toFixed(0)} ms`,
    );
    expect(stale.meanQueueWaitSeconds).toBeGreaterThan(2 * fresh.meanQueueWaitSeconds);
    expect(stale.ttftSeconds.p95).toBeGreaterThan(fresh.ttftSeconds.p95);
  });
});
