/**
 * Hand-written results in the shape the commands print (--json), with round numbers so expected values can be worked
 * out by hand in the tests.
 */
export const costMatrixInput = {
  experiment: "cost",
  evidenceBoundary: "serving GPU only",
  rows: [
    { case: "steady", profile: "naive", runId: "r1", requests: 100, completed: 40, successful: 40, accepted: 40, dropped: 60, failed: 0, generatedTokens: 5120, requestsPerSecond: 1, tokensPerSecond: 128, p50LatencySeconds: 10, p95LatencySeconds: 20, p99LatencySeconds: 21, p50TtftSeconds: 9, p95TtftSeconds: 19, p50TpotSeconds: 0.01, p95TpotSeconds: 0.01, costUsd: 0.05, costPer1kSuccessful: 1.25, costPer1MTokens: 9.765625, goodputPerSecond: 0.4, lcpr: 0.00125, sloPassed: false, sloFailures: ["p95 latency 20.00 s > 4 s", "60 of 100 requests not served"] },
    { case: "steady", profile: "batched", runId: "r2", requests: 100, completed: 100, successful: 100, accepted: 100, dropped: 0, failed: 0, generatedTokens: 12800, requestsPerSecond: 1, tokensPerSecond: 128, p50LatencySeconds: 1, p95LatencySeconds: 2, p99LatencySeconds: 2.5, p50TtftSeconds: 0.1, p95TtftSeconds: 0.2, p50TpotSeconds: 0.01, p95TpotSeconds: 0.015, costUsd: 0.02, costPer1kSuccessful: 0.2, costPer1MTokens: 1.5625, goodputPerSecond: 1, lcpr: 0.0002, sloPassed: true, sloFailures: [] },
    { case: "burst", profile: "naive", runId: "r3", requests: 100, completed: 10, successful: 10, accepted: 8, dropped: 90, failed: 0, generatedTokens: 1280, requestsPerSecond: 1, tokensPerSecond: 12.8, p50LatencySeconds: 12, p95LatencySeconds: 25, p99LatencySeconds: 26, p50TtftSeconds: 11, p95TtftSeconds: 24, p50TpotSeconds: 0.01, p95TpotSeconds: 0.01, costUsd: 0.04, costPer1kSuccessful: 4, costPer1MTokens: 31.25, goodputPerSecond: 0.08, lcpr: 0.005, sloPassed: false, sloFailures: ["p95 latency 25.00 s > 4 s"] },
    { case: "burst", profile: "batched", runId: "r4", requests: 100, completed: 100, successful: 100, accepted: 0, dropped: 0, failed: 0, generatedTokens: 12800, requestsPerSecond: 1, tokensPerSecond: 128, p50LatencySeconds: 5, p95LatencySeconds: 6, p99LatencySeconds: 7, p50TtftSeconds: 4, p95TtftSeconds: 5, p50TpotSeconds: 0.01, p95TpotSeconds: 0.02, costUsd: 0.03, costPer1kSuccessful: 0.3, costPer1MTokens: 2.34375, goodputPerSecond: 0, lcpr: null, sloPassed: false, sloFailures: ["p95 latency 6.00 s > 4 s"] },
  ],
  decision: {
    experiment: "cost",
    question: "Is batching worth it?",
    decisionServed: "serving config",
    comparison: "naive vs batched",
    evidence: [],
    decision: "Use batched; gate burst SLO claims on admission control.",
    guardrails: ["hold p95 ≤ 4 s"],
    rollbackTriggers: ["p95 above 4 s for 5 minutes"],
    tradeoff: "burstier traffic",
    evidenceBoundary: "serving GPU only",
    status: "supported",
    perCase: [],
  },
};

/** calc kv --json for a pool of 1 000 blocks of 16 tokens at 131 072 B/token (2 MiB per block). */
export const kvInput = {
  kvBytesPerToken: 131072,
  pool: { weightBytesPerGpu: 0, usableBytesPerGpu: 0, reservedBytesPerGpu: 0, poolBytes: 1000 * 2 ** 21, blockSizeTokens: 16, blockBytes: 2 ** 21, blocks: 1000, blocksStated: true },
  fragmentationDerate: 0.25,
  rows: [1000, 4000, 16000].map((contextTokens) => {
    const blocks = Math.ceil(contextTokens / 16);
    const maxSequences = Math.floor(1000 / blocks);
    return { contextTokens, blockRoundedTokens: blocks * 16, kvBytesPerSequence: blocks * 2 ** 21, maxSequences, effectiveMaxSequences: Math.floor(maxSequences * 0.75), costMultiplierVsReference: (blocks * 16) / 1008 };
  }),
  distribution: null,
  pressure: { level: "warn", message: "p90 traffic needs 90 % of the pool" },
};
