import { GoodputError } from "../errors.js";
import { policyFor } from "../sim/policy-for.js";
import type { RequestRecord, RequestStatus } from "../sim/log/request-record.js";
import type { SimRequestSpec } from "../sim/sim-request.js";
import { startFleetSimulation, type FleetSimulation, type PolicySpec } from "../sim/simulate-fleet.js";
import { modelLimits, type ModelLimits } from "./model-limits.js";
import { driveOnWallClock } from "./wall-clock-driver.js";
import { ReplicaMetricsCollector, type ReplicaMetrics } from "./replica-metrics.js";
import type { ServeFleet } from "./serve-fleet.js";

/** A request as the server hands it to the simulated fleet. */
export interface ServedRequest {
  readonly model: string;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly userId: string;
  /** Prefix-cache keys of the prompt's full blocks (promptBlockKeys: chained hashes of its tokens). */
  readonly promptBlockKeys: readonly number[];
}

/** How a request ended in the simulator. */
export type ServedOutcome =
  | { readonly status: "ok"; readonly outputTokens: number; readonly cachedPromptTokens: number }
  | { readonly status: Exclude<RequestStatus, "ok">; readonly httpStatus: number };

/** Callbacks for one request; both may be called synchronously from `submit`. */
export interface ServedListener {
  /** The request has now generated `generatedTokens` tokens in all (called once per sampled token). */
  readonly onTokens: (generatedTokens: number) => void;
  readonly onEnd: (outcome: ServedOutcome) => void;
}

/** A long-lived online simulation driven by the wall clock. */
export interface RealtimeFleet {
  /** Served model ids, in pool order. */
  readonly models: readonly string[];
  limits(model: string): ModelLimits | undefined;
  /** Injects a request arriving now (simulated); returns its id. */
  submit(request: ServedRequest, listener: ServedListener): number;
  /** Current simulated time, seconds since start. */
  simSeconds(): number;
  /** Per-replica engine metrics and latency histograms, in fleet order. */
  metrics(): readonly ReplicaMetrics[];
  /**
   * Aborts a request whose client went away (vLLM aborts on disconnect): its batch slot and KV
   * blocks are freed now and its listener gets no further callbacks. False if it already ended.
   */
  cancel(requestId: number): boolean;
  /** Requests submitted and not yet ended (for soak checks: it must return to 0). */
  inFlight(): number;
  /** Stops the timer; pending requests get no further callbacks. */
  stop(): void;
}

export interface RealtimeFleetOptions {
  /** Simulated seconds per wall-clock second (10 = ten times faster than real time). */
  readonly timeScale: number;
  readonly seed: number;
  /** Monotonic wall clock in milliseconds. */
  readonly nowMs: () => number;
}

/** One policy per served model when a fleet serves several models, so a request only reaches its model's pool. */
function policiesFor(fleet: ServeFleet, models: readonly string[]): { policies: PolicySpec[]; policyOfModel: Map<string, number> } {
  if (models.length === 1) return { policies: [policyFor(fleet.router)], policyOfModel: new Map(models.map((model) => [model, 0])) };
  const policies: PolicySpec[] = [];
  const policyOfModel = new Map<string, number>();
  for (const model of models) {
    const pools = fleet.pools.filter((pool) => pool.deployment.model.id === model);
    const [only, ...others] = pools;
    if (only === undefined || others.length > 0) {
      throw new GoodputError("BAD_INPUT", `A multi-model fleet needs exactly one pool per model; model "${model}" is served by pools ${pools.map((pool) => pool.name).join(", ")} — merge them into one pool with more replicas.`);
    }
    policyOfModel.set(model, policies.length);
    policies.push(policyFor(fleet.router, only.name));
  }
  return { policies, policyOfModel };
}

/** What the server hears from the simulation. */
interface ServedSimulationHooks {
  readonly policyOf: (requestId: number) => number;
  readonly onToken: (requestId: number, generatedTokens: number, nowSeconds: number) => void;
  readonly onRecord: (record: RequestRecord) => void;
}

/** An online simulation of the fleet with no workload of its own: requests are injected as clients send them. */
function startServedSimulation(fleet: ServeFleet, seed: number, policies: readonly PolicySpec[], hooks: ServedSimulationHooks): FleetSimulation {
  return startFleetSimulation({
    runId: `serve-${fleet.name}`,
    // Serve never ends: bounded memory; latency percentiles come from /metrics' histograms.
    keepLatencySamples: false,
    seed,
    pools: fleet.pools,
    requests: { next: () => null },
    policies,
    assign: (request) => ({ policyIndex: hooks.policyOf(request.id), arm: null, unit: null, block: null }),
    routerReplicas: fleet.routerReplicas,
    signalRefreshSeconds: fleet.signalRefreshSeconds,
    slo: fleet.slo,
    // Retries are the real client's business: every request gets exactly one attempt.
    disturbances: { ...fleet.disturbances, retries: null },
    admission: fleet.admission,
    seriesIntervalSeconds: 0,
    onToken: (requestId, _attempt, generated, nowSeconds) => { hooks.onToken(requestId, generated, nowSeconds); },
    onRecord: hooks.onRecord,
  });
}

