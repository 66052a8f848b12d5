import { describe, expect, it } from "vitest";
import { createRng } from "../../src/numeric/rng.js";

/** The project's seeded PRNG as a plain uniform draw. */
const seededUniform = (seed: number): (() => number) => {
  const rng = createRng(seed, "test");
  return () => rng.next();
};
import { GoodputError } from "../../src/errors.js";
import { computeCacheLocality, type CacheLocalityInput, type RoutingPolicy } from "../../src/physics/cache-locality.js";

/**
 * Exact LRU hit probability under IRM (King 1971): the cache state is the ordered list of the C most
 * recently used items, with stationary probability Π_k q_{i_k} / (1 − Σ_{m<k} q_{i_m}); a request
 * hits with probability Σ_k q_{i_k}. Enumerates every ordered C-tuple, so only for tiny K.
 */
function exactLruHitRate(rates: readonly number[], capacity: number): number {
  const total = rates.reduce((sum, rate) => sum + rate, 0);
  const q = rates.map((rate) => rate / total);
  if (capacity >= q.length) return 1;
  const walk = (used: readonly number[], probability: number, usedMass: number): number => {
    if (used.length === capacity) return probability * usedMass;
    let sum = 0;
    q.forEach((qi, item) => {
      if (!used.includes(item)) sum += walk([...used, item], (probability * qi) / (1 - usedMass), usedMass + qi);
    });
    return sum;
  };
  return walk([], 1, 0);
}

/** Simulates an LRU cache of C items under IRM with the given popularity; returns the hit fraction. */
function simulateLruHitRate(masses: readonly number[], capacity: number, requests: number, seed: number): number {
  const random = seededUniform(seed);
  const cumulative: number[] = [];
  let running = 0;
  for (const mass of masses) cumulative.push((running += mass));
  const cache: number[] = []; // most recent first
  let hits = 0;
  const warmup = requests / 10;
  for (let request = 0; request < requests + warmup; request++) {
    const u = random() * running;
    let item = cumulative.findIndex((edge) => u < edge);
    if (item < 0) item = masses.length - 1;
    const position = cache.indexOf(item);
    if (position >= 0) {
      if (request >= warmup) hits++;
      cache.splice(position, 1);
    } else if (cache.length >= capacity) cache.pop();
    cache.unshift(item);
  }
  return hits / requests;
}

const zipf = (k: number, s: number): number[] => {
  const weights = Array.from({ length: k }, (_, i) => 1 / Math.pow(i + 1, s));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
};

const base: CacheLocalityInput = {
  replicas: 4,
  prefixes: 100,
  zipfExponent: 0,
  prefixTokens: 1000,
  requestsPerSecond: 10,
  cacheCapacity: { prefixes: 20 },
  ttft: { kind: "fixed", hitSeconds: 0.05, missSeconds: 0.5 },
  inputUsdPerMTok: 3,
};

const policy = (result: ReturnType<typeof computeCacheLocality>, name: RoutingPolicy) => {
  const found = result.policies.find((entry) => entry.policy === name);
  if (!found) throw new Error(`no policy ${name}`);
  return found;
};

