import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/numeric/rng.js";
import {
  createCacheAwareRouter,
  createKvCostRouter,
  createLeastOutstandingRouter,
  createPrefixHashRouter,
  createPrefixTrieRouter,
  createRandomRouter,
  createRoundRobinRouter,
  createRouter,
  createStickySessionRouter,
  createTieredRouter,
  createWeightedScorersRouter,
  withExploration,
  type Router,
  type RouterDecision,
} from "../../../src/sim/routers/index.js";
import { ChainKeys, randomRequest, randomView } from "./_fixtures.js";

// One suite, every router (hono's common.case.test.ts pattern).
const factories: [string, () => Router][] = [
  ["round-robin", createRoundRobinRouter],
  ["random", createRandomRouter],
  ["least-outstanding", createLeastOutstandingRouter],
  ["prefix-hash", () => createPrefixHashRouter()],
  ["cache-aware", () => createCacheAwareRouter()],
  ["cache-aware (tight thresholds)", () => createCacheAwareRouter({ absoluteThreshold: 4, relativeThreshold: 1.1 })],
  ["weighted-scorers", () => createWeightedScorersRouter()],
  ["kv-cost (T = 0)", () => createKvCostRouter()],
  ["kv-cost (T = 0.3)", () => createKvCostRouter({ temperature: 0.3 })],
  ["prefix-trie", () => createPrefixTrieRouter()],
  ["sticky-session", () => createStickySessionRouter()],
  ["tiered", () => createTieredRouter({ premiumPool: "premium", fallbackPool: "cheap", congestionOutstanding: 20 })],
  [
    "tiered (random inner)",
    () => createTieredRouter({ premiumPool: "premium", fallbackPool: "cheap", createInner: createRandomRouter, congestionQueue: 4 }),
  ],
  ["exploration(least-outstanding)", () => withExploration(createLeastOutstandingRouter(), 0.1)],
  ["exploration(weighted-scorers)", () => withExploration(createWeightedScorersRouter(), 0.25)],
  ["createRouter(tiered + exploration)", () =>
    createRouter(
      { type: "tiered", premiumPool: "premium", fallbackPool: "cheap", inner: { type: "prefix-trie" }, explorationRate: 0.2 },
      [{ index: 0, pool: "premium" }, { index: 1, pool: "cheap" }],
    )],
];

interface Step {
  readonly decision: RouterDecision;
  readonly healthy: readonly boolean[];
}

function drive(router: Router, seed: number, requests: number, unhealthyRate: number): Step[] {
  const world = createRng(seed, "world");
  const routing = createRng(seed, "router");
  const chains = new ChainKeys();
  const steps: Step[] = [];
  for (let id = 0; id < requests; id++) {
    const view = randomView(world, 2 + Math.floor(world.next() * 9), unhealthyRate);
    const routed = randomRequest(world, id, chains);
    const decision = router.route(routed, view, routing);
    router.observe?.(routed, decision.replica);
    steps.push({ decision, healthy: view.map((signals) => signals.healthy) });
  }
  return steps;
}

describe.each(factories)("router contract: %s", (_name, create) => {
  it("picks an in-range replica, healthy whenever one is healthy, with propensity in (0, 1]", () => {
    for (const step of drive(create(), 11, 400, 0.3)) {
      const { decision, healthy } = step;
      expect(Number.isInteger(decision.replica)).toBe(true);
      expect(decision.replica).toBeGreaterThanOrEqual(0);
      expect(decision.replica).toBeLessThan(healthy.length);
      if (healthy.some(Boolean)) expect(healthy[decision.replica]).toBe(true);
      expect(decision.propensity).toBeGreaterThan(0);
      expect(decision.propensity).toBeLessThanOrEqual(1);
      expect(decision.reason.length).toBeGreaterThan(0);
    }
  });

  it("reports candidate probabilities that sum to 1, skip unhealthy replicas and match the propensity", () => {
    for (const { decision, healthy } of drive(create(), 12, 400, 0.3)) {
      const probabilities = decision.candidateProbabilities;
      if (probabilities === null) {
        expect(decision.propensity).toBe(1);
        continue;
      }
      expect(probabilities).toHaveLength(healthy.length);
      expect(Math.abs(probabilities.reduce((sum, p) => sum + p, 0) - 1)).toBeLessThan(1e-9);
      probabilities.forEach((p, position) => {
        expect(p).toBeGreaterThanOrEqual(0);
        if (!healthy[position] && healthy.some(Boolean)) expect(p).toBe(0);
      });
      expect(probabilities[decision.replica]).toBeCloseTo(decision.propensity, 12);
    }
  });

  it("makes the same 200 decisions for the same seed", () => {
    const first = drive(create(), 99, 200, 0.2).map((step) => step.decision);
    const second = drive(create(), 99, 200, 0.2).map((step) => step.decision);
    expect(second).toEqual(first);
  });

  it("throws BAD_INPUT on an empty view", () => {
    const route = () => create().route(randomRequest(createRng(1), 0, new ChainKeys()), [], createRng(1));
    expect(route).toThrow(expect.objectContaining({ code: "BAD_INPUT" }));
  });

  it("still routes, and says why, when no replica is healthy", () => {
    for (const { decision, healthy } of drive(create(), 13, 50, 1)) {
      expect(healthy.some(Boolean)).toBe(false);
      expect(decision.replica).toBeLessThan(healthy.length);
      expect(decision.fallbackReason).not.toBeNull();
    }
  });
});
