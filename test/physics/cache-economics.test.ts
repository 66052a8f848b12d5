import { describe, expect, it } from "vitest";
import { createRng } from "../../src/numeric/rng.js";

/** The project's seeded PRNG as a plain uniform draw. */
const seededUniform = (seed: number): (() => number) => {
  const rng = createRng(seed, "test");
  return () => rng.next();
};
import type { PriceSnapshot } from "../../src/catalog/types.js";
import { GoodputError } from "../../src/errors.js";
import { computeCacheEconomics } from "../../src/physics/cache-economics.js";

// Prices written out here (not read from the catalog) so the hand calculations stay fixed.
const anthropicLike: PriceSnapshot = {
  id: "test-anthropic",
  provider: "test",
  model: "test",
  inputUsdPerMTok: 3,
  outputUsdPerMTok: 15,
  cacheTiers: [
    { name: "5m", ttlSeconds: 300, writeUsdPerMTok: 3.75, readUsdPerMTok: 0.3, storageUsdPerMTokHour: 0 },
    { name: "1h", ttlSeconds: 3600, writeUsdPerMTok: 6, readUsdPerMTok: 0.3, storageUsdPerMTokHour: 0 },
  ],
  source: "test fixture",
  sourceDate: "2025-08",
};

const geminiLike: PriceSnapshot = {
  id: "test-gemini",
  provider: "test",
  model: "test",
  inputUsdPerMTok: 1.25,
  outputUsdPerMTok: 10,
  cacheTiers: [{ name: "explicit-1h", ttlSeconds: 3600, writeUsdPerMTok: 1.25, readUsdPerMTok: 0.31, storageUsdPerMTokHour: 4.5 }],
  source: "test fixture",
  sourceDate: "2025-08",
};

const tier = (result: ReturnType<typeof computeCacheEconomics>, name: string) => {
  const found = result.tiers.find((entry) => entry.tier === name);
  if (!found) throw new Error(`no tier ${name}`);
  return found;
};

describe("computeCacheEconomics() — break-even", () => {
  const result = computeCacheEconomics({ prices: anthropicLike, prefixTokens: 10_000, expectedReadsPerWrite: 10 });

  it("uses the break-even formula (docs/design.md §3.4) N = p_write / (p_in − p_read) with the full write price: 1.25p / 0.9p = 1.389 reads", () => {
    expect(tier(result, "5m").breakEvenReads).toBeCloseTo(1.25 / 0.9, 10);
    // 1-hour tier: write 2p → 2 / 0.9 = 2.222 reads.
    expect(tier(result, "1h").breakEvenReads).toBeCloseTo(2 / 0.9, 10);
  });

  it("also reports the reads that beat sending uncached: premium / saving = 0.25 / 0.9 and 1 / 0.9", () => {
    expect(tier(result, "5m").breakEvenReadsVsUncached).toBeCloseTo(0.25 / 0.9, 10);
    expect(tier(result, "1h").breakEvenReadsVsUncached).toBeCloseTo(1 / 0.9, 10);
  });

  it("prices the prefix in USD: write $0.0375, premium $0.0075, saving per read $0.027 for 10k tokens at $3/MTok", () => {
    const t = tier(result, "5m");
    expect(t.writeUsd).toBeCloseTo(0.0375, 12);
    expect(t.writePremiumUsd).toBeCloseTo(0.0075, 12);
    expect(t.savingPerReadUsd).toBeCloseTo(0.027, 12);
  });

  it("savings at 10 reads: uncached 11 × $0.03 = $0.33, cached $0.0375 + 10 × $0.003 = $0.0675, saved $0.2625 (79.5 %)", () => {
    const reuse = tier(result, "5m").atReuse;
    expect(reuse?.uncachedUsd).toBeCloseTo(0.33, 12);
    expect(reuse?.cachedUsd).toBeCloseTo(0.0675, 12);
    expect(reuse?.savingsUsd).toBeCloseTo(0.2625, 12);
    expect(reuse?.savingsShare).toBeCloseTo(0.2625 / 0.33, 12);
  });

  it("waste when no read follows is the write premium: $0.0075 (5m) and $0.03 (1h)", () => {
    expect(tier(result, "5m").wasteIfNoReuseUsd).toBeCloseTo(0.0075, 12);
    expect(tier(result, "1h").wasteIfNoReuseUsd).toBeCloseTo(0.03, 12);
  });

  it("a tier without write premium (automatic caching) breaks even against uncached at 0 reads; docs/design.md §3.4: N = 2 / 1.5", () => {
    const openAi = computeCacheEconomics({
      prices: { ...anthropicLike, inputUsdPerMTok: 2, cacheTiers: [{ name: "auto", ttlSeconds: 300, writeUsdPerMTok: 2, readUsdPerMTok: 0.5, storageUsdPerMTokHour: 0 }] },
      prefixTokens: 1000,
      expectedReadsPerWrite: 1,
    });
    expect(tier(openAi, "auto").breakEvenReadsVsUncached).toBe(0);
    expect(tier(openAi, "auto").breakEvenReads).toBeCloseTo(2 / 1.5, 12);
    expect(tier(openAi, "auto").wasteIfNoReuseUsd).toBe(0);
  });

  it("a read that saves nothing never breaks even (null)", () => {
    const noSaving = computeCacheEconomics({
      prices: { ...anthropicLike, cacheTiers: [{ name: "odd", ttlSeconds: 300, writeUsdPerMTok: 4, readUsdPerMTok: 3, storageUsdPerMTokHour: 0 }] },
      prefixTokens: 1000,
      expectedReadsPerWrite: 5,
    });
    expect(tier(noSaving, "odd").breakEvenReads).toBeNull();
    expect(tier(noSaving, "odd").breakEvenReadsVsUncached).toBeNull();
  });
});

