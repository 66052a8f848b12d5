import { describe, expect, it } from "vitest";
import { GoodputError } from "../../src/errors.js";
import { compareRoutes, recommendOperatingPoint, summarizeGoodput, type GoodputRecord, type RouteAggregate } from "../../src/physics/goodput-lcpr.js";

// Ten hand-built attempts. SLO: TTFT ≤ 0.5 s, TPOT ≤ 0.05 s, E2E ≤ 5 s. Each costs $1.
//  #  status      start end   ttft  tpot  e2e  tok  quality  → verdict
//  1  ok          0     2     0.2   0.02  2    100  -        accepted
//  2  ok          1     3     0.3   0.03  2    100  pass     accepted
//  3  ok          2     4.5   0.6   0.02  2.5  100  -        TTFT miss
//  4  ok          3     5     0.4   0.06  2    100  -        TPOT miss
//  5  ok          4     10    0.5   0.05  6    100  -        E2E miss (TTFT, TPOT equal to the gate: met)
//  6  ok          5     7     0.1   0.01  2    100  FAIL     quality miss
//  7  ok          6     8     0.5   0.04  2    100  pass     accepted
//  8  error       7     7.5                                  never accepted
//  9  incomplete  8     12                                   never accepted
// 10  ok          9     11    0.25  -     1    1    -        accepted (TPOT undefined for 1 token: gate vacuous)
// accepted = 4 (#1, #2, #7, #10); attempts = 10; successful = 8; duration = 12 − 0 = 12 s.
// goodput = 4/12 = 0.3333 accepted/s; attainment = 4/10 = 0.4; token goodput = (100+100+100+1)/12 = 301/12.
// cost Σ = $10 → LCPR = 10/4 = $2.50; cost per 1K successful = 10/8 × 1000 = $1250.
const records: GoodputRecord[] = [
  { status: "ok", startSeconds: 0, endSeconds: 2, ttftSeconds: 0.2, tpotSeconds: 0.02, e2eSeconds: 2, outputTokens: 100, costUsd: 1 },
  { status: "ok", startSeconds: 1, endSeconds: 3, ttftSeconds: 0.3, tpotSeconds: 0.03, e2eSeconds: 2, outputTokens: 100, qualityPass: true, costUsd: 1 },
  { status: "ok", startSeconds: 2, endSeconds: 4.5, ttftSeconds: 0.6, tpotSeconds: 0.02, e2eSeconds: 2.5, outputTokens: 100, costUsd: 1 },
  { status: "ok", startSeconds: 3, endSeconds: 5, ttftSeconds: 0.4, tpotSeconds: 0.06, e2eSeconds: 2, outputTokens: 100, costUsd: 1 },
  { status: "ok", startSeconds: 4, endSeconds: 10, ttftSeconds: 0.5, tpotSeconds: 0.05, e2eSeconds: 6, outputTokens: 100, costUsd: 1 },
  { status: "ok", startSeconds: 5, endSeconds: 7, ttftSeconds: 0.1, tpotSeconds: 0.01, e2eSeconds: 2, outputTokens: 100, qualityPass: false, costUsd: 1 },
  { status: "ok", startSeconds: 6, endSeconds: 8, ttftSeconds: 0.5, tpotSeconds: 0.04, e2eSeconds: 2, outputTokens: 100, qualityPass: true, costUsd: 1 },
  { status: "error", startSeconds: 7, endSeconds: 7.5, costUsd: 1 },
  { status: "incomplete", startSeconds: 8, endSeconds: 12, costUsd: 1 },
  { status: "ok", startSeconds: 9, endSeconds: 11, ttftSeconds: 0.25, e2eSeconds: 1, outputTokens: 1, costUsd: 1 },
];
const slo = { ttftSeconds: 0.5, tpotSeconds: 0.05, e2eSeconds: 5 };

