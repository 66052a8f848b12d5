import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/numeric/rng.js";
import { createApproxPrefixIndex, createCacheAwareRouter, createWeightedScorersRouter } from "../../../src/sim/routers/index.js";
import { _LruKeySet } from "../../../src/sim/routers/_lru-key-set.js";
import { ChainKeys, promptPath, replica, request } from "./_fixtures.js";

/** The literal definition: consecutive keys from block 0 present in a plain set. */
function linearMatch(present: (key: number) => boolean, keys: readonly number[]): number {
  let matched = 0;
  while (matched < keys.length && present(keys[matched] ?? -1)) matched++;
  return matched;
}

describe("createApproxPrefixIndex()", () => {
  it("counts consecutive blocks from block 0 and stops at the first unseen block", () => {
    const chains = new ChainKeys();
    const index = createApproxPrefixIndex(100);
    index.record(3, chains.keys(promptPath("doc", 5, "a", 8)));
    expect(index.matchBlocks(3, chains.keys(promptPath("doc", 5, "b", 9)))).toBe(5);
    expect(index.matchBlocks(3, chains.keys(promptPath("doc", 5, "a", 8)))).toBe(8);
    expect(index.matchBlocks(4, chains.keys(promptPath("doc", 5, "a", 8)))).toBe(0);
    expect(index.matchBlocks(3, [])).toBe(0);
  });

  it("evicts least recently recorded blocks beyond its capacity, prefix tails first", () => {
    const chains = new ChainKeys();
    const index = createApproxPrefixIndex(6);
    const first = chains.keys(promptPath("one", 4, "a", 4));
    index.record(0, first);
    index.record(0, chains.keys(promptPath("two", 4, "b", 4)));
    expect(index.sizeBlocks(0)).toBe(6);
    expect(index.matchBlocks(0, first)).toBe(2);
  });

  it("agrees with a linear scan under a random chained workload with heavy eviction (binary search is safe)", () => {
    const rng = createRng(2024, "index-fuzz");
    const chains = new ChainKeys();
    const index = createApproxPrefixIndex(40);
    for (let step = 0; step < 3000; step++) {
      const length = 1 + Math.floor(rng.next() * 20);
      const path = Array.from({ length }, () => Math.floor(rng.next() * 3));
      const keys = chains.keys(path);
      const target = Math.floor(rng.next() * 3);
      // Reference: the index's own membership, read one key at a time via single-block matches.
      for (let replicaIndex = 0; replicaIndex < 3; replicaIndex++) {
        const present = (key: number): boolean => index.matchBlocks(replicaIndex, [key]) === 1;
        expect(index.matchBlocks(replicaIndex, keys)).toBe(linearMatch(present, keys));
      }
      index.record(target, keys);
    }
  });
});

describe("drift between the router's index and the engine's true cache", () => {
  const chains = new ChainKeys();
  const document = chains.keys(promptPath("doc", 12, "a", 12));
  const view = [replica(0, { outstanding: 1 }), replica(1, { outstanding: 3, kvUtilization: 0 })];

  it("keeps routing to a replica for blocks the engine may since have evicted (it only sees its own decisions)", () => {
    const router = createCacheAwareRouter();
    router.observe?.(request(1, { blockKeys: document }), 1);
    // Replica 1's engine reports an empty KV cache (kvUtilization 0): it evicted everything. The
    // router's signals carry no cache contents, so its index still claims the 12 blocks.
    const decision = router.route(request(2, { blockKeys: document }), view, createRng(1, "drift"));
    expect(decision.replica).toBe(1);
    expect(decision.reason).toBe("longest prefix match 12/12 blocks");
  });

  it("does not know about blocks another router sent elsewhere", () => {
    const routerA = createWeightedScorersRouter({ weights: { queue: 0, kvUtilization: 0 } });
    const routerB = createWeightedScorersRouter({ weights: { queue: 0, kvUtilization: 0 } });
    routerA.observe?.(request(1, { blockKeys: document }), 1);
    const a = routerA.route(request(2, { blockKeys: document }), view, createRng(1, "drift"));
    const b = routerB.route(request(2, { blockKeys: document }), view, createRng(1, "drift"));
    expect(a.replica).toBe(1);
    expect(a.propensity).toBe(1);
    expect(b.propensity).toBe(0.5); // to B every replica scores 0: a uniform tie
  });

  it("forgets once its own LRU capacity is exceeded, even if the engine still holds the blocks", () => {
    const router = createCacheAwareRouter({ indexCapacityBlocks: 12 });
    router.observe?.(request(1, { blockKeys: document }), 1);
    router.observe?.(request(3, { blockKeys: chains.keys(promptPath("other", 12, "b", 12)) }), 1);
    const decision = router.route(request(2, { blockKeys: document }), view, createRng(1, "drift"));
    expect(decision.replica).toBe(0);
    expect(decision.fallbackReason).toBe("low prefix match: 0/12 blocks ≤ 0.3");
  });
});

describe("_LruKeySet (the index's typed-array LRU)", () => {
  it("matches a simple Map-based LRU over 50,000 random touches with eviction and FIFO compaction", () => {
    const rng = createRng(77, "lru-fuzz");
    const capacity = 37;
    const fast = new _LruKeySet(capacity);
    const reference = new Map<number, true>();
    for (let step = 0; step < 50_000; step++) {
      // Mostly a small hot set (repeated touches leave stale FIFO entries), sometimes large keys.
      const key = rng.next() < 0.9 ? Math.floor(rng.next() * 60) : 2 ** 40 + Math.floor(rng.next() * 1000);
      fast.touch(key);
      reference.delete(key);
      reference.set(key, true);
      if (reference.size > capacity) {
        const oldest = reference.keys().next();
        if (oldest.done !== true) reference.delete(oldest.value);
      }
      expect(fast.size).toBe(reference.size);
      if (step % 97 === 0) {
        for (let probe = 0; probe < 60; probe++) expect(fast.has(probe)).toBe(reference.has(probe));
      }
    }
  });
});
