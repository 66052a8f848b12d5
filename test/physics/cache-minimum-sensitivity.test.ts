import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PriceSnapshot } from "../../src/catalog/types.js";
import { computeCacheEconomics } from "../../src/physics/cache-economics.js";
import { runCli } from "../cli/run-cli.js";

// Prices written out (Anthropic's published Sonnet 4 rates: $3 input, 5-minute write $3.75,
// 1-hour write $6, read $0.30 per M tokens; minimum cacheable prompt 1,024 tokens).
const sonnet: PriceSnapshot = {
  id: "s",
  provider: "Anthropic",
  model: "Sonnet",
  inputUsdPerMTok: 3,
  outputUsdPerMTok: 15,
  cacheTiers: [
    { name: "5m", ttlSeconds: 300, writeUsdPerMTok: 3.75, readUsdPerMTok: 0.3, storageUsdPerMTokHour: 0 },
    { name: "1h", ttlSeconds: 3600, writeUsdPerMTok: 6, readUsdPerMTok: 0.3, storageUsdPerMTokHour: 0 },
  ],
  minCacheablePrefixTokens: 1024,
  source: "test",
  sourceDate: "2026-11",
};

describe("9. calc cache: minimum cacheable prefix and hit-rate sensitivity", () => {
  it("a prefix below the minimum is never cached: the cheapest option is no cache even at 10 reads per write", () => {
    const result = computeCacheEconomics({ prices: sonnet, prefixTokens: 800, expectedReadsPerWrite: 10 });
    expect(result.belowMinimumCacheablePrefix).toBe(true);
    expect(result.cheapestOption).toBe("no-cache");
    expect(computeCacheEconomics({ prices: sonnet, prefixTokens: 2000, expectedReadsPerWrite: 10 }).cheapestOption).not.toBe("no-cache");
  });

  it("break-even hit rate h* = (p_write − p_in) / (p_write − p_read): 5m 0.75/3.45, 1h 3/5.7", () => {
    const result = computeCacheEconomics({ prices: sonnet, prefixTokens: 10_000, expectedReadsPerWrite: 1 });
    expect(result.breakEvenHitRate["5m"]).toBeCloseTo(0.75 / 3.45, 12);
    expect(result.breakEvenHitRate["1h"]).toBeCloseTo(3 / 5.7, 12);
    // At h = 0.5: 10,000 × (0.5 × 0.3 + 0.5 × 3.75) / 1e6 = $0.02025 on the 5m tier; uncached $0.03.
    const half = result.hitRateSensitivity.find((row) => row.hitRate === 0.5);
    expect(half?.costUsdPerRequestByTier["5m"]).toBeCloseTo(0.02025, 12);
    expect(half?.uncachedUsdPerRequest).toBeCloseTo(0.03, 12);
  });

  it("storage rent raises the write cost: Gemini-style $4.5/MTok-hour for a 1 h TTL adds $4.5/M per write", () => {
    const gemini: PriceSnapshot = { ...sonnet, inputUsdPerMTok: 1.25, cacheTiers: [{ name: "x", ttlSeconds: 3600, writeUsdPerMTok: 1.25, readUsdPerMTok: 0.31, storageUsdPerMTokHour: 4.5 }] };
    // h* = (1.25 + 4.5 − 1.25) / (1.25 + 4.5 − 0.31) = 4.5 / 5.44.
    expect(computeCacheEconomics({ prices: gemini, prefixTokens: 10_000, expectedReadsPerWrite: 1 }).breakEvenHitRate.x).toBeCloseTo(4.5 / 5.44, 12);
  });

  it("calc cache and calc locality accept --catalog for a user price snapshot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-prices-"));
    const file = join(dir, "prices.yaml");
    writeFileSync(
      file,
      "prices:\n  - id: my-api\n    provider: Me\n    model: M\n    inputUsdPerMTok: 4\n    outputUsdPerMTok: 8\n    minCacheablePrefixTokens: 512\n    cacheTiers:\n      - { name: t, ttlSeconds: 300, writeUsdPerMTok: 5, readUsdPerMTok: 0.4 }\n    source: me\n    sourceDate: 2026-11-01\n",
    );
    const cache = await runCli(["calc", "cache", "--catalog", file, "--prices", "my-api", "--prefix-tokens", "600", "--reads", "4", "--json"]);
    expect(cache.code).toBe(0);
    const json = JSON.parse(cache.stdout) as { inputUsdPerMTok: number; minCacheablePrefixTokens: number; breakEvenHitRate: Record<string, number> };
    expect(json.inputUsdPerMTok).toBe(4);
    expect(json.minCacheablePrefixTokens).toBe(512);
    expect(json.breakEvenHitRate.t).toBeCloseTo(1 / 4.6, 12); // (5 − 4) / (5 − 0.4)
    const locality = await runCli(["calc", "locality", "--catalog", file, "--prices", "my-api", "--json"]);
    expect(locality.code, locality.stderr).toBe(0);
  });
});
