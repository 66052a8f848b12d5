import { dirname, resolve } from "node:path";
import type { Catalog } from "../catalog/catalog.js";
import { findGpu, findModel } from "../catalog/catalog.js";
import type { ModelSpec } from "../catalog/types.js";
import { GoodputError, isGoodputError } from "../errors.js";
import type { Deployment } from "../physics/deployment.js";
import { computeKvPool } from "../physics/kv-pool.js";
import { createRouter } from "../sim/routers/create-router.js";
import type { RouterConfig } from "../sim/routers/router-schema.js";
import { scenarioSchema, type ScenarioConfig } from "../sim/scenario/scenario-schema.js";
import type { PoolSpec } from "../sim/simulate-fleet.js";
import { loadCalibration } from "../store/calibration-store.js";
import type { ParsedTrace } from "../sim/workload/trace-parse.js";
import { readTraceFile } from "./read-trace-file.js";
import { countLimits } from "./count-limits.js";
import { loadModelConfigFile, readStructuredFile } from "./load-catalog-file.js";

/** KV blocks per simulated replica: 10 M blocks of 16 tokens is 160 M tokens of cache, past any GPU's HBM. */
const maxSimulatedKvBlocks = 10_000_000;

export interface LoadedScenario {
  readonly path: string;
  readonly config: ScenarioConfig;
  readonly pools: readonly PoolSpec[];
  readonly replicaCount: number;
  /** The parsed trace of a `workload: { trace, format }` scenario; null for a generated workload. */
  readonly trace: ParsedTrace | null;
}

/**
 * Reads and validates a scenario file. Every problem is collected with its path — schema errors,
 * unknown GPUs or models, models that do not fit, limits that cannot work, disturbances naming
 * missing replicas, routers naming missing pools — and reported at once (BAD_FILE, exit 2).
 */
export function loadScenario(path: string, catalog: Catalog, labHomeDir: string): LoadedScenario {
  return validateScenario(readStructuredFile(path), { where: path, baseDir: dirname(path), catalog, labHomeDir });
}

