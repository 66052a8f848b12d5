import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isGoodputError } from "../../../src/errors.js";
import { createRng } from "../../../src/numeric/rng.js";
import {
  createLeastOutstandingRouter,
  createRandomRouter,
  createRouter,
  createStickySessionRouter,
  createTieredRouter,
  routerConfigSchema,
  withExploration,
} from "../../../src/sim/routers/index.js";
import { replica, request } from "./_fixtures.js";

const rng = createRng(3, "fleet-rules");

describe("createTieredRouter()", () => {
  const fleet = (premiumOutstanding: readonly number[], premiumQueue = 0) => [
    replica(0, { pool: "premium", outstanding: premiumOutstanding[0] ?? 0, queueDepth: premiumQueue }),
    replica(1, { pool: "premium", outstanding: premiumOutstanding[1] ?? 0, queueDepth: premiumQueue }),
    replica(2, { pool: "cheap", outstanding: 7 }),
    replica(3, { pool: "cheap", outstanding: 2 }),
  ];
  const tiered = () => createTieredRouter({ premiumPool: "premium", fallbackPool: "cheap", congestionOutstanding: 32, congestionQueue: 10 });

  it("sends latency-sensitive and premium-tier requests to the premium pool while it has capacity", () => {
    const router = tiered();
    const sensitive = router.route(request(1, { latencySensitive: true }), fleet([31, 40]), rng);
    expect(sensitive.replica).toBe(0);
    expect(sensitive.fallbackReason).toBeNull();
    expect(router.route(request(2, { tier: "premium" }), fleet([40, 12]), rng).replica).toBe(1);
  });

  it("falls back to the cheap pool only when the premium pool is congested, naming the number", () => {
    const decision = tiered().route(request(1, { latencySensitive: true }), fleet([34, 40]), rng);
    expect(decision.replica).toBe(3);
    expect(decision.fallbackReason).toBe("premium congested: min outstanding 34 ≥ 32");
    const queued = tiered().route(request(2, { tier: "premium" }), fleet([1, 2], 10), rng);
    expect(queued.replica).toBe(3);
    expect(queued.fallbackReason).toBe("premium congested: min queue depth 10 ≥ 10");
  });

  it("sends every other request to the cheap pool, even when the premium pool is idle", () => {
    const decision = tiered().route(request(1), fleet([0, 0]), rng);
    expect(decision.replica).toBe(3);
    expect(decision.fallbackReason).toBeNull();
  });

  it("ignores unhealthy premium replicas when judging congestion and treats an all-down pool as congested", () => {
    const view = fleet([0, 40]).map((signals) => (signals.index === 0 ? { ...signals, healthy: false } : signals));
    expect(tiered().route(request(1, { latencySensitive: true }), view, rng).fallbackReason).toBe("premium congested: min outstanding 40 ≥ 32");
    const down = view.map((signals) => (signals.pool === "premium" ? { ...signals, healthy: false } : signals));
    expect(tiered().route(request(1, { latencySensitive: true }), down, rng).fallbackReason).toBe('premium pool "premium" has no healthy replica');
  });

  it("lifts a stochastic inner router's probabilities onto the whole view", () => {
    const router = createTieredRouter({ premiumPool: "premium", fallbackPool: "cheap", createInner: createRandomRouter });
    const decision = router.route(request(1), fleet([0, 0]), rng);
    expect(decision.candidateProbabilities).toEqual([0, 0, 0.5, 0.5]);
    expect(decision.propensity).toBe(0.5);
  });
});

describe("withExploration()", () => {
  const view = [replica(0, { outstanding: 5 }), replica(1, { outstanding: 1 }), replica(2, { outstanding: 3 }), replica(3, { outstanding: 9 })];

  it("logs (1 − ε)·p_base + ε/n: 0.8·1 + 0.2/4 = 0.85 for the base choice, 0.05 for the rest", () => {
    const router = withExploration(createLeastOutstandingRouter(), 0.2);
    const counts = [0, 0, 0, 0];
    const draws = 20_000;
    for (let id = 0; id < draws; id++) {
      const decision = router.route(request(id), view, rng);
      expect(decision.candidateProbabilities).toEqual([0.05, 0.85, 0.05, 0.05].map((p) => expect.closeTo(p, 12) as unknown as number));
      expect(decision.propensity).toBeCloseTo(decision.replica === 1 ? 0.85 : 0.05, 12);
      counts[decision.replica] = (counts[decision.replica] ?? 0) + 1;
    }
    expect(Math.abs((counts[1] ?? 0) / draws - 0.85)).toBeLessThan(0.012);
  });

  it("mixes with a stochastic base and gives unhealthy replicas nothing: n counts healthy replicas only", () => {
    const withDown = view.map((signals) => (signals.index === 3 ? { ...signals, healthy: false } : signals));
    const decision = withExploration(createRandomRouter(), 0.3).route(request(1), withDown, rng);
    // base: 1/3 each healthy; mixed: 0.7·(1/3) + 0.3/3 = 1/3
    decision.candidateProbabilities?.slice(0, 3).forEach((p) => {
      expect(p).toBeCloseTo(1 / 3, 12);
    });
    expect(decision.candidateProbabilities?.[3]).toBe(0);
  });
});