/** The simulator's view of a served request: one attempt, arriving now, keyed by its own block hashes. */
function servedRequestSpec(id: number, arrivalSeconds: number, request: ServedRequest): SimRequestSpec {
  return {
    id,
    arrivalSeconds,
    promptTokens: request.promptTokens,
    outputTokens: request.outputTokens,
    tenant: "default",
    tier: "standard",
    latencySensitive: true,
    userId: request.userId,
    sessionId: null,
    turn: 0,
    prefixGroup: null,
    prefixTokens: 0,
    historyTokens: 0,
    workloadClass: "served",
    preUsage: 0,
    promptBlockKeys: request.promptBlockKeys,
  };
}

/**
 * Starts an online FleetSimulation whose clock follows the wall clock × timeScale (driveOnWallClock:
 * one pending timer at the next simulated event, no busy loop).
 */
export function startRealtimeFleet(fleet: ServeFleet, options: RealtimeFleetOptions): RealtimeFleet {
  if (!(options.timeScale > 0) || !Number.isFinite(options.timeScale)) throw new GoodputError("BAD_INPUT", `timeScale must be a positive number, got ${options.timeScale}.`);
  const models = [...new Set(fleet.pools.map((pool) => pool.deployment.model.id))];
  const { policies, policyOfModel } = policiesFor(fleet, models);
  // Checked once at start: a context length the KV cache cannot hold is refused, as vLLM refuses to start.
  const limitsOfModel = new Map(models.map((model) => [model, modelLimits(fleet.pools.filter((pool) => pool.deployment.model.id === model), fleet.maxModelLenTokens ?? null)]));
  const listeners = new Map<number, ServedListener>();
  const policyOfRequest = new Map<number, number>();
  const replicaMeta = fleet.pools.flatMap((pool) => Array.from({ length: pool.replicas }, () => ({ model: pool.deployment.model.id, kvBlocks: pool.engine.kvBlocks })));
  const collector = new ReplicaMetricsCollector(replicaMeta.length);
  const simulation = startServedSimulation(fleet, options.seed, policies, {
    policyOf: (requestId) => policyOfRequest.get(requestId) ?? 0,
    onToken: (requestId, generated, nowSeconds) => {
      collector.onToken(requestId, nowSeconds);
      listeners.get(requestId)?.onTokens(generated);
    },
    onRecord: (record) => {
      collector.onRecord(record);
      const listener = listeners.get(record.request_id);
      listeners.delete(record.request_id);
      policyOfRequest.delete(record.request_id);
      if (!listener) return;
      if (record.status === "ok") listener.onEnd({ status: "ok", outputTokens: record.output_tokens, cachedPromptTokens: record.cached_prompt_tokens });
      else listener.onEnd({ status: record.status, httpStatus: record.http_status ?? 503 });
    },
  });
  const clock = driveOnWallClock(simulation, options);
  let stopped = false;

  let nextId = 0;
  const submit = (request: ServedRequest, listener: ServedListener): number => {
    const id = nextId++;
    const policyIndex = policyOfModel.get(request.model);
    if (policyIndex === undefined) throw new GoodputError("BAD_INPUT", `Model "${request.model}" is not served (served: ${models.join(", ")}).`);
    const spec = servedRequestSpec(id, clock.simSeconds(), request);
    listeners.set(id, listener);
    policyOfRequest.set(id, policyIndex);
    simulation.inject(spec);
    clock.wake();
    return id;
  };

  const cancel = (requestId: number): boolean => {
    if (stopped || !listeners.has(requestId)) return false;
    // The listener goes first: the abort's own record must not reach the client as an error.
    listeners.delete(requestId);
    const cancelled = simulation.cancel(requestId, clock.simSeconds());
    clock.wake();
    return cancelled;
  };

  return {
    models,
    limits: (model) => limitsOfModel.get(model),
    submit,
    simSeconds: () => clock.simSeconds(),
    metrics: () => collector.snapshot(simulation.replicaStates(), replicaMeta),
    cancel,
    inFlight: () => listeners.size,
    stop: () => {
      stopped = true;
      clock.stop();
      listeners.clear();
    },
  };
}