/** Validates a scenario given as data (e.g. built from an experiment cell); `where` names it in errors. */
export function validateScenario(raw: unknown, options: { readonly where: string; readonly baseDir: string; readonly catalog: Catalog; readonly labHomeDir: string }): LoadedScenario {
  const { where: path, catalog, labHomeDir } = options;
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new GoodputError("BAD_FILE", `${path}: bad scenario:\n  - ${issues.join("\n  - ")}`, { where: path, issues });
  }
  const config = parsed.data;
  const issues: string[] = [];
  const attempt = <T>(where: string, build: () => T): T | undefined => {
    try {
      return build();
    } catch (error) {
      if (!isGoodputError(error)) throw error;
      issues.push(`${where}: ${error.message}`);
      return undefined;
    }
  };
  const pools: PoolSpec[] = [];
  const names = new Set<string>();
  config.pools.forEach((pool, index) => {
    const where = `pools.${index}`;
    if (names.has(pool.name)) issues.push(`${where}.name: pool "${pool.name}" is defined twice; pool names must be unique`);
    names.add(pool.name);
    if ((pool.model === undefined) === (pool.modelConfig === undefined)) {
      issues.push(`${where}: give exactly one of model (a catalog id) or modelConfig (a config.json path)`);
      return;
    }
    const gpu = attempt(`${where}.gpu`, () => findGpu(catalog, pool.gpu));
    const model = attempt<ModelSpec>(`${where}.${pool.model === undefined ? "modelConfig" : "model"}`, () =>
      pool.modelConfig !== undefined ? loadModelConfigFile(resolve(options.baseDir, pool.modelConfig)).spec : findModel(catalog, pool.model ?? ""),
    );
    const profile = attempt(`${where}.calibration`, () => loadCalibration(labHomeDir, pool.calibration));
    const engine = pool.engine;
    if (engine.maxNumBatchedTokens < engine.maxNumSeqs) {
      issues.push(`${where}.engine.maxNumBatchedTokens: ${engine.maxNumBatchedTokens} is below maxNumSeqs ${engine.maxNumSeqs}; a step could not give every running sequence a token (vLLM rejects this too) — raise it to at least ${engine.maxNumSeqs}`);
    }
    if (engine.offload && !engine.prefixCaching) issues.push(`${where}.engine.offload: an offload tier holds evicted prefix-cache blocks; turn on engine.prefixCaching or remove offload`);
    if (!gpu || !model || !profile) return;
    const deployment: Deployment = { model, gpu, tensorParallel: pool.tensorParallel, kvDtype: model.weightDtype === "fp16" ? "fp16" : "bf16" };
    const kvPool = attempt(where, () =>
      computeKvPool(deployment, { gpuMemoryUtilization: engine.gpuMemoryUtilization, blockSizeTokens: engine.blockSize, ...(engine.kvBlocks === undefined ? {} : { kvBlocks: engine.kvBlocks }) }),
    );
    if (!kvPool) return;
    // The simulator keeps per-block tables: a pool past this would exhaust memory before the first step (no GPU has it).
    if (kvPool.blocks > maxSimulatedKvBlocks) {
      issues.push(`${where}.engine.kvBlocks: ${kvPool.blocks.toLocaleString("en-US")} KV blocks per replica is above the simulator's limit of ${maxSimulatedKvBlocks.toLocaleString("en-US")}; state the engine's real block count (its startup log) or check the GPU's memory`);
      return;
    }
    pools.push({
      name: pool.name,
      replicas: pool.replicas,
      deployment,
      profile,
      engine: {
        maxNumSeqs: engine.maxNumSeqs,
        maxBatchedTokens: engine.maxNumBatchedTokens,
        chunkedPrefill: engine.chunkedPrefill,
        blockSizeTokens: engine.blockSize,
        kvBlocks: kvPool.blocks,
        prefixCaching: engine.prefixCaching,
        offload: engine.offload
          ? { capacityBytes: engine.offload.capacityGiB === undefined ? Infinity : engine.offload.capacityGiB * 2 ** 30, loadBytesPerSecond: engine.offload.loadGBPerSecond * 1e9, latencySeconds: engine.offload.latencyMs / 1000 }
          : null,
      },
      priceUsdPerGpuHour: pool.priceUsdPerGpuHour ?? gpu.priceUsdPerHour,
      maxQueueSeconds: pool.maxQueueSeconds ?? null,
      qualityPassProbability: pool.qualityPassProbability,
    });
  });
  const blockSizes = new Set(config.pools.map((pool) => pool.engine.blockSize));
  if (blockSizes.size > 1) issues.push(`pools: every pool must use the same engine.blockSize (got ${[...blockSizes].join(", ")}); prefix keys are per block`);
  const replicaCount = config.pools.reduce((sum, pool) => sum + pool.replicas, 0);
  const maxReplicas = countLimits.replicas?.max ?? Infinity;
  if (replicaCount > maxReplicas) {
    // Reported at once: the checks below lay out one entry per replica.
    issues.push(`pools: ${replicaCount.toLocaleString("en-US")} replicas in all is above the limit of ${maxReplicas.toLocaleString("en-US")}; simulate a representative slice of the fleet`);
    throw new GoodputError("BAD_FILE", `${path}: bad scenario:\n  - ${issues.join("\n  - ")}`, { where: path, issues });
  }
  const maxRequests = countLimits.requests?.max ?? Infinity;
  if (config.requests !== undefined && config.requests > maxRequests) issues.push(`requests: ${config.requests.toLocaleString("en-US")} is above the limit of ${maxRequests.toLocaleString("en-US")} (${countLimits.requests?.why ?? ""})`);
  config.disturbances.failures.forEach((failure, index) => {
    if (failure.replica >= replicaCount) issues.push(`disturbances.failures.${index}.replica: ${failure.replica} does not exist (replicas are numbered 0–${replicaCount - 1} in pool order)`);
  });
  config.disturbances.slowdowns.forEach((slowdown, index) => {
    if (slowdown.replica >= replicaCount) issues.push(`disturbances.slowdowns.${index}.replica: ${slowdown.replica} does not exist (replicas are numbered 0–${replicaCount - 1} in pool order)`);
    if (slowdown.toSeconds <= slowdown.fromSeconds) issues.push(`disturbances.slowdowns.${index}: toSeconds ${slowdown.toSeconds} must be after fromSeconds ${slowdown.fromSeconds}`);
  });
  const placements = config.pools.flatMap((pool) => Array.from({ length: pool.replicas }, () => pool.name)).map((pool, index) => ({ index, pool }));
  const routers: [string, RouterConfig][] = [["policies.router", config.policies.router]];
  if (config.counterfactual) routers.push(["counterfactual.router", config.counterfactual.router]);
  if (config.design) routers.push(["design.treatment", config.design.treatment]);
  for (const [where, router] of routers) attempt(where, () => createRouter(router, placements));
  if (config.design && config.counterfactual && JSON.stringify(config.counterfactual.router) !== JSON.stringify(config.design.treatment)) {
    issues.push(`counterfactual.router: with a design the truth is all on policies.router vs all on design.treatment; counterfactual.router (${config.counterfactual.router.type}) must equal design.treatment (${config.design.treatment.type}) — make them the same or drop the design`);
  }
  if (config.design?.assignment.type === "pool-cluster" && config.pools.length < 2) {
    issues.push("design.assignment: pool-cluster randomization needs at least 2 pools (each pool is a cluster)");
  }
  const workload = config.workload;
  const trace = "trace" in workload ? (attempt("workload.trace", () => readTraceFile(resolve(options.baseDir, workload.trace), workload.format)) ?? null) : null;
  if (issues.length > 0) {
    throw new GoodputError("BAD_FILE", `${path}: bad scenario:\n  - ${issues.join("\n  - ")}`, { where: path, issues });
  }
  return { path, config, pools, replicaCount, trace };
}