describe("createStickySessionRouter()", () => {
  const fleet = (size: number) => Array.from({ length: size }, (_, index) => replica(index, { outstanding: index * 3 }));

  it("keeps a session on one replica whatever the load, and moves it to the next ring replica while that one is down", () => {
    const router = createStickySessionRouter();
    const home = router.route(request(1, { sessionId: "s-42" }), fleet(8), rng).replica;
    for (let id = 2; id < 30; id++) {
      const view = fleet(8).map((signals) => ({ ...signals, outstanding: (signals.outstanding * id) % 17 }));
      expect(router.route(request(id, { sessionId: "s-42" }), view, rng).replica).toBe(home);
    }
    const down = fleet(8).map((signals) => (signals.index === home ? { ...signals, healthy: false } : signals));
    const moved = router.route(request(40, { sessionId: "s-42" }), down, rng);
    expect(moved.replica).not.toBe(home);
    expect(moved.fallbackReason).toBe(`session replica ${home} unhealthy: next on ring`);
    expect(router.route(request(41, { sessionId: "s-42" }), fleet(8), rng).replica).toBe(home);
  });

  it("moves only the sessions the new replica takes when a ninth replica joins (consistent hashing)", () => {
    const eight = createStickySessionRouter();
    const nine = createStickySessionRouter();
    let moved = 0;
    for (let session = 0; session < 2000; session++) {
      const before = eight.route(request(session, { sessionId: `s${session}` }), fleet(8), rng).replica;
      const after = nine.route(request(session, { sessionId: `s${session}` }), fleet(9), rng).replica;
      if (before !== after) {
        moved++;
        expect(after).toBe(8);
      }
    }
    expect(moved / 2000).toBeGreaterThan(0.05);
    expect(moved / 2000).toBeLessThan(0.2); // ≈ 1/9 ≈ 0.11 expected
  });

  it("falls back to the user id when there is no session", () => {
    const router = createStickySessionRouter();
    const a = router.route(request(1, { userId: "alice" }), fleet(8), rng).replica;
    expect(router.route(request(2, { userId: "alice" }), fleet(8), rng).replica).toBe(a);
  });
});

describe("routerConfigSchema and createRouter()", () => {
  const examples = `
- { type: round-robin }
- { type: random }
- { type: least-outstanding, explorationRate: 0.05 }
- { type: prefix-hash, loadFactor: 1.25, prefixTokens: 256, virtualNodes: 100 }
- { type: cache-aware, absoluteThreshold: 64, relativeThreshold: 1.5, matchThreshold: 0.3, indexCapacityBlocks: 4096 }
- { type: weighted-scorers, weights: { queue: 2, kvUtilization: 2, prefix: 3 } }
- { type: kv-cost, prefillWeight: 1, temperature: 0.5 }
- { type: prefix-trie, minMatchBlocks: 1 }
- { type: sticky-session }
- type: tiered
  premiumPool: h100
  fallbackPool: l40s
  premiumTiers: [premium, enterprise]
  congestionOutstanding: 32
  congestionQueue: 8
  inner: { type: cache-aware }
`;
  const replicas = [
    { index: 0, pool: "h100" },
    { index: 1, pool: "l40s" },
  ];

  it("parses one YAML example per router type and builds each", () => {
    const configs = (parse(examples) as unknown[]).map((entry) => routerConfigSchema.parse(entry));
    expect(configs.map((config) => config.type)).toHaveLength(10);
    for (const config of configs) {
      const router = createRouter(config, replicas);
      const view = [replica(0, { pool: "h100" }), replica(1, { pool: "l40s" })];
      expect([0, 1]).toContain(router.route(request(1, { latencySensitive: true }), view, rng).replica);
    }
  });

  it("rejects unknown fields, unknown types and a tiered router nested inside a tiered router", () => {
    expect(routerConfigSchema.safeParse({ type: "prefix-hash", loadfactor: 2 }).success).toBe(false);
    expect(routerConfigSchema.safeParse({ type: "fastest" }).success).toBe(false);
    const nested = { type: "tiered", premiumPool: "a", fallbackPool: "b", inner: { type: "tiered", premiumPool: "a", fallbackPool: "b" } };
    expect(routerConfigSchema.safeParse(nested).success).toBe(false);
  });

  it("names every unknown pool with its field path and the known pools", () => {
    const config = routerConfigSchema.parse({ type: "tiered", premiumPool: "h200", fallbackPool: "l40s", cheapPool: "t4" });
    try {
      createRouter(config, replicas);
      expect.unreachable();
    } catch (error) {
      expect(isGoodputError(error) && error.code).toBe("BAD_INPUT");
      if (!isGoodputError(error)) throw error;
      expect(error.where).toBe("router.premiumPool, router.cheapPool");
      expect(error.issues).toEqual([
        'router.premiumPool: unknown pool "h200" (known: h100, l40s)',
        'router.cheapPool: unknown pool "t4" (known: h100, l40s)',
      ]);
    }
  });
});