describe("computeCacheEconomics() — hit probability P(gap ≤ TTL) and the best tier", () => {
  it("exponential gaps (mean 600 s): P = 1 − e^(−300/600) for 5m and 1 − e^(−6) for 1h", () => {
    const result = computeCacheEconomics({ prices: anthropicLike, prefixTokens: 10_000, gaps: { kind: "exponential", meanGapSeconds: 600 } });
    expect(tier(result, "5m").perRequest.hitProbability).toBeCloseTo(1 - Math.exp(-0.5), 12);
    expect(tier(result, "1h").perRequest.hitProbability).toBeCloseTo(1 - Math.exp(-6), 12);
    expect(tier(result, "5m").perRequest.hitProbabilitySource).toBe("exponential-gaps");
  });

  it("expected cost per request = h·read + (1 − h)·write; with 10-minute gaps the 1-hour tier wins", () => {
    const result = computeCacheEconomics({ prices: anthropicLike, prefixTokens: 10_000, gaps: { kind: "exponential", meanGapSeconds: 600 } });
    const h5 = 1 - Math.exp(-0.5);
    const h60 = 1 - Math.exp(-6);
    // 5m: 0.3935 × $0.003 + 0.6065 × $0.0375 ≈ $0.02393; 1h: 0.9975 × $0.003 + 0.0025 × $0.06 ≈ $0.00314.
    expect(tier(result, "5m").perRequest.costUsdPerRequest).toBeCloseTo(h5 * 0.003 + (1 - h5) * 0.0375, 12);
    expect(tier(result, "1h").perRequest.costUsdPerRequest).toBeCloseTo(h60 * 0.003 + (1 - h60) * 0.06, 12);
    expect(result.bestTier).toBe("1h");
    expect(result.cheapestOption).toBe("1h");
  });

  it("the 1-hour tier wins while (1 − h_1h)·$0.057 < (1 − h_5m)·$0.0345, i.e. mean gap < 3300 / ln(0.057/0.0345) ≈ 6571 s", () => {
    const crossover = 3300 / Math.log(0.057 / 0.0345);
    const cheaper = (mean: number) => computeCacheEconomics({ prices: anthropicLike, prefixTokens: 10_000, gaps: { kind: "exponential", meanGapSeconds: mean } }).bestTier;
    expect(cheaper(crossover * 0.98)).toBe("1h");
    expect(cheaper(crossover * 1.02)).toBe("5m");
  });

  it("with rare requests (mean gap 20000 s) the best tier is 5m but not caching is cheaper still", () => {
    const result = computeCacheEconomics({ prices: anthropicLike, prefixTokens: 10_000, gaps: { kind: "exponential", meanGapSeconds: 20_000 } });
    // h_5m = 1 − e^(−0.015) ≈ 0.0149 → $0.0370 per request; h_1h = 1 − e^(−0.18) ≈ 0.165 → $0.0506; uncached $0.03.
    expect(result.bestTier).toBe("5m");
    expect(result.cheapestOption).toBe("no-cache");
  });

  it("gap samples are counted empirically: 3 of 5 gaps ≤ 300 s, 4 of 5 ≤ 3600 s", () => {
    const result = computeCacheEconomics({ prices: anthropicLike, prefixTokens: 1000, gaps: { kind: "samples", gapSeconds: [1, 5, 30, 600, 4000] } });
    expect(tier(result, "5m").perRequest.hitProbability).toBe(0.6);
    expect(tier(result, "1h").perRequest.hitProbability).toBe(0.8);
    // Geometric runs: reads per write = h / (1 − h) = 1.5 and 4.
    expect(tier(result, "5m").atReuse?.readsPerWrite).toBeCloseTo(1.5, 12);
    expect(tier(result, "1h").atReuse?.readsPerWrite).toBeCloseTo(4, 12);
  });

  it("stated reuse N gives h = N / (N + 1): per-request cost equals (write + N reads) / (N + 1)", () => {
    const result = computeCacheEconomics({ prices: anthropicLike, prefixTokens: 10_000, expectedReadsPerWrite: 3 });
    expect(tier(result, "5m").perRequest.hitProbability).toBeCloseTo(0.75, 12);
    expect(tier(result, "5m").perRequest.costUsdPerRequest).toBeCloseTo((0.0375 + 3 * 0.003) / 4, 12);
  });

  it("with no reuse at all caching loses and the cheapest option is no-cache", () => {
    const result = computeCacheEconomics({ prices: anthropicLike, prefixTokens: 10_000, expectedReadsPerWrite: 0 });
    expect(result.cheapestOption).toBe("no-cache");
    expect(tier(result, "5m").perRequest.savingsUsdPerRequest).toBeCloseTo(0.03 - 0.0375, 12);
  });

  it("the refresh-on-use model matches a seeded simulation of a TTL cache under Poisson arrivals", () => {
    const random = seededUniform(20250805);
    const ttlSeconds = 300;
    const meanGapSeconds = 400;
    let now = 0;
    let expiresAt = -1;
    let hits = 0;
    const requests = 100_000;
    for (let request = 0; request < requests; request++) {
      now += -meanGapSeconds * Math.log(1 - random());
      if (now <= expiresAt) hits++;
      expiresAt = now + ttlSeconds; // a write or a refresh both restart the TTL
    }
    const result = computeCacheEconomics({
      prices: { ...anthropicLike, cacheTiers: [anthropicLike.cacheTiers[0]!] },
      prefixTokens: 1000,
      gaps: { kind: "exponential", meanGapSeconds },
    });
    expect(Math.abs(tier(result, "5m").perRequest.hitProbability - hits / requests)).toBeLessThan(0.01);
  });
});

