import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtInCatalog } from "../../src/catalog/catalog.js";
import { loadScenario, type LoadedScenario } from "../../src/cli/load-scenario.js";
import { runScenario } from "../../src/cli/run-scenario.js";
import type { RequestRecord } from "../../src/sim/log/request-record.js";
import { policyFor } from "../../src/sim/policy-for.js";
import { fnv1a } from "../../src/numeric/hash.js";
import { simulateFleet } from "../../src/sim/simulate-fleet.js";
import type { SimRequestSpec } from "../../src/sim/sim-request.js";
import { createRequestStream } from "../../src/sim/workload/generate-requests.js";
import type { WorkloadConfig } from "../../src/sim/workload/workload-schema.js";

const dir = mkdtempSync(join(tmpdir(), "goodput-truth-"));
const clock = { nowMs: () => 0, interrupt: { interrupted: false }, requests: 3000 };
const load = (name: string): LoadedScenario => loadScenario(`examples/${name}.yaml`, builtInCatalog, dir);

/** The summary's value at a dotted metric path (as trueGlobalEffect names them). */
const valueAt = (summary: unknown, metric: string): unknown => metric.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], summary);

describe("the true global effect is all-B − all-A on the same arrivals (issue 13)", () => {
  it.each(["readout-switchback", "readout-request-ab"])("examples/%s.yaml: every printed metric equals an explicit all-A and all-B rerun", async (name) => {
    const loaded = load(name);
    const treatment = loaded.config.design?.treatment;
    if (!treatment) throw new Error("example without a design");
    const withDesign = await runScenario(loaded, clock);
    // The explicit reruns: the design removed, everyone on A; then everyone on B.
    const allA = (await runScenario({ ...loaded, config: { ...loaded.config, design: undefined, counterfactual: undefined } }, clock)).summary;
    const allB = (await runScenario({ ...loaded, config: { ...loaded.config, policies: { ...loaded.config.policies, router: treatment }, design: undefined, counterfactual: undefined } }, clock)).summary;
    const truth = withDesign.counterfactual?.trueGlobalEffect ?? [];
    expect(truth.length).toBeGreaterThan(30);
    for (const effect of truth) {
      expect(effect.a, effect.metric).toBe(valueAt(allA, effect.metric));
      expect(effect.b, effect.metric).toBe(valueAt(allB, effect.metric));
      if (Number.isFinite(effect.a) && Number.isFinite(effect.b)) expect(effect.difference, effect.metric).toBe(effect.b - effect.a);
    }
    // The design run is a different (mixed) system: using it as "A" was the old bug.
    expect(withDesign.summary.ttftSeconds.mean).not.toBe(allA.ttftSeconds.mean);
  }, 60_000);

  it("examples/readout-pool-cluster.yaml: the counterfactual is each pool serving its own users on one policy", async () => {
    const loaded = load("readout-pool-cluster");
    const outDir = join(dir, "pool-cluster");
    const result = await runScenario(loaded, { ...clock, outDir });
    const read = (folder: string): Map<number, RequestRecord> =>
      new Map(readFileSync(join(outDir, folder, "requests.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as RequestRecord).map((record) => [record.request_id, record]));
    const pools = loaded.pools.map((pool) => pool.name);
    const { config } = loaded;
    // Independently: one simulation per pool fed only that pool's users (a user's pool is the hash of
    // its id, as the design assigns it), routed by the policy within that pool; the pools never meet.
    const perPool = (router: typeof config.policies.router): Map<number, RequestRecord> => {
      const records = new Map<number, RequestRecord>();
      pools.forEach((_poolName, poolIndex) => {
        const all = [...createRequestStream(config.workload as WorkloadConfig, { seed: config.seed, requests: clock.requests })];
        const mine = all.filter((request) => fnv1a(request.userId) % pools.length === poolIndex);
        let next = 0;
        simulateFleet({
          runId: "independent", seed: config.seed, pools: loaded.pools,
          requests: { next: (): SimRequestSpec | null => mine[next++] ?? null },
          // Policy slot = pool index, as in the design, so a stochastic router draws from the same stream.
          policies: pools.map((name) => policyFor(router, name)), assign: () => ({ policyIndex: poolIndex, arm: null, unit: null, block: null }), routerReplicas: 1, signalRefreshSeconds: 0, slo: config.slo,
          disturbances: { failures: [], slowdowns: [], retries: null }, admission: {}, seriesIntervalSeconds: 0,
          onRecord: (record) => records.set(record.request_id, record),
        });
      });
      return records;
    };
    for (const [folder, router] of [["all-a", config.policies.router], ["counterfactual", config.counterfactual?.router ?? config.policies.router]] as const) {
      const truthRun = read(folder);
      const independent = perPool(router);
      expect(truthRun.size).toBe(clock.requests);
      for (const [id, record] of independent) {
        expect(truthRun.get(id)?.pool, `${folder} request ${id}`).toBe(record.pool);
        expect(truthRun.get(id)?.ttft_s, `${folder} request ${id}`).toBe(record.ttft_s);
      }
    }
    const ttft = result.counterfactual?.trueGlobalEffect.find((effect) => effect.metric === "ttftSeconds.mean");
    const meanTtft = (records: Map<number, RequestRecord>): number => [...records.values()].reduce((sum, record) => sum + (record.ttft_s ?? 0), 0) / records.size;
    expect(ttft?.a).toBeCloseTo(meanTtft(read("all-a")), 12);
    expect(ttft?.b).toBeCloseTo(meanTtft(read("counterfactual")), 12);
  }, 60_000);

  it("a counterfactual router that differs from the design's treatment is refused (the truth would be ambiguous)", () => {
    const path = join(dir, "ambiguous.yaml");
    const text = readFileSync("examples/readout-request-ab.yaml", "utf8").replace("counterfactual:\n  router: { type: prefix-hash }", "counterfactual:\n  router: { type: least-outstanding }");
    expect(text).toContain("least-outstanding");
    writeFileSync(path, text);
    expect(() => loadScenario(path, builtInCatalog, dir)).toThrow(/counterfactual.router .* must equal design.treatment/);
  });
});