describe("summarizeGoodput()", () => {
  const summary = summarizeGoodput(records, { slo, targetAttainment: 0.99 });

  it("counts accepted = finished OK ∧ every gate met ∧ quality pass; failures stay in the denominator", () => {
    expect(summary).toMatchObject({ attempts: 10, successful: 8, errors: 1, incomplete: 1, accepted: 4 });
    expect(summary.rejectedBy).toEqual({ ttft: 1, tpot: 1, e2e: 1, quality: 1, missingMeasurement: 0 });
    expect(summary.sloAttainment).toBeCloseTo(0.4, 12);
    expect(summary.successRate).toBeCloseTo(0.8, 12);
    expect(summary.meetsTarget).toBe(false);
  });

  it("goodput = accepted / (max end − min start) = 4/12; token goodput 301/12; throughput 8/12", () => {
    expect(summary.durationSeconds).toBe(12);
    expect(summary.goodputRps).toBeCloseTo(4 / 12, 12);
    expect(summary.tokenGoodputPerSecond).toBeCloseTo(301 / 12, 12);
    expect(summary.throughputRps).toBeCloseTo(8 / 12, 12);
    expect(summary.outputTokensPerSecond).toBeCloseTo(701 / 12, 12);
  });

  it("LCPR = all $10 ÷ 4 accepted = $2.50; cost per 1K successful = $10 ÷ 8 × 1000 = $1250", () => {
    expect(summary.cost.basis).toBe("records");
    expect(summary.cost.lcprUsd).toBeCloseTo(2.5, 12);
    expect(summary.cost.costPer1kSuccessfulUsd).toBeCloseTo(1250, 9);
  });

  it("adds idle/overhead cost to LCPR only: ($10 + $2) ÷ 4 = $3", () => {
    const withOverhead = summarizeGoodput(records, { slo, overheadCostUsd: 2 });
    expect(withOverhead.cost.loadedCostUsd).toBeCloseTo(12, 12);
    expect(withOverhead.cost.lcprUsd).toBeCloseTo(3, 12);
    expect(withOverhead.cost.costPer1kSuccessfulUsd).toBeCloseTo(1250, 9);
  });

  it("a window cost replaces the per-record sum: $20 ÷ 4 = $5", () => {
    const windowed = summarizeGoodput(records, { slo, windowCostUsd: 20 });
    expect(windowed.cost.basis).toBe("window");
    expect(windowed.cost.lcprUsd).toBeCloseTo(5, 12);
  });

  it("TTFT percentiles over the 8 successful requests by linear interpolation (type 7), with n", () => {
    // sorted: 0.1 0.2 0.25 0.3 0.4 0.5 0.5 0.6; p50: h = 3.5 → 0.3 + 0.5 × 0.1 = 0.35;
    // p90: h = 6.3 → 0.5 + 0.3 × 0.1 = 0.53; p99: h = 6.93 → 0.593; mean = 2.85 / 8 = 0.35625.
    const ttft = summary.latency.ttft;
    expect(ttft?.n).toBe(8);
    expect(ttft?.p50).toBeCloseTo(0.35, 12);
    expect(ttft?.p90).toBeCloseTo(0.53, 12);
    expect(ttft?.p99).toBeCloseTo(0.593, 12);
    expect(ttft?.mean).toBeCloseTo(0.35625, 12);
    expect(ttft?.max).toBe(0.6);
    expect(summary.latency.tpot?.n).toBe(7); // #10 has no TPOT
  });

  it("without gates, accepted = finished OK and quality pass: 8 − 1 = 7", () => {
    expect(summarizeGoodput(records, { slo: {} }).accepted).toBe(7);
  });

  it("a successful record lacking a gated measurement is not accepted (counted as missing)", () => {
    const result = summarizeGoodput(
      [
        { status: "ok", startSeconds: 0, endSeconds: 1, e2eSeconds: 1 },
        { status: "ok", startSeconds: 0, endSeconds: 1, ttftSeconds: 0.1, outputTokens: 50 },
      ],
      { slo: { ttftSeconds: 0.5, tpotSeconds: 0.05 } },
    );
    expect(result.accepted).toBe(0);
    expect(result.rejectedBy.missingMeasurement).toBe(2);
    expect(result.cost.basis).toBe("none");
    expect(result.cost.lcprUsd).toBeNull();
  });

  it("rejects negative latency, NaN and unknown status with BAD_INPUT naming the record", () => {
    const bad = [
      { status: "ok", startSeconds: 0, endSeconds: 1, ttftSeconds: -0.1 },
      { status: "ok", startSeconds: 0, endSeconds: 1, tpotSeconds: Number.NaN },
      { status: "done", startSeconds: 0, endSeconds: 1 },
    ] as unknown as GoodputRecord[];
    try {
      summarizeGoodput(bad, { slo });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GoodputError);
      const goodputError = error as GoodputError;
      expect(goodputError.code).toBe("BAD_INPUT");
      expect(goodputError.issues).toHaveLength(3);
      expect(goodputError.message).toMatch(/records\[0\]\.ttftSeconds is -0\.1/);
      expect(goodputError.message).toMatch(/records\[1\]\.tpotSeconds is NaN/);
      expect(goodputError.message).toMatch(/records\[2\]\.status is "done"/);
    }
  });

  it("rejects an empty record set", () => {
    expect(() => summarizeGoodput([], { slo })).toThrow(/no records/);
  });
});

