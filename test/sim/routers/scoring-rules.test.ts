import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/numeric/rng.js";
import { createKvCostRouter, createPrefixTrieRouter, createWeightedScorersRouter } from "../../../src/sim/routers/index.js";
import { ChainKeys, promptPath, replica, request } from "./_fixtures.js";

describe("createWeightedScorersRouter() — llm-d score arithmetic", () => {
  const chains = new ChainKeys();
  const prompt = chains.keys(promptPath("doc", 8, "p", 8));
  const sixShared = chains.keys(promptPath("doc", 6, "a", 9));
  const twoShared = chains.keys(promptPath("doc", 2, "b", 5));
  const view = [
    replica(0, { queueDepth: 4, kvUtilization: 0.5 }),
    replica(1, { queueDepth: 0, kvUtilization: 0.9 }),
    replica(2, { queueDepth: 10, kvUtilization: 0.2 }),
  ];
  const primed = (weights?: { queue?: number; kvUtilization?: number; prefix?: number }) => {
    const router = createWeightedScorersRouter({ weights });
    router.observe?.(request(100, { blockKeys: sixShared }), 0);
    router.observe?.(request(101, { blockKeys: twoShared }), 2);
    return router;
  };

  it("scores 3 replicas by hand: 4.45, 2.2, 2.35 ⇒ replica 0 with propensity 1", () => {
    // queue: max 10, min 0 ⇒ (10−4)/10 = 0.6, (10−0)/10 = 1, (10−10)/10 = 0
    // kv: 1 − 0.5 = 0.5, 1 − 0.9 = 0.1, 1 − 0.2 = 0.8
    // prefix: 6/8 = 0.75, 0/8 = 0, 2/8 = 0.25
    // score: 2·0.6 + 2·0.5 + 3·0.75 = 4.45; 2·1 + 2·0.1 + 0 = 2.2; 0 + 2·0.8 + 3·0.25 = 2.35
    const decision = primed().route(request(1, { blockKeys: prompt }), view, createRng(1, "llm-d"));
    expect(decision.replica).toBe(0);
    expect(decision.propensity).toBe(1);
    expect(decision.candidateProbabilities).toEqual([1, 0, 0]);
    expect(decision.reason).toBe("max weighted score 4.450");
  });

  it("with prefix weight 0 replicas 0 and 1 tie at 2.2 (float noise aside): each with propensity 1/2", () => {
    // 2·0.6 + 2·0.5 = 2.2 and 2·1 + 2·(1 − 0.9) = 2.2 (1 − 0.9 is 0.09999… in binary).
    const seen = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const decision = primed({ prefix: 0 }).route(request(1, { blockKeys: prompt }), view, createRng(seed, "llm-d"));
      expect(decision.propensity).toBe(0.5);
      expect(decision.candidateProbabilities).toEqual([0.5, 0.5, 0]);
      seen.add(decision.replica);
    }
    expect([...seen].sort()).toEqual([0, 1]);
  });

  it("gives queue score 1 to every replica when all queues are equal", () => {
    const flat = [replica(0, { queueDepth: 3, kvUtilization: 0.4 }), replica(1, { queueDepth: 3, kvUtilization: 0.6 })];
    const decision = createWeightedScorersRouter().route(request(1), flat, createRng(2, "llm-d"));
    expect(decision.reason).toBe(`max weighted score ${(2 * 1 + 2 * 0.6).toFixed(3)}`);
    expect(decision.replica).toBe(0);
  });
});

