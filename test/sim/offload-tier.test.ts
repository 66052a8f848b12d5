import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { readTraceFile } from "../../src/cli/read-trace-file.js";
import { singleGpuDeployment } from "../../src/physics/deployment.js";
import { defaultStepTimeProfile } from "../../src/physics/step-time-profile.js";
import { OffloadTier } from "../../src/sim/engine/offload-tier.js";
import type { OffloadConfig } from "../../src/sim/engine/replica-engine.js";
import type { PoolSpec } from "../../src/sim/simulate-fleet.js";
import { parseTrace } from "../../src/sim/workload/trace-parse.js";
import { createTraceReplay } from "../../src/sim/workload/trace-replay.js";
import { llama8bOnH100, runSim } from "./sim-fixtures.js";

const tracesDir = join(process.cwd(), "..", "shared", "data", "traces");

const pool = (deployment: PoolSpec["deployment"], kvBlocks: number, offload: OffloadConfig | null): PoolSpec => ({
  name: "main", replicas: 1, deployment, profile: defaultStepTimeProfile,
  engine: { maxNumSeqs: 256, maxBatchedTokens: 8192, chunkedPrefill: true, blockSizeTokens: 16, kvBlocks, prefixCaching: true, offload },
  priceUsdPerGpuHour: 3, maxQueueSeconds: null, qualityPassProbability: 1,
});

describe("OffloadTier: LRU by key", () => {
  it("evicts the least recently used beyond capacity; a hit refreshes its key", () => {
    const tier = new OffloadTier(2);
    tier.insert(1);
    tier.insert(2);
    expect(tier.countPrefix((index) => [1, 2][index] ?? NaN, 0, 5)).toBe(2);
    tier.touchPrefix((index) => [1][index] ?? NaN, 0, 1); // 2 is now the oldest
    tier.insert(3);
    expect(tier.evictions).toBe(1);
    expect(tier.size).toBe(2);
    expect(tier.countPrefix((index) => [1, 3][index] ?? NaN, 0, 5)).toBe(2);
    expect(tier.countPrefix((index) => [2][index] ?? NaN, 0, 5)).toBe(0);
    expect(tier.countPrefix((index) => [1, 2, 3][index] ?? NaN, 0, 1)).toBe(1); // at most maxBlocks
  });
});

describe("a prefix evicted from GPU memory is loaded back from the offload tier", () => {
  // 200 blocks of 16 tokens. Request 0 (1,024 tokens, ids 1,2) finishes; request 1 (3,184 + 2
  // tokens, all 200 blocks) evicts every block of it; request 2 repeats request 0's prompt.
  const text = [
    '{"timestamp": 0, "input_length": 1024, "output_length": 2, "hash_ids": [1, 2]}',
    '{"timestamp": 1000, "input_length": 3184, "output_length": 2, "hash_ids": [3, 4, 5, 6, 7, 8, 9]}',
    '{"timestamp": 3000, "input_length": 1024, "output_length": 2, "hash_ids": [1, 2]}',
  ].join("\n");
  const run = (offload: OffloadConfig | null) => runSim({ pools: [pool(llama8bOnH100, 200, offload)], requests: createTraceReplay(parseTrace(text, "mooncake", "t"), { speed: 1, window: null, longPromptTokens: 2048 }) }).records;

  it("hits by tier and the load time by hand: 63 blocks × 2 MiB at 25 GB/s + 1 ms", () => {
    const third = run({ capacityBytes: Infinity, loadBytesPerSecond: 25e9, latencySeconds: 0.001 }).find((record) => record.request_id === 2);
    // A full hit recomputes the last token: ⌊(1024 − 1)/16⌋ = 63 blocks = 1,008 tokens, all from the tier.
    expect(third?.cached_prompt_tokens).toBe(1008);
    expect(third?.offload_cached_tokens).toBe(1008);
    // Llama-3-8B KV: 32 layers × 8 KV heads × 128 × 2 (K, V) × 2 bytes = 131,072 B/token; × 16 = 2,097,152 B/block.
    expect(third?.kv_load_s).toBeCloseTo(0.001 + (63 * 2_097_152) / 25e9, 9);
  });

  it("without the tier the prefix is recomputed, and the tier lowers TTFT", () => {
    const without = run(null).find((record) => record.request_id === 2);
    const withTier = run({ capacityBytes: Infinity, loadBytesPerSecond: 25e9, latencySeconds: 0.001 }).find((record) => record.request_id === 2);
    expect(without?.cached_prompt_tokens).toBe(0);
    expect(without?.offload_cached_tokens).toBe(0);
    expect(withTier?.ttft_s ?? Infinity).toBeLessThan(without?.ttft_s ?? 0);
  });

  it("a tier too small for the prefix holds only its most recent blocks, which cannot continue the prefix", () => {
    // 10 blocks of capacity: request 1's eviction of request 0's 64 blocks keeps blocks 54–63, so block 0 misses.
    const third = run({ capacityBytes: 10 * 2_097_152, loadBytesPerSecond: 25e9, latencySeconds: 0 }).find((record) => record.request_id === 2);
    expect(third?.offload_cached_tokens).toBe(0);
  });
});

describe.skipIf(!existsSync(tracesDir))("the analytic limit on the Mooncake conversation trace", () => {
  it("with an unbounded tier, the token hit rate equals the trace's exact prefix reuse from hash_ids (first 5 minutes, one replica)", () => {
    const file = join(tracesDir, "mooncake-conversation.jsonl");
    const windowSeconds = 300;
    // Exact reuse: each request reuses the longest prefix of its ids seen in any earlier request
    // (ids name whole prefixes, so a prefix is identified by its id chain), k ids = min(512k, length) tokens.
    const rows = readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line) as { timestamp: number; input_length: number; hash_ids: number[] }).filter((row) => row.timestamp < windowSeconds * 1000);
    const seen = new Set<string>();
    let reused = 0;
    let total = 0;
    for (const row of rows) {
      const chains = row.hash_ids.map((_, index) => row.hash_ids.slice(0, index + 1).join(","));
      let k = 0;
      while (k < chains.length && seen.has(chains[k] ?? "")) k++;
      reused += Math.min(512 * k, row.input_length);
      total += row.input_length;
      for (const chain of chains) seen.add(chain);
    }
    const exact = reused / total;
    const deployment = singleGpuDeployment(findModel(builtInCatalog, "llama-3.2-1b"), findGpu(builtInCatalog, "h100-sxm"));
    const replay = () => createTraceReplay(readTraceFile(file, "mooncake"), { speed: 1, window: { fromSeconds: 0, toSeconds: windowSeconds }, longPromptTokens: 2048 });
    // A GPU pool of 5,000 blocks (80k tokens) holds a few prompts: most reuse must come from the tier.
    const gpuOnly = runSim({ pools: [pool(deployment, 5000, null)], requests: replay() }).summary;
    const tiered = runSim({ pools: [pool(deployment, 5000, { capacityBytes: Infinity, loadBytesPerSecond: 25e9, latencySeconds: 0.001 })], requests: replay() }).summary;
    expect(tiered.requests).toBe(rows.length);
    expect(exact).toBeGreaterThan(0.15);
    expect(Math.abs(tiered.prefixCacheHitRate - exact)).toBeLessThan(0.005);
    expect(gpuOnly.prefixCacheHitRate).toBeLessThan(exact - 0.05);
    expect(tiered.offloadHitRate).toBeGreaterThan(0.5 * exact);
    expect(tiered.ttftSeconds.mean).toBeLessThan(gpuOnly.ttftSeconds.mean);
  }, 60_000);
});