describe("recommendOperatingPoint()", () => {
  it("picks the highest load whose attainment ≥ 99 %: 4 req/s (8 req/s reaches only 95 %), input order irrelevant", () => {
    const result = recommendOperatingPoint(
      [
        { rateRps: 8, sloAttainment: 0.95, goodputRps: 7.6, costUsd: 10 },
        { rateRps: 1, sloAttainment: 0.999, goodputRps: 0.999, costUsd: 10 },
        { rateRps: 4, sloAttainment: 0.991, goodputRps: 3.964, costUsd: 10 },
        { rateRps: 2, sloAttainment: 0.995, goodputRps: 1.99, costUsd: 10 },
      ],
      0.99,
    );
    expect(result.recommended?.rateRps).toBe(4);
    expect(result.points.map((point) => point.rateRps)).toEqual([1, 2, 4, 8]);
    expect(result.warnings).toEqual([]);
  });

  it("LCPR per run from duration: $10 ÷ (4 accepted/s × 100 s) = $0.025", () => {
    const result = recommendOperatingPoint([{ rateRps: 4, sloAttainment: 1, goodputRps: 4, costUsd: 10, durationSeconds: 100 }], 0.99);
    expect(result.recommended?.lcprUsd).toBeCloseTo(0.025, 12);
    expect(result.warnings.join(" ")).toMatch(/extend/);
  });

  it("warns when attainment is not monotone below the recommended load", () => {
    const result = recommendOperatingPoint(
      [
        { rateRps: 1, sloAttainment: 0.999, goodputRps: 1, costUsd: 1 },
        { rateRps: 2, sloAttainment: 0.98, goodputRps: 1.96, costUsd: 1 },
        { rateRps: 4, sloAttainment: 0.992, goodputRps: 3.97, costUsd: 1 },
        { rateRps: 8, sloAttainment: 0.9, goodputRps: 7.2, costUsd: 1 },
      ],
      0.99,
    );
    expect(result.recommended?.rateRps).toBe(4);
    expect(result.warnings.join(" ")).toMatch(/not monotone.*2 req\/s/);
  });

  it("returns no operating point when no rate reaches the target", () => {
    const result = recommendOperatingPoint([{ rateRps: 1, sloAttainment: 0.9, goodputRps: 0.9, costUsd: 1 }], 0.99);
    expect(result.recommended).toBeNull();
    expect(result.reason).toMatch(/No rate/);
  });

  it("rejects attainment above 1 and an empty sweep", () => {
    expect(() => recommendOperatingPoint([{ rateRps: 1, sloAttainment: 99, goodputRps: 1, costUsd: 1 }], 0.99)).toThrow(/sloAttainment is 99/);
    expect(() => recommendOperatingPoint([], 0.99)).toThrow(/empty/);
  });
});

describe("compareRoutes()", () => {
  // Route A: more raw throughput and cheaper in total, but many answers miss the SLO or quality gate.
  // A: 500,000 tok / 100 s = 5000 tok/s; $40; $40/950 × 1000 = $42.105; goodput 600/100 = 6/s; LCPR 40/600 = $0.0667.
  // B: 450,000 tok / 100 s = 4500 tok/s; $45; $45/980 × 1000 = $45.918; goodput 900/100 = 9/s; LCPR 45/900 = $0.05.
  const a: RouteAggregate = { requests: 1000, successful: 950, accepted: 600, outputTokens: 500_000, totalCostUsd: 40, durationSeconds: 100 };
  const b: RouteAggregate = { requests: 1000, successful: 980, accepted: 900, outputTokens: 450_000, totalCostUsd: 45, durationSeconds: 100 };

  it("shows raw throughput and cost favouring A while goodput and LCPR favour B, and picks B", () => {
    const result = compareRoutes(a, b);
    expect(result.a.outputTokensPerSecond).toBeCloseTo(5000, 9);
    expect(result.b.outputTokensPerSecond).toBeCloseTo(4500, 9);
    expect(result.a.costPer1kSuccessfulUsd).toBeCloseTo(42.10526315789, 8);
    expect(result.b.costPer1kSuccessfulUsd).toBeCloseTo(45.91836734694, 8);
    expect(result.a.goodputRps).toBeCloseTo(6, 12);
    expect(result.b.goodputRps).toBeCloseTo(9, 12);
    expect(result.a.lcprUsd).toBeCloseTo(0.0666666667, 9);
    expect(result.b.lcprUsd).toBeCloseTo(0.05, 12);
    expect(result.favours).toEqual({ rawThroughput: "a", totalCost: "a", costPer1kSuccessful: "a", goodput: "b", lcpr: "b" });
    expect(result.pick).toBe("b");
    expect(result.reason).toMatch(/Pick route B/);
    expect(result.reason).toMatch(/raw throughput/);
    expect(result.reason).toMatch(/total cost/);
  });

  it("is symmetric: swapping the routes picks the same route under its new label", () => {
    const result = compareRoutes({ ...b, name: "cache-aware" }, { ...a, name: "round-robin" });
    expect(result.pick).toBe("a");
    expect(result.reason).toMatch(/Pick route cache-aware/);
  });

  it("breaks an LCPR tie on goodput: $10/100 = $20/200 = $0.10, B has 2/s vs 1/s", () => {
    const result = compareRoutes(
      { requests: 100, successful: 100, accepted: 100, outputTokens: 1, totalCostUsd: 10, durationSeconds: 100 },
      { requests: 200, successful: 200, accepted: 200, outputTokens: 1, totalCostUsd: 20, durationSeconds: 100 },
    );
    expect(result.favours.lcpr).toBe("tie");
    expect(result.pick).toBe("b");
  });

  it("picks neither when no route has an accepted result", () => {
    const none = { ...a, accepted: 0 };
    const result = compareRoutes(none, { ...b, accepted: 0 });
    expect(result.pick).toBe("neither");
    expect(result.a.lcprUsd).toBeNull();
  });

  it("rejects accepted > successful with BAD_INPUT", () => {
    expect(() => compareRoutes({ ...a, accepted: 960 }, b)).toThrow(/accepted \(960\) exceeds successful \(950\)/);
  });
});
