import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/numeric/rng.js";
import {
  createCacheAwareRouter,
  createLeastOutstandingRouter,
  createPrefixHashRouter,
  createRoundRobinRouter,
} from "../../../src/sim/routers/index.js";
import { ChainKeys, promptPath, replica, request } from "./_fixtures.js";

const rng = createRng(1, "load-rules");

describe("createRoundRobinRouter()", () => {
  it("cycles 0, 1, 2, 0, 1, 2 over three healthy replicas", () => {
    const router = createRoundRobinRouter();
    const view = [replica(0), replica(1), replica(2)];
    const picks = Array.from({ length: 6 }, (_, id) => router.route(request(id), view, rng).replica);
    expect(picks).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it("skips an unhealthy replica and lets it rejoin in index order when it recovers", () => {
    const router = createRoundRobinRouter();
    const down = [replica(0), replica(1, { healthy: false }), replica(2)];
    const up = [replica(0), replica(1), replica(2)];
    const picks = [down, down, down, up, up, up].map((view, id) => router.route(request(id), view, rng).replica);
    expect(picks).toEqual([0, 2, 0, 1, 2, 0]);
  });
});

describe("createLeastOutstandingRouter()", () => {
  it("takes the fewest outstanding, then the shorter queue, then the lower index", () => {
    const router = createLeastOutstandingRouter();
    const view = [replica(0, { outstanding: 3, queueDepth: 1 }), replica(1, { outstanding: 2, queueDepth: 5 }), replica(2, { outstanding: 2, queueDepth: 4 }), replica(3, { outstanding: 2, queueDepth: 4 })];
    expect(router.route(request(0), view, rng).replica).toBe(2);
  });
});

describe("createCacheAwareRouter() — SGLang load guard and match threshold", () => {
  const chains = new ChainKeys();
  const shared = chains.keys(promptPath("doc", 10, "a", 10));
  // Replica 0 has seen the 10-block prefix; requests then carry the same 10 blocks.
  const primed = (options: Parameters<typeof createCacheAwareRouter>[0] = {}) => {
    const router = createCacheAwareRouter(options);
    router.observe?.(request(0, { blockKeys: shared }), 0);
    return router;
  };

  it("is imbalanced when max − min = 65 > 64 and 130 > 1.5 × 65 = 97.5: least loaded, despite the cache match", () => {
    const view = [replica(0, { outstanding: 130 }), replica(1, { outstanding: 65 }), replica(2, { outstanding: 100 })];
    const decision = primed().route(request(1, { blockKeys: shared }), view, rng);
    expect(decision.replica).toBe(1);
    expect(decision.fallbackReason).toMatch(/^imbalanced: .*65 > 64 and 130 > 1.5 × 65/);
  });

  it("is NOT imbalanced when max − min = 65 but max/min = 228/163 ≈ 1.40 ≤ 1.5: the cache match wins", () => {
    const view = [replica(0, { outstanding: 228 }), replica(1, { outstanding: 163 })];
    const decision = primed().route(request(1, { blockKeys: shared }), view, rng);
    expect(decision.replica).toBe(0);
    expect(decision.fallbackReason).toBeNull();
    expect(decision.reason).toBe("longest prefix match 10/10 blocks");
  });

  it("is NOT imbalanced when max − min = 64 exactly (64 > 64 fails) even though 64 > 1.5 × 0", () => {
    const view = [replica(0, { outstanding: 64 }), replica(1, { outstanding: 0 })];
    expect(primed().route(request(1, { blockKeys: shared }), view, rng).replica).toBe(0);
  });

  it("needs matched ÷ request blocks strictly above 0.3: 3/10 goes least loaded, 4/10 follows the match", () => {
    const view = [replica(0, { outstanding: 5 }), replica(1, { outstanding: 1 })];
    const three = chains.keys(promptPath("doc", 3, "b", 10));
    const four = chains.keys(promptPath("doc", 4, "c", 10));
    const atThreshold = primed().route(request(2, { blockKeys: three }), view, rng);
    expect(atThreshold.replica).toBe(1);
    expect(atThreshold.fallbackReason).toBe("low prefix match: 3/10 blocks ≤ 0.3");
    const above = primed().route(request(3, { blockKeys: four }), view, rng);
    expect(above.replica).toBe(0);
    expect(above.reason).toBe("longest prefix match 4/10 blocks");
  });

  it("breaks equal matches toward the less loaded replica", () => {
    const router = primed();
    router.observe?.(request(9, { blockKeys: shared }), 2);
    const view = [replica(0, { outstanding: 9 }), replica(1, { outstanding: 0 }), replica(2, { outstanding: 4 })];
    expect(router.route(request(1, { blockKeys: shared }), view, rng).replica).toBe(2);
  });
});

describe("createPrefixHashRouter() — bounded load", () => {
  const chains = new ChainKeys();
  const keys = chains.keys(promptPath("system", 20, "x", 20));
  const targetOf = (): number =>
    createPrefixHashRouter().route(request(0, { blockKeys: keys }), [0, 1, 2, 3].map((index) => replica(index)), rng).replica;

  it("keeps the ring target at exactly 1.25 × the mean (the rule is strictly greater than)", () => {
    const target = targetOf();
    // Target 5, others 4, 4, 3: mean 16/4 = 4, limit 1.25 × 4 = 5; 5 > 5 is false.
    const others = [4, 4, 3];
    const view = [0, 1, 2, 3].map((index) => replica(index, { outstanding: index === target ? 5 : (others.shift() ?? 0) }));
    const decision = createPrefixHashRouter().route(request(1, { blockKeys: keys }), view, rng);
    expect(decision.replica).toBe(target);
    expect(decision.fallbackReason).toBeNull();
  });

  it("falls back to the least-outstanding replica just above 1.25 × the mean", () => {
    const target = targetOf();
    // Target 6, others 4, 4, 3: mean 17/4 = 4.25, limit 5.3125 < 6.
    const others = [4, 4, 3];
    const view = [0, 1, 2, 3].map((index) => replica(index, { outstanding: index === target ? 6 : (others.shift() ?? 0) }));
    const least = view.find((signals) => signals.outstanding === 3)?.index;
    const decision = createPrefixHashRouter().route(request(1, { blockKeys: keys }), view, rng);
    expect(decision.replica).toBe(least);
    expect(decision.fallbackReason).toBe(`bounded load: target replica ${target} outstanding 6 > 1.25 × mean 4.25`);
    // The ring target stays on record as the intended action.
    expect(decision.intendedReplica).toBe(target);
  });

  it("hashes the block covering the first 256 tokens: prompts sharing 16 blocks of 16 tokens land together", () => {
    const router = createPrefixHashRouter();
    const view = Array.from({ length: 16 }, (_, index) => replica(index));
    const targets = new Set<number>();
    for (let id = 0; id < 50; id++) {
      const tail = chains.keys(promptPath("shared-256", 16, `tail-${id}`, 16 + (id % 7)));
      targets.add(router.route(request(id, { blockKeys: tail }), view, rng).replica);
    }
    expect(targets.size).toBe(1);
    const spread = new Set<number>();
    for (let id = 0; id < 50; id++) {
      const differentAt15 = chains.keys(promptPath("shared-240", 15, `tail-${id}`, 20));
      spread.add(router.route(request(id, { blockKeys: differentAt15 }), view, rng).replica);
    }
    expect(spread.size).toBeGreaterThan(5);
  });
});
