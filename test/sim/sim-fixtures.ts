import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { singleGpuDeployment } from "../../src/physics/deployment.js";
import { computeKvPool } from "../../src/physics/kv-pool.js";
import { defaultStepTimeProfile } from "../../src/physics/step-time-profile.js";
import type { RequestRecord } from "../../src/sim/log/request-record.js";
import { createRng } from "../../src/numeric/rng.js";
import type { Router } from "../../src/sim/routers/router.js";
import type { RequestSource, SimRequestSpec } from "../../src/sim/sim-request.js";
import { simulateFleet, type PoolSpec, type SimulationInput } from "../../src/sim/simulate-fleet.js";

export const llama8bOnH100 = singleGpuDeployment(findModel(builtInCatalog, "llama-3-8b"), findGpu(builtInCatalog, "h100-sxm"));

export function pool(options: Partial<PoolSpec["engine"]> & { name?: string; replicas?: number; maxQueueSeconds?: number | null; quality?: number } = {}): PoolSpec {
  return {
    name: options.name ?? "main",
    replicas: options.replicas ?? 1,
    deployment: llama8bOnH100,
    profile: defaultStepTimeProfile,
    engine: {
      maxNumSeqs: options.maxNumSeqs ?? 256,
      maxBatchedTokens: options.maxBatchedTokens ?? 8192,
      chunkedPrefill: options.chunkedPrefill ?? true,
      blockSizeTokens: options.blockSizeTokens ?? 16,
      kvBlocks: options.kvBlocks ?? computeKvPool(llama8bOnH100).blocks,
      prefixCaching: options.prefixCaching ?? true,
    },
    priceUsdPerGpuHour: 3,
    maxQueueSeconds: options.maxQueueSeconds ?? null,
    qualityPassProbability: options.quality ?? 1,
  };
}

/** Poisson arrivals with per-request lengths from `lengths`, independent streams per attribute. */
export function poissonSource(options: { seed: number; requests: number; ratePerSecond: number; prompt: (i: number, u: () => number) => number; output: (i: number, u: () => number) => number; prefixGroup?: (i: number, u: () => number) => string | null; prefixTokens?: number; latencySensitive?: (i: number) => boolean }): RequestSource {
  const arrivals = createRng(options.seed, "test/arrivals");
  const lengths = createRng(options.seed, "test/lengths");
  const groups = createRng(options.seed, "test/groups");
  let time = 0;
  let id = 0;
  return {
    next(): SimRequestSpec | null {
      if (id >= options.requests) return null;
      time += -Math.log(1 - arrivals.next()) / options.ratePerSecond;
      const group = options.prefixGroup?.(id, () => groups.next()) ?? null;
      const spec: SimRequestSpec = {
        id,
        arrivalSeconds: time,
        promptTokens: options.prompt(id, () => lengths.next()),
        outputTokens: options.output(id, () => lengths.next()),
        tenant: "t",
        tier: "standard",
        latencySensitive: options.latencySensitive?.(id) ?? false,
        userId: `u${id % 50}`,
        sessionId: null,
        turn: 0,
        prefixGroup: group,
        prefixTokens: group === null ? 0 : (options.prefixTokens ?? 0),
        historyTokens: 0,
        workloadClass: "test",
        preUsage: 0,
      };
      id++;
      return spec;
    },
  };
}

/** A router that sends everything to replica 0 (for single-replica queueing tests). */
export const firstReplica = (): Router => ({
  name: "first",
  route: () => ({ replica: 0, propensity: 1, candidateProbabilities: null, reason: "only replica", fallbackReason: null }),
});

/** The simulation input tests start from: one policy routing to replica 0, no disturbances, no SLO, no series. */
export const baseSimInput = {
  runId: "test",
  seed: 1,
  policies: [{ name: "first", version: "1", createRouter: firstReplica }],
  routerReplicas: 1,
  signalRefreshSeconds: 0,
  slo: {},
  disturbances: { failures: [], slowdowns: [], retries: null },
  admission: {},
  seriesIntervalSeconds: 0,
} satisfies Omit<SimulationInput, "pools" | "requests" | "onRecord">;

export function runSim(partial: Partial<SimulationInput> & Pick<SimulationInput, "pools" | "requests">) {
  const records: RequestRecord[] = [];
  const summary = simulateFleet({ ...baseSimInput, onRecord: (record) => records.push(record), ...partial });
  return { summary, records };
}