describe("computeCacheLocality() — closed forms for uniform popularity", () => {
  const result = computeCacheLocality(base);

  it("round-robin and least-request: every replica sees all K prefixes, hit = C / K = 20 / 100", () => {
    expect(policy(result, "round-robin").hitRate).toBeCloseTo(0.2, 9);
    expect(policy(result, "least-request").hitRate).toBeCloseTo(0.2, 9);
    expect(policy(result, "round-robin").loadImbalanceFactor).toBeCloseTo(1, 12);
  });

  it("prefix-hash: each replica sees K / R = 25 prefixes, hit = C / 25 = 0.8, perfectly balanced", () => {
    expect(policy(result, "prefix-hash").hitRate).toBeCloseTo(0.8, 9);
    expect(policy(result, "sticky-session").hitRate).toBeCloseTo(0.8, 9);
    expect(policy(result, "prefix-hash").loadImbalanceFactor).toBeCloseTo(1, 12);
  });

  it("mean TTFT = h·hit + (1 − h)·miss: 0.2 × 50 ms + 0.8 × 500 ms = 410 ms; 0.8 × 50 + 0.2 × 500 = 140 ms", () => {
    expect(policy(result, "round-robin").meanTtftSeconds).toBeCloseTo(0.41, 12);
    expect(policy(result, "prefix-hash").meanTtftSeconds).toBeCloseTo(0.14, 12);
  });

  it("savings: uncached 10 req/s × 3600 × 1000 tokens × $3/MTok = $108/h; saved h × $108", () => {
    expect(policy(result, "round-robin").uncachedInputUsdPerHour).toBeCloseTo(108, 9);
    expect(policy(result, "round-robin").savingsUsdPerHour).toBeCloseTo(21.6, 9);
    expect(policy(result, "prefix-hash").savingsUsdPerHour).toBeCloseTo(86.4, 9);
    const paidHits = computeCacheLocality({ ...base, hitUsdPerMTok: 0.3 });
    expect(policy(paidHits, "prefix-hash").savingsUsdPerHour).toBeCloseTo(0.8 * 108 * 0.9, 9);
  });

  it("a prefill TTFT model: miss = base + tokens × s/token = 0.02 + 1000 × 0.0002 = 0.22 s", () => {
    const prefill = computeCacheLocality({ ...base, ttft: { kind: "prefill", baseSeconds: 0.02, prefillSecondsPerToken: 0.0002 } });
    expect(prefill.ttftMissSeconds).toBeCloseTo(0.22, 12);
    expect(policy(prefill, "round-robin").meanTtftSeconds).toBeCloseTo(0.2 * 0.02 + 0.8 * 0.22, 12);
  });

  it("capacity in tokens is whole prefixes: 20 500 tokens / 1000 = 20 prefixes", () => {
    const tokens = computeCacheLocality({ ...base, cacheCapacity: { tokens: 20_500 } });
    expect(tokens.cacheCapacityPrefixes).toBe(20);
    expect(policy(tokens, "round-robin").hitRate).toBeCloseTo(0.2, 9);
  });
});

describe("computeCacheLocality() — Che's approximation against exact LRU", () => {
  it.each([
    [8, 0.8, 3],
    [6, 1.2, 2],
    [7, 0, 3],
  ])("one replica, K = %d, Zipf %d, C = %d: within 0.015 of King's exact LRU formula", (k, s, c) => {
    const result = computeCacheLocality({ ...base, replicas: 1, prefixes: k, zipfExponent: s, cacheCapacity: { prefixes: c }, policies: ["round-robin"] });
    expect(Math.abs(policy(result, "round-robin").hitRate - exactLruHitRate(zipf(k, s), c))).toBeLessThan(0.015);
  });

  it("K = 300, Zipf 1, C = 30: within 0.01 of a seeded LRU simulation (200k requests)", () => {
    const result = computeCacheLocality({ ...base, replicas: 1, prefixes: 300, zipfExponent: 1, cacheCapacity: { prefixes: 30 }, policies: ["round-robin"] });
    const simulated = simulateLruHitRate(zipf(300, 1), 30, 200_000, 7);
    expect(Math.abs(policy(result, "round-robin").hitRate - simulated)).toBeLessThan(0.01);
  });

  it("round-robin over R replicas equals one replica: the hit rate does not depend on the per-replica rate", () => {
    const many = computeCacheLocality({ ...base, zipfExponent: 1, replicas: 8, policies: ["round-robin"] });
    const one = computeCacheLocality({ ...base, zipfExponent: 1, replicas: 1, policies: ["round-robin"] });
    expect(policy(many, "round-robin").hitRate).toBeCloseTo(policy(one, "round-robin").hitRate, 9);
  });

  it("everything fits → every request hits; no cache → none do", () => {
    expect(policy(computeCacheLocality({ ...base, cacheCapacity: { prefixes: 100 } }), "round-robin").hitRate).toBeCloseTo(1, 12);
    expect(policy(computeCacheLocality({ ...base, cacheCapacity: { prefixes: 0 } }), "prefix-hash").hitRate).toBe(0);
  });
});