describe("createKvCostRouter() — Dynamo cost and softmax", () => {
  const chains = new ChainKeys();
  const prompt = chains.keys(promptPath("doc", 8, "p", 8)); // 128 tokens = 8 blocks of 16
  const fourShared = chains.keys(promptPath("doc", 4, "a", 6));
  const view = [
    replica(0, { queuedPrefillTokens: 64, kvUtilization: 0.5, kvTotalBlocks: 100 }),
    replica(1, { queuedPrefillTokens: 0, kvUtilization: 0.2, kvTotalBlocks: 100 }),
    replica(2, { queuedPrefillTokens: 32, kvUtilization: 0.1, kvTotalBlocks: 200 }),
  ];
  const primed = (options: Parameters<typeof createKvCostRouter>[0]) => {
    const router = createKvCostRouter(options);
    router.observe?.(request(100, { blockKeys: fourShared }), 0);
    router.observe?.(request(101, { blockKeys: prompt }), 2);
    return router;
  };
  const routed = request(1, { promptTokens: 128, blockKeys: prompt });
  // replica 0: prefill (64 + 128 − 4·16)/16 = 8, decode 0.5·100 + 8 = 58 ⇒ cost 66
  // replica 1: prefill (0 + 128 − 0)/16 = 8,      decode 0.2·100 + 8 = 28 ⇒ cost 36
  // replica 2: prefill (32 + 128 − 128)/16 = 2,   decode 0.1·200 + 8 = 28 ⇒ cost 30
  const costs = [66, 36, 30];

  it("picks the lowest cost (30 blocks, replica 2) at temperature 0", () => {
    const decision = primed({}).route(routed, view, createRng(1, "dynamo"));
    expect(decision.replica).toBe(2);
    expect(decision.propensity).toBe(1);
    expect(decision.reason).toBe("lowest KV cost 30.00 blocks");
  });

  it("weights prefill by w: with w = 4 the costs are 90, 60, 36", () => {
    // 4·8 + 58 = 90; 4·8 + 28 = 60; 4·2 + 28 = 36
    expect(primed({ prefillWeight: 4 }).route(routed, view, createRng(1, "dynamo")).reason).toBe("lowest KV cost 36.00 blocks");
  });

  it("samples from softmax(−(cost − min)/(max − min)/T) and reports each probability", () => {
    const temperature = 0.5;
    const z = costs.map((cost) => (cost - 30) / (66 - 30)); // 1, 1/6, 0
    const weights = z.map((value) => Math.exp(-value / temperature)); // e^−2, e^−1/3, 1
    const total = weights.reduce((sum, w) => sum + w, 0);
    const expected = weights.map((w) => w / total); // ≈ 0.0731, 0.3869, 0.5400
    const counts = [0, 0, 0];
    const router = primed({ temperature });
    const rng = createRng(5, "dynamo");
    const draws = 20_000;
    for (let draw = 0; draw < draws; draw++) {
      const decision = router.route(routed, view, rng);
      decision.candidateProbabilities?.forEach((p, position) => {
        expect(p).toBeCloseTo(expected[position] ?? Number.NaN, 12);
      });
      expect(decision.propensity).toBeCloseTo(expected[decision.replica] ?? Number.NaN, 12);
      counts[decision.replica] = (counts[decision.replica] ?? 0) + 1;
    }
    // Binomial standard error ≤ sqrt(0.25/20000) ≈ 0.0035; allow 4 of them.
    counts.forEach((count, position) => {
      expect(Math.abs(count / draws - (expected[position] ?? 0))).toBeLessThan(0.014);
    });
  });

  it("is uniform when every cost is equal, whatever the temperature", () => {
    const equal = [replica(0), replica(1), replica(2), replica(3)];
    const decision = createKvCostRouter({ temperature: 2 }).route(request(1, { promptTokens: 32 }), equal, createRng(1, "dynamo"));
    expect(decision.candidateProbabilities).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});

describe("createPrefixTrieRouter() — vLLM production stack", () => {
  const chains = new ChainKeys();
  const prompt = chains.keys(promptPath("doc", 6, "p", 6));
  const view = [replica(0, { recentRequestsPerSecond: 5 }), replica(1, { recentRequestsPerSecond: 2 }), replica(2, { recentRequestsPerSecond: 9 })];

  it("takes the longest match and draws uniformly among tied replicas", () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const router = createPrefixTrieRouter();
      router.observe?.(request(100, { blockKeys: chains.keys(promptPath("doc", 4, "a", 5)) }), 0);
      router.observe?.(request(101, { blockKeys: chains.keys(promptPath("doc", 4, "b", 4)) }), 2);
      router.observe?.(request(102, { blockKeys: chains.keys(promptPath("doc", 2, "c", 3)) }), 1);
      const decision = router.route(request(1, { blockKeys: prompt }), view, createRng(seed, "trie"));
      expect(decision.candidateProbabilities).toEqual([0.5, 0, 0.5]);
      expect(decision.reason).toBe("longest prefix match 4/6 blocks");
      seen.add(decision.replica);
    }
    expect([...seen].sort()).toEqual([0, 2]);
  });

  it("falls back to the lowest-QPS replica below minMatchBlocks", () => {
    const router = createPrefixTrieRouter({ minMatchBlocks: 3 });
    router.observe?.(request(100, { blockKeys: chains.keys(promptPath("doc", 2, "d", 3)) }), 2);
    const decision = router.route(request(1, { blockKeys: prompt }), view, createRng(1, "trie"));
    expect(decision.replica).toBe(1);
    expect(decision.fallbackReason).toBe("longest prefix match 2 < minMatchBlocks 3");
  });
});