describe("computeCacheEconomics() — storage rent", () => {
  it("rent per write = tokens × price × TTL hours: 100k × $4.5/MTok-h × 1 h = $0.45, and it enters break-even", () => {
    const result = computeCacheEconomics({ prices: geminiLike, prefixTokens: 100_000, expectedReadsPerWrite: 10 });
    const t = tier(result, "explicit-1h");
    expect(t.rentPerWriteUsd).toBeCloseTo(0.45, 12);
    // write $0.125 + rent $0.45 over a saving of (1.25 − 0.31) × 0.1 = $0.094 per read.
    expect(t.breakEvenReads).toBeCloseTo((0.125 + 0.45) / 0.094, 10);
    expect(t.breakEvenReadsVsUncached).toBeCloseTo(0.45 / 0.094, 10);
    expect(t.wasteIfNoReuseUsd).toBeCloseTo(0.45, 12);
  });

  it("kept alive by 60 requests/hour the entry is held ~all hour: rent ≈ $0.45/h, $0.0075 per request", () => {
    const result = computeCacheEconomics({ prices: geminiLike, prefixTokens: 100_000, requestsPerHour: 60 });
    const t = tier(result, "explicit-1h");
    expect(t.perRequest.hitProbabilitySource).toBe("requests-per-hour");
    // Poisson with mean gap 60 s: E[min(G, 3600)] = 60 × (1 − e^(−60)) ≈ 60 s held per request.
    expect(t.perRequest.cacheHeldSecondsPerRequest).toBeCloseTo(60, 9);
    expect(t.perRequest.rentUsdPerRequest).toBeCloseTo(0.0075, 9);
    expect(t.perRequest.rentUsdPerHour).toBeCloseTo(0.45, 9);
  });

  it("gap samples hold the entry min(gap, TTL) each: gaps 600 and 7200 s → (600 + 3600) / 2 = 2100 s", () => {
    const result = computeCacheEconomics({ prices: geminiLike, prefixTokens: 100_000, gaps: { kind: "samples", gapSeconds: [600, 7200] } });
    const t = tier(result, "explicit-1h");
    expect(t.perRequest.cacheHeldSecondsPerRequest).toBe(2100);
    expect(t.perRequest.rentUsdPerRequest).toBeCloseTo(100_000 * 4.5e-6 * (2100 / 3600), 12);
    expect(t.perRequest.rentUsdPerHour).toBeNull();
  });
});

describe("computeCacheEconomics() — input checks", () => {
  it("echoes the snapshot's source and date", () => {
    const result = computeCacheEconomics({ prices: anthropicLike, prefixTokens: 10, expectedReadsPerWrite: 1 });
    expect(result.priceSnapshot).toEqual({ id: "test-anthropic", source: "test fixture", sourceDate: "2025-08" });
  });

  it("collects every bad field into one BAD_INPUT error", () => {
    try {
      computeCacheEconomics({ prices: anthropicLike, prefixTokens: 0, gaps: { kind: "samples", gapSeconds: [] }, requestsPerHour: -1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GoodputError);
      const e = error as GoodputError;
      expect(e.code).toBe("BAD_INPUT");
      expect(e.issues.join("\n")).toMatch(/prefixTokens/);
      expect(e.issues.join("\n")).toMatch(/gapSeconds/);
      expect(e.issues.join("\n")).toMatch(/requestsPerHour/);
    }
  });

  it("needs some reuse information", () => {
    expect(() => computeCacheEconomics({ prices: anthropicLike, prefixTokens: 10 })).toThrow(/expectedReadsPerWrite, gaps or requestsPerHour/);
  });
});