describe("computeCacheLocality() — the load-imbalance cost of locality", () => {
  // K = 4, Zipf 1: masses (1, 1/2, 1/3, 1/4) / (25/12) = 0.48, 0.24, 0.16, 0.12.
  // Rank round-robin on R = 2: replica 0 gets ranks 1, 3 → 0.64; replica 1 gets ranks 2, 4 → 0.36.
  const skewed: CacheLocalityInput = { ...base, replicas: 2, prefixes: 4, zipfExponent: 1, cacheCapacity: { prefixes: 2 } };

  it("prefix-hash load imbalance = 0.64 / 0.5 = 1.28, with shares 0.64 and 0.36", () => {
    const result = computeCacheLocality(skewed);
    const hash = policy(result, "prefix-hash");
    expect(hash.replicaLoadShares[0]).toBeCloseTo(0.64, 12);
    expect(hash.replicaLoadShares[1]).toBeCloseTo(0.36, 12);
    expect(hash.loadImbalanceFactor).toBeCloseTo(1.28, 12);
    // Two prefixes per replica fit in C = 2: every request hits.
    expect(hash.hitRate).toBeCloseTo(1, 12);
  });

  it("round-robin with the same cache: within 0.015 of exact LRU over all four prefixes", () => {
    const result = computeCacheLocality(skewed);
    expect(Math.abs(policy(result, "round-robin").hitRate - exactLruHitRate([0.48, 0.24, 0.16, 0.12], 2))).toBeLessThan(0.015);
  });

  it("kv-aware spill with bound 1.1: replica 0 keeps 0.55, spills 0.09 to replica 1 (0.45), imbalance 1.1", () => {
    const result = computeCacheLocality({ ...skewed, spillLoadBound: 1.1 });
    const spill = policy(result, "kv-aware-spill");
    expect(spill.spilledShare).toBeCloseTo(0.09, 12);
    expect(spill.replicaLoadShares[0]).toBeCloseTo(0.55, 12);
    expect(spill.replicaLoadShares[1]).toBeCloseTo(0.45, 12);
    expect(spill.loadImbalanceFactor).toBeCloseTo(1.1, 12);
    // Replica 0 still holds only its 2 prefixes (all hit). Replica 1 sees its own 0.24, 0.12 plus a spill
    // fraction f = 0.09 / 0.64 of 0.48 and 0.16 — four streams in a 2-prefix cache.
    const f = 0.09 / 0.64;
    const expected = 0.55 * 1 + 0.45 * exactLruHitRate([0.24, 0.12, 0.48 * f, 0.16 * f], 2);
    expect(Math.abs(spill.hitRate - expected)).toBeLessThan(0.015);
    expect(spill.hitRate).toBeLessThan(1);
  });

  it("kv-aware spill never spills when every replica is under the bound", () => {
    const result = computeCacheLocality({ ...skewed, spillLoadBound: 1.3 });
    expect(policy(result, "kv-aware-spill").spilledShare).toBe(0);
    expect(policy(result, "kv-aware-spill").hitRate).toBeCloseTo(policy(result, "prefix-hash").hitRate, 12);
  });

  it("spill goes to the replica with headroom (the empty one), up to the bound", () => {
    // Uniform K = 3 over R = 4 by rank: shares 1/3, 1/3, 1/3, 0. Bound 1.2 → cap 0.3; the three spill 1/30 each to replica 3 (0.1).
    const result = computeCacheLocality({ ...base, replicas: 4, prefixes: 3, spillLoadBound: 1.2, policies: ["kv-aware-spill"] });
    const shares = policy(result, "kv-aware-spill").replicaLoadShares;
    expect(shares[0]).toBeCloseTo(0.3, 12);
    expect(shares[3]).toBeCloseTo(0.1, 12);
  });

  it("peak utilization = busiest share × total rate ÷ replica capacity: 0.64 × 10 / 8 = 0.8", () => {
    const result = computeCacheLocality({ ...skewed, replicaCapacityRequestsPerSecond: 8 });
    expect(policy(result, "prefix-hash").peakUtilization).toBeCloseTo(0.8, 12);
    expect(policy(result, "round-robin").peakUtilization).toBeCloseTo(0.625, 12);
  });

  it("a seeded hash partition is deterministic, shares sum to 1 and imbalance = max share × R", () => {
    const input: CacheLocalityInput = { ...base, replicas: 8, prefixes: 500, zipfExponent: 1, partition: { kind: "hash", seed: 42 } };
    const first = policy(computeCacheLocality(input), "prefix-hash");
    const again = policy(computeCacheLocality(input), "prefix-hash");
    expect(again.replicaLoadShares).toEqual(first.replicaLoadShares);
    expect(first.replicaLoadShares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(first.loadImbalanceFactor).toBeCloseTo(Math.max(...first.replicaLoadShares) * 8, 12);
    expect(first.loadImbalanceFactor).toBeGreaterThanOrEqual(1);
  });
});

describe("computeCacheLocality() — input checks", () => {
  it("collects bad fields into one BAD_INPUT error", () => {
    try {
      computeCacheLocality({ ...base, replicas: 0, spillLoadBound: 0.9, cacheCapacity: { prefixes: 2.5 } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GoodputError);
      const issues = (error as GoodputError).issues.join("\n");
      expect(issues).toMatch(/replicas/);
      expect(issues).toMatch(/spillLoadBound/);
      expect(issues).toMatch(/cacheCapacity.prefixes/);
    }
  });

  it("says the simulator must cross-check the estimate", () => {
    expect(computeCacheLocality(base).assumptions.join(" ")).toMatch(/simulator .* cross-check/);
  });
});
