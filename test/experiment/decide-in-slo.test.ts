import { describe, expect, it } from "vitest";
import { cellRequests, cellScenario } from "../../src/experiment/cell-scenario.js";
import { buildCostMatrixRow, type CellMeasurement } from "../../src/experiment/cost-matrix.js";
import { decideExperiment } from "../../src/experiment/decide.js";
import { experimentSchema, type ExperimentConfig } from "../../src/experiment/experiment-schema.js";
import { perRequestGates } from "../../src/slo/run-slo.js";
import { meetsSloGates } from "../../src/slo/slo-gates.js";

const config = (overrides: Record<string, unknown> = {}): ExperimentConfig =>
  experimentSchema.parse({
    name: "known-truth",
    question: "q",
    decision: "d",
    evidenceBoundary: "serving GPU only",
    deployment: { gpu: "h100-sxm", model: "llama-3-8b", priceUsdPerGpuHour: 3, maxQueueSeconds: 20 },
    slo: { p95LatencySeconds: 4 },
    cases: [{ name: "chat", workload: { arrivals: { process: "poisson", ratePerSecond: 5 }, promptTokens: { dist: "fixed", value: 64 }, outputTokens: { dist: "fixed", value: 16 } } }],
    profiles: [{ name: "fast" }, { name: "cheap" }],
    ...overrides,
  });

const measurement = (over: Partial<CellMeasurement>): CellMeasurement => ({
  requests: 1000, successful: 1000, accepted: 1000, dropped: 0, failed: 0, generatedTokens: 16000, acceptedTokens: 16000, spanSeconds: 200,
  latency: { p50: 1, p95: 2, p99: 3 }, ttft: { p50: 0.1, p95: 0.2 }, tpot: { p50: 0.01, p95: 0.02 }, costUsd: 1, utilization: 0.5, ...over,
});

describe("decideExperiment() ranks by cost per accepted request by default", () => {
  // Hand-built truth: "cheap" costs $0.60 for 1000 successful but only 40 within the SLO
  // ($0.60/40 = $15 per 1K accepted); "fast" costs $1.00 for 1000, all within ($1 per 1K accepted).
  const experiment = config();
  const fast = buildCostMatrixRow(experiment.slo, { case: "chat", profile: "fast", runId: "f" }, measurement({}));
  const cheap = buildCostMatrixRow(experiment.slo, { case: "chat", profile: "cheap", runId: "c" }, measurement({ accepted: 40, acceptedTokens: 640, costUsd: 0.6, latency: { p50: 8, p95: 12, p99: 14 } }));

  it("derives the in-SLO unit costs from counts (hand calculation)", () => {
    expect(cheap.costPer1kSuccessful).toBeCloseTo(0.6, 12);
    expect(cheap.costPer1kAccepted).toBeCloseTo(15, 12);
    expect(cheap.lcpr).toBeCloseTo(0.015, 12);
    expect(cheap.costPer1MTokensInSlo).toBeCloseTo((0.6 / 640) * 1e6, 9);
    expect(cheap.goodputPerSecond).toBeCloseTo(40 / 200, 12);
    expect(cheap.latencyHeadroomSeconds).toBeCloseTo(4 - 12, 12);
    expect(cheap.busyCostUsd).toBeCloseTo(0.3, 12);
  });

  it("picks the profile cheaper per accepted request, names the metric and what the SLO-blind one would pick", () => {
    const record = decideExperiment(experiment, [fast, cheap]);
    expect(record.metric).toBe("costPer1kAccepted");
    expect(record.perCase[0]).toMatchObject({ cheapest: "fast" });
    expect(record.perCase[0]?.advantage).toBeCloseTo(15, 12);
    expect(record.decision).toMatch(/^Use fast: cheapest by costPer1kAccepted .*\$1\.00 per 1K in-SLO requests, 15\.0× cheaper/);
    expect(record.comparison).toMatch(/costPer1kSuccessful shown beside it would pick cheap in chat/);
    expect(record.otherMetricPicks).toEqual([{ case: "chat", cheapest: "cheap" }]);
  });

  it("the SLO-blind ranking stays available when asked for explicitly", () => {
    const record = decideExperiment(config({ decisionRule: { metric: "costPer1kSuccessful" } }), [fast, cheap]);
    expect(record.perCase[0]).toMatchObject({ cheapest: "cheap" });
    expect(record.otherMetric).toBe("costPer1kAccepted");
  });
});

describe("run shape: p99 gate, per-profile queue timeout and request counts", () => {
  it("accepts p99LatencySeconds, fails a run over it, and the tighter bound judges each request", () => {
    const experiment = config({ slo: { p95LatencySeconds: 4, p99LatencySeconds: 6 } });
    const row = buildCostMatrixRow(experiment.slo, { case: "chat", profile: "fast", runId: "f" }, measurement({ latency: { p50: 1, p95: 3, p99: 7 } }));
    expect(row.sloPassed).toBe(false);
    expect(row.sloFailures).toEqual(["p99 latency 7.00 s > 6 s"]);
    expect(perRequestGates(experiment.slo)).toEqual({ e2eSeconds: 4 });
    expect(perRequestGates({ p95LatencySeconds: 4, e2eSeconds: 3, ttftSeconds: 0.5 })).toEqual({ ttftSeconds: 0.5, e2eSeconds: 3 });
  });

  it("a profile's maxQueueSeconds and requests override the deployment's and the experiment's", () => {
    const experiment = config({ requests: 500, profiles: [{ name: "fast", maxQueueSeconds: 2, requests: 80 }, { name: "cheap" }] });
    const [testCase] = experiment.cases;
    const [fastProfile, cheapProfile] = experiment.profiles;
    if (!testCase || !fastProfile || !cheapProfile) throw new Error("fixture");
    const pools = (profile: typeof fastProfile) => (cellScenario(experiment, testCase, profile, { seed: 1, requests: 10 }).pools as { maxQueueSeconds?: number }[])[0];
    expect(pools(fastProfile)?.maxQueueSeconds).toBe(2);
    expect(pools(cheapProfile)?.maxQueueSeconds).toBe(20);
    expect(cellRequests(experiment, testCase, fastProfile, { override: undefined, seed: 1 })).toBe(80);
    expect(cellRequests(experiment, testCase, cheapProfile, { override: undefined, seed: 1 })).toBe(500);
    expect(cellRequests(experiment, testCase, fastProfile, { override: 7, seed: 1 })).toBe(7);
    expect(cellScenario(experiment, testCase, cheapProfile, { seed: 1, requests: 10 }).slo).toEqual({ e2eSeconds: 4 });
  });
});

describe("meetsSloGates(): one per-request predicate", () => {
  it("a value equal to the gate meets it; a missing measurement misses; TPOT is vacuous for one token", () => {
    expect(meetsSloGates({ e2eSeconds: 4 }, { e2eSeconds: 4 })).toBe(true);
    expect(meetsSloGates({ e2eSeconds: 4 }, { e2eSeconds: 4.0001 })).toBe(false);
    expect(meetsSloGates({ ttftSeconds: 1 }, { ttftSeconds: null })).toBe(false);
    expect(meetsSloGates({ tpotSeconds: 0.05 }, { tpotSeconds: null, outputTokens: 1 })).toBe(true);
    expect(meetsSloGates({ tpotSeconds: 0.05 }, { tpotSeconds: null, outputTokens: 5 })).toBe(false);
    expect(meetsSloGates({}, { e2eSeconds: 1e9 })).toBe(true);
  });
});
