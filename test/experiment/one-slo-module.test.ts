import { describe, expect, it } from "vitest";
import type { LoadResult } from "../../src/loadgen/load-result.js";
import { computeRequestMetrics, meetsSlo } from "../../src/loadgen/request-metrics.js";
import { summarizeGoodput } from "../../src/physics/goodput-lcpr.js";
import type { SloGates } from "../../src/slo/slo-gates.js";

// One request measured three ways, TTFT 0.099 s and E2E 0.499 s, 5 output tokens; gates in seconds everywhere.
const loadResult: LoadResult = {
  requestId: 0, label: "", warmup: false, scheduledMs: 1000, sentMs: 1001, headersMs: 1010, firstByteMs: 1010, firstContentMs: 1100, lastContentMs: 1500, endMs: 1510,
  contentEvents: 5, itlMs: [100, 100, 100, 100], httpStatus: 200, finishReason: "length", outputTokens: 5, outputTokenSource: "usage", promptTokens: 10,
  reportedPromptTokens: 10, cachedPromptTokens: null, maxOutputTokens: 5, prefixGroup: null, prefixTokens: 0, outcome: { status: "ok" },
};

const verdicts = (slo: SloGates): boolean[] => {
  const load = meetsSlo(loadResult, computeRequestMetrics(loadResult), slo);
  const calculator = summarizeGoodput([{ status: "ok", startSeconds: 0, endSeconds: 0.499, ttftSeconds: 0.099, tpotSeconds: 0.1, e2eSeconds: 0.499, outputTokens: 5 }], { slo }).accepted === 1;
  return [load, calculator];
};

// The simulator's records use the same predicate: test/experiment-cost.test.ts checks accepted against the log's e2e_s.
describe("one SloGates type (seconds) and one predicate for the load generator and the calculator", () => {
  it("the load generator takes its gates in seconds (an E2E gate of 0.4 s rejects a 0.499 s request)", () => {
    expect(verdicts({ e2eSeconds: 0.4 })).toEqual([false, false]);
    expect(verdicts({ e2eSeconds: 0.5 })).toEqual([true, true]);
    expect(verdicts({ ttftSeconds: 0.05 })).toEqual([false, false]);
    expect(verdicts({ tpotSeconds: 0.2 })).toEqual([true, true]);
  });
});
