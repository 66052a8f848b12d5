/**
 * The fleet simulation's vocabulary: its input, its handle, and the internal events and
 * attempts the event loop passes between admission, routing, engine steps and records.
 */
import type { Deployment } from "../physics/deployment.js";
import type { StepTimeProfile } from "../physics/step-time-profile.js";
import type { SloGates } from "../slo/slo-gates.js";
import type { EngineConfig, StepPlan } from "./engine/replica-engine.js";
import type { Sequence } from "./engine/sequence.js";
import type { RequestRecord } from "./log/request-record.js";
import type { ReplicaSignals, Router, RouterDecision } from "./routers/router.js";
import type { RequestSource, SimRequestSpec } from "./sim-request.js";
import type { SimulationSummary } from "./summary.js";
import type { SeriesRow } from "./system-series.js";

export type { SloGates, SeriesRow };

export interface PoolSpec {
  readonly name: string;
  readonly replicas: number;
  readonly deployment: Deployment;
  readonly profile: StepTimeProfile;
  readonly engine: EngineConfig;
  readonly priceUsdPerGpuHour: number;
  /** Drop a request that has waited this long without being scheduled; null = never. */
  readonly maxQueueSeconds: number | null;
  /** Probability a finished response passes the quality gate (1 = no gate). */
  readonly qualityPassProbability: number;
}

export interface Disturbances {
  readonly failures: readonly { readonly replica: number; readonly atSeconds: number; readonly recoverAfterSeconds: number }[];
  readonly slowdowns: readonly { readonly replica: number; readonly fromSeconds: number; readonly toSeconds: number; readonly factor: number }[];
  /** Client retries of failed, dropped or rejected attempts with exponential backoff. */
  readonly retries: { readonly maxAttempts: number; readonly backoffSeconds: number } | null;
}

export interface AdmissionLimit {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/** A policy the fleet can run: a router factory (one router per router replica). */
export interface PolicySpec {
  readonly name: string;
  readonly version: string;
  readonly createRouter: (replicas: readonly { readonly index: number; readonly pool: string }[]) => Router;
}

/** Which policy serves a request, and how the design recorded the assignment. */
export interface Assignment {
  readonly policyIndex: number;
  readonly arm: string | null;
  readonly unit: string | null;
  readonly block: number | null;
}

export interface SimulationInput {
  readonly runId: string;
  /**
   * Keep every latency value for exact summary percentiles (8 bytes each; default true). An online
   * simulation that runs indefinitely (serve) passes false: its memory stays bounded and its
   * percentiles come from the Prometheus histograms.
   */
  readonly keepLatencySamples?: boolean;
  readonly seed: number;
  readonly pools: readonly PoolSpec[];
  readonly requests: RequestSource;
  readonly policies: readonly PolicySpec[];
  /** Assignment design; default: everyone on policy 0. */
  readonly assign?: (request: SimRequestSpec) => Assignment;
  /** Independent router replicas, each seeing only its own decisions (requests spread round-robin). */
  readonly routerReplicas: number;
  /** How stale the routers' engine signals are: refreshed every this many seconds (0 = always fresh). */
  readonly signalRefreshSeconds: number;
  readonly slo: SloGates;
  readonly disturbances: Disturbances;
  readonly admission: Readonly<Record<string, AdmissionLimit>>;
  /** Emit the system series every this many simulated seconds (0 = off). */
  readonly seriesIntervalSeconds: number;
  readonly experiment?: { readonly experiment: string | null; readonly case: string | null; readonly profile: string | null };
  readonly onRecord: (record: RequestRecord) => void;
  readonly onSeries?: (row: SeriesRow) => void;
  readonly onStep?: (step: StepTrace) => void;
  /** Called whenever a request's attempt samples a token (for real-time serving). */
  readonly onToken?: (requestId: number, attempt: number, generatedTokens: number, nowSeconds: number) => void;
}

/** One engine step as it ran (for the step-time check and debugging). */
export interface StepTrace {
  readonly replica: number;
  readonly start_s: number;
  readonly duration_s: number;
  readonly composition: StepPlan["composition"];
  /** KV blocks referenced by live sequences once the step's blocks were allocated. */
  readonly kv_used_blocks: number;
}

export type SimEvent =
  | { readonly kind: "arrival"; readonly request: SimRequestSpec; readonly attempt: number; readonly fromSource: boolean }
  | { readonly kind: "step"; readonly replica: number; readonly epoch: number; readonly plan: StepPlan }
  | { readonly kind: "timeout"; readonly flight: InFlight; readonly episode: number }
  | { readonly kind: "fail"; readonly replica: number; readonly recoverAfterSeconds: number }
  | { readonly kind: "recover"; readonly replica: number }
  | { readonly kind: "slowdown"; readonly replica: number; readonly factor: number }
  | { readonly kind: "series" };

/** One attempt of a request, from arrival to its record. */
export interface Attempt {
  readonly request: SimRequestSpec;
  readonly attempt: number;
  readonly arrivalSeconds: number;
  readonly assignment: Assignment;
  readonly routerCopy: number;
}

export interface InFlight extends Attempt {
  readonly sequence: Sequence;
  readonly replica: number;
  readonly decision: RouterDecision;
  readonly signals: ReplicaSignals | null;
  readonly incident: boolean;
  done: boolean;
}

/** A simulation that runs in slices, so a shell can yield to its event loop (Ctrl-C) between them. */
export interface FleetSimulation {
  /** Processes up to `maxEvents` events; returns true when the run is complete. */
  advance(maxEvents: number): boolean;
  /** Processes every event at or before `simSeconds` (real-time serving); returns events processed. */
  advanceUntil(simSeconds: number): number;
  /** Time of the next pending event, Infinity when none. */
  nextEventSeconds(): number;
  /** Adds a request that arrives at its arrivalSeconds (must not be in the simulated past). */
  inject(request: SimRequestSpec): void;
  /**
   * Aborts a request whose client went away, at `nowSeconds` (events up to then are run first):
   * its sequence leaves the engine, freeing its batch slot and KV blocks, and its record is written
   * with status "incomplete". Returns false when the request is not in flight (finished or unknown).
   */
  cancel(requestId: number, nowSeconds: number): boolean;
  /** Engine signals per replica right now (for a server's /metrics). */
  replicaStates(): readonly ReplicaState[];
  /** The summary of everything simulated so far. */
  finish(): SimulationSummary;
}

/** A replica's true engine state, as a vLLM /metrics endpoint would expose it. */
export interface ReplicaState {
  readonly index: number;
  readonly pool: string;
  readonly running: number;
  readonly waiting: number;
  readonly kvUtilization: number;
  readonly preemptions: number;
  readonly promptTokens: number;
  readonly promptTokensFromCache: number;
  readonly promptTokensFromOffload: number;
  readonly healthy: boolean;
}

