import type { Deployment } from "../physics/deployment.js";
import type { StepTimeProfile } from "../physics/step-time-profile.js";
import { BlockKeys } from "./block-keys.js";
import { ReplicaEngine, type EngineConfig, type StepPlan } from "./engine/replica-engine.js";
import { Sequence } from "./engine/sequence.js";
import { EventHeap } from "./event-heap.js";
import type { RequestRecord, RequestStatus } from "./log/request-record.js";
import { createRng } from "../numeric/rng.js";
import type { ReplicaSignals, RoutedRequest, Router, RouterDecision } from "./routers/router.js";
import type { RequestSource, SimRequestSpec } from "./sim-request.js";
import { SummaryAccumulator, type SimulationSummary } from "./summary.js";
import { SystemSeries, type SeriesRow } from "./system-series.js";
import { buildRequestRecord } from "./build-request-record.js";
import { validatePools } from "./validate-pools.js";

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

import type { SloGates } from "../slo/slo-gates.js";
export type { SloGates };

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

export type { SeriesRow } from "./system-series.js";

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

type SimEvent =
  | { readonly kind: "arrival"; readonly request: SimRequestSpec; readonly attempt: number; readonly fromSource: boolean }
  | { readonly kind: "step"; readonly replica: number; readonly epoch: number; readonly plan: StepPlan }
  | { readonly kind: "timeout"; readonly flight: InFlight; readonly episode: number }
  | { readonly kind: "fail"; readonly replica: number; readonly recoverAfterSeconds: number }
  | { readonly kind: "recover"; readonly replica: number }
  | { readonly kind: "slowdown"; readonly replica: number; readonly factor: number }
  | { readonly kind: "series" };

/** One attempt of a request, from arrival to its record. */
interface Attempt {
  readonly request: SimRequestSpec;
  readonly attempt: number;
  readonly arrivalSeconds: number;
  readonly assignment: Assignment;
  readonly routerCopy: number;
}

interface InFlight extends Attempt {
  readonly sequence: Sequence;
  readonly replica: number;
  readonly decision: RouterDecision;
  readonly signals: ReplicaSignals | null;
  readonly incident: boolean;
  done: boolean;
}

/**
 * Runs a fleet of replicas fed by a workload and steered by routing policies, as a deterministic
 * discrete-event simulation (SPEC §4). Records stream out through `onRecord` as attempts end;
 * nothing about finished requests is retained, so memory does not grow with the run.
 */
export function simulateFleet(input: SimulationInput): SimulationSummary {
  const simulation = startFleetSimulation(input);
  simulation.advance(Infinity);
  return simulation.finish();
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

/** Sets up a simulation without running it; see simulateFleet for the model. */
export function startFleetSimulation(input: SimulationInput): FleetSimulation {
  validatePools(input.pools);
  const replicas: ReplicaEngine[] = [];
  const poolOfReplica: PoolSpec[] = [];
  for (const pool of input.pools) {
    for (let copy = 0; copy < pool.replicas; copy++) {
      replicas.push(new ReplicaEngine(replicas.length, pool.name, pool.deployment, pool.profile, pool.engine));
      poolOfReplica.push(pool);
    }
  }
  const replicaMeta = replicas.map((replica) => ({ index: replica.index, pool: replica.pool }));
  const routers = input.policies.map((policy) => Array.from({ length: input.routerReplicas }, () => policy.createRouter(replicaMeta)));
  const routerRngs = input.policies.map((_, index) => Array.from({ length: input.routerReplicas }, (_unused, copy) => createRng(input.seed, `router/${index}/${copy}`)));
  // Router-side in-flight counts: each router replica knows only its own decisions.
  const outstanding = routers.map((copies) => copies.map(() => new Int32Array(replicas.length)));
  const routedInWindow = new Float64Array(replicas.length);
  const epochs = new Int32Array(replicas.length);
  const stepping = new Uint8Array(replicas.length);
  const blockKeys = new BlockKeys(input.pools[0]?.engine.blockSizeTokens ?? 16);
  const events = new EventHeap<SimEvent>();
  const summary = new SummaryAccumulator(input.keepLatencySamples ?? true);
  const buckets = new Map<string, { tokens: number; lastSeconds: number }>();
  const experiment = input.experiment ?? { experiment: null, case: null, profile: null };
  const assign = input.assign ?? ((): Assignment => ({ policyIndex: 0, arm: null, unit: null, block: null }));

  /** A replica's signals as a router reads them; mutable here so views are refilled, not reallocated. */
  type MutableSignals = { -readonly [Key in keyof ReplicaSignals]: ReplicaSignals[Key] };
  const blankSignals = (replica: ReplicaEngine): MutableSignals => ({
    index: replica.index, pool: replica.pool, healthy: true, queueDepth: 0, running: 0, outstanding: 0, kvUtilization: 0, kvTotalBlocks: replica.blocks.totalBlocks, queuedPrefillTokens: 0, recentRequestsPerSecond: 0,
  });
  const readSignals = (replica: ReplicaEngine, into: MutableSignals): void => {
    into.healthy = replica.healthy;
    into.queueDepth = replica.queueDepth;
    into.running = replica.runningCount;
    into.kvUtilization = replica.kvUtilization;
    into.queuedPrefillTokens = replica.queuedPrefillTokens;
    into.recentRequestsPerSecond = input.signalRefreshSeconds > 0 ? (routedInWindow[replica.index] ?? 0) / input.signalRefreshSeconds : 0;
  };
  // One view per router replica, refilled at each decision; a flight keeps a copy of its replica's row.
  const views = routers.map((copies) => copies.map(() => replicas.map(blankSignals)));
  const snapshot = replicas.map(blankSignals);
  let snapshotSeconds = -Infinity;
  const viewFor = (policy: number, copy: number, now: number): readonly ReplicaSignals[] => {
    const own = outstanding[policy]?.[copy];
    const view = views[policy]?.[copy] ?? [];
    if (input.signalRefreshSeconds <= 0) {
      for (const replica of replicas) {
        const row = view[replica.index];
        if (!row) continue;
        readSignals(replica, row);
        row.outstanding = own?.[replica.index] ?? 0;
      }
      return view;
    }
    if (now - snapshotSeconds >= input.signalRefreshSeconds) {
      for (const replica of replicas) {
        const row = snapshot[replica.index];
        if (row) readSignals(replica, row);
      }
      snapshotSeconds = now;
      routedInWindow.fill(0);
    }
    // Engine signals are as stale as the last scrape; the router's own in-flight counts are current.
    for (const stale of snapshot) {
      const row = view[stale.index];
      if (!row) continue;
      Object.assign(row, stale);
      row.outstanding = own?.[stale.index] ?? 0;
    }
    return view;
  };

  // Every arriving request is counted; `unresolved` are those without a final record yet.
  let arrivals = 0;
  let unresolved = 0;
  // Little's law bookkeeping: the time integral of attempts in the system.
  let inSystem = 0;
  let areaSeconds = 0;
  let clockSeconds = 0;
  let startSeconds = NaN;
  const source = { open: true };
  const advanceClock = (now: number): void => {
    areaSeconds += inSystem * (now - clockSeconds);
    clockSeconds = now;
  };

  const pullArrival = (): void => {
    const request = source.open ? input.requests.next() : null;
    if (request === null) {
      source.open = false;
      return;
    }
    events.push(request.arrivalSeconds, { kind: "arrival", request, attempt: 1, fromSource: true });
  };

  const incidentNow = (): boolean => replicas.some((replica) => !replica.healthy || replica.slowdownFactor !== 1);

  /** Writes one attempt's record and schedules a client retry when the attempt failed. */
  const finishAttempt = (attempt: Attempt, now: number, status: RequestStatus, flight: InFlight | null, httpStatus: number | null, errorReason: string | null = null): void => {
    const { request } = attempt;
    const pool = flight ? (poolOfReplica[flight.replica] ?? null) : null;
    const retries = input.disturbances.retries;
    // A client does not retry a request the server refused as invalid (HTTP 400): it would fail again.
    const willRetry = status !== "ok" && httpStatus !== 400 && retries !== null && attempt.attempt < retries.maxAttempts;
    const record = buildRequestRecord({
      runId: input.runId,
      seed: input.seed,
      experiment,
      policy: input.policies[attempt.assignment.policyIndex] ?? null,
      request,
      attempt: attempt.attempt,
      arrivalSeconds: attempt.arrivalSeconds,
      assignment: attempt.assignment,
      flight: flight ? { replica: flight.replica, pool: replicas[flight.replica]?.pool ?? null, sequence: flight.sequence, decision: flight.decision, signals: flight.signals, incident: flight.incident } : null,
      poolSpec: pool,
      status,
      httpStatus,
      errorReason,
      nowSeconds: now,
      slo: input.slo,
    });
    summary.add(record, !willRetry, now);
    if (!willRetry) unresolved--;
    input.onRecord(record);
    if (willRetry) {
      const backoff = retries.backoffSeconds * 2 ** (attempt.attempt - 1);
      events.push(now + backoff, { kind: "arrival", request, attempt: attempt.attempt + 1, fromSource: false });
    }
  };

  const kick = (replicaIndex: number, now: number): void => {
    const replica = replicas[replicaIndex];
    if (!replica || !replica.healthy || stepping[replicaIndex] === 1 || !replica.hasWork()) return;
    const plan = replica.planStep(now);
    if (plan === null) return;
    // A preempted sequence waits again: its queue-time limit applies afresh to this wait.
    const limit = poolOfReplica[replicaIndex]?.maxQueueSeconds;
    if (limit !== null && limit !== undefined) {
      for (const sequence of plan.preemptedSequences) {
        const flight = flights.get(sequence);
        if (flight) events.push(now + limit, { kind: "timeout", flight, episode: sequence.preemptions });
      }
    }
    stepping[replicaIndex] = 1;
    events.push(now + plan.durationSeconds, { kind: "step", replica: replicaIndex, epoch: epochs[replicaIndex] ?? 0, plan });
    input.onStep?.({ replica: replicaIndex, start_s: now, duration_s: plan.durationSeconds, composition: plan.composition, kv_used_blocks: replica.blocks.usedBlocks });
  };

  const leave = (flight: InFlight): void => {
    flight.done = true;
    const counts = outstanding[flight.assignment.policyIndex]?.[flight.routerCopy];
    if (counts) counts[flight.replica] = (counts[flight.replica] ?? 1) - 1;
    inSystem--;
  };

  const admit = (tenant: string, now: number): boolean => {
    const limit = input.admission[tenant];
    if (!limit) return true;
    let bucket = buckets.get(tenant);
    if (!bucket) {
      bucket = { tokens: limit.burst, lastSeconds: now };
      buckets.set(tenant, bucket);
    }
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (now - bucket.lastSeconds) * limit.ratePerSecond);
    bucket.lastSeconds = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  const flights = new Map<Sequence, InFlight>();

  const onArrival = (request: SimRequestSpec, attemptNumber: number, now: number): void => {
    if (Number.isNaN(startSeconds)) startSeconds = now;
    if (attemptNumber === 1) {
      arrivals++;
      unresolved++;
    }
    const assignment = assign(request);
    const attempt: Attempt = { request, attempt: attemptNumber, arrivalSeconds: now, assignment, routerCopy: request.id % input.routerReplicas };
    inSystem++;
    if (!admit(request.tenant, now)) {
      inSystem--;
      finishAttempt(attempt, now, "rejected", null, 429, "rate_limited");
      return;
    }
    const policyRouters = routers[assignment.policyIndex];
    const router = policyRouters?.[attempt.routerCopy];
    const rng = routerRngs[assignment.policyIndex]?.[attempt.routerCopy];
    if (!router || !rng) throw new Error(`no router for policy ${assignment.policyIndex}`);
    const view = viewFor(assignment.policyIndex, attempt.routerCopy, now);
    const engineKey = blockKeys.engineKeys(request);
    let promptKeys: number[] | undefined;
    const routed: RoutedRequest = {
      id: request.id,
      promptTokens: request.promptTokens,
      outputTokens: request.outputTokens,
      tenant: request.tenant,
      tier: request.tier,
      latencySensitive: request.latencySensitive,
      userId: request.userId,
      sessionId: request.sessionId,
      prefixGroup: request.prefixGroup,
      // Built on first read: most routers never look at block keys.
      get blockKeys(): readonly number[] {
        promptKeys ??= blockKeys.promptKeys(request, engineKey);
        return promptKeys;
      },
      blockSizeTokens: blockKeys.blockSizeTokens,
    };
    const decision = router.route(routed, view, rng);
    router.observe?.(routed, decision.replica);
    const replica = replicas[decision.replica];
    if (!replica) throw new Error(`router ${router.name} chose replica ${decision.replica} of ${replicas.length}`);
    const sequence = new Sequence(request.id, request.promptTokens, request.outputTokens, engineKey, now);
    const chosenSignals = view[decision.replica];
    const flight: InFlight = {
      request, attempt: attemptNumber, arrivalSeconds: now, assignment, routerCopy: attempt.routerCopy,
      sequence, replica: decision.replica, decision, signals: chosenSignals ? { ...chosenSignals } : null, incident: incidentNow(), done: false,
    };
    const counts = outstanding[assignment.policyIndex]?.[attempt.routerCopy];
    if (counts) counts[decision.replica] = (counts[decision.replica] ?? 0) + 1;
    routedInWindow[decision.replica] = (routedInWindow[decision.replica] ?? 0) + 1;
    if (!replica.healthy) {
      // The router's stale view sent it to a replica that is down: the attempt fails at once.
      leave(flight);
      finishAttempt(attempt, now, "error", flight, 503, "replica_down");
      return;
    }
    const refusal = replica.refusalReason(request.promptTokens, request.outputTokens);
    if (refusal !== null) {
      leave(flight);
      finishAttempt(attempt, now, "rejected", flight, 400, refusal);
      return;
    }
    flights.set(sequence, flight);
    replica.enqueue(sequence);
    const pool = poolOfReplica[decision.replica];
    if (pool?.maxQueueSeconds !== null && pool?.maxQueueSeconds !== undefined) events.push(now + pool.maxQueueSeconds, { kind: "timeout", flight, episode: 0 });
    kick(decision.replica, now);
  };

  const onStep = (replicaIndex: number, plan: StepPlan, now: number): void => {
    const replica = replicas[replicaIndex];
    if (!replica) return;
    stepping[replicaIndex] = 0;
    const outcome = replica.completeStep(plan, now);
    if (input.onToken) {
      for (const sequence of outcome.produced) {
        const flight = flights.get(sequence);
        if (flight) input.onToken(flight.request.id, flight.attempt, sequence.generatedTokens, now);
      }
    }
    for (const sequence of outcome.finished) {
      const flight = flights.get(sequence);
      if (!flight) continue;
      flights.delete(sequence);
      leave(flight);
      finishAttempt(flight, now, "ok", flight, 200);
    }
    kick(replicaIndex, now);
  };

  const series = new SystemSeries(replicas.length);
  for (const failure of input.disturbances.failures) events.push(failure.atSeconds, { kind: "fail", replica: failure.replica, recoverAfterSeconds: failure.recoverAfterSeconds });
  for (const slowdown of input.disturbances.slowdowns) {
    events.push(slowdown.fromSeconds, { kind: "slowdown", replica: slowdown.replica, factor: slowdown.factor });
    events.push(slowdown.toSeconds, { kind: "slowdown", replica: slowdown.replica, factor: 1 });
  }
  pullArrival();
  if (input.seriesIntervalSeconds > 0 && input.onSeries) events.push(input.seriesIntervalSeconds, { kind: "series" });

  let endSeconds = 0;
  const advance = (maxEvents: number): boolean => {
    let processed = 0;
    for (let event = processed < maxEvents ? events.pop() : undefined; event !== undefined; event = ++processed < maxEvents ? events.pop() : undefined) {
      const now = event.timeSeconds;
      advanceClock(now);
      const payload = event.payload;
      switch (payload.kind) {
        case "arrival":
          if (payload.fromSource) pullArrival();
          onArrival(payload.request, payload.attempt, now);
          endSeconds = now;
          break;
        case "step":
          if (payload.epoch === epochs[payload.replica]) onStep(payload.replica, payload.plan, now);
          endSeconds = now;
          break;
        case "timeout": {
          const { flight } = payload;
          const replica = replicas[flight.replica];
          if (!flight.done && replica?.dropIfWaiting(flight.sequence, payload.episode)) {
            flights.delete(flight.sequence);
            leave(flight);
            finishAttempt(flight, now, "dropped", flight, 503, "queue_timeout");
            endSeconds = now;
          }
          break;
        }
        case "fail": {
          const replica = replicas[payload.replica];
          if (!replica) break;
          replica.healthy = false;
          epochs[payload.replica] = (epochs[payload.replica] ?? 0) + 1;
          stepping[payload.replica] = 0;
          for (const sequence of replica.evacuate()) {
            const flight = flights.get(sequence);
            if (!flight || flight.done) continue;
            flights.delete(sequence);
            leave(flight);
            finishAttempt(flight, now, "error", flight, 503, "replica_failed");
          }
          events.push(now + payload.recoverAfterSeconds, { kind: "recover", replica: payload.replica });
          break;
        }
        case "recover": {
          const replica = replicas[payload.replica];
          if (replica) replica.healthy = true;
          kick(payload.replica, now);
          break;
        }
        case "slowdown": {
          const replica = replicas[payload.replica];
          if (replica) replica.slowdownFactor = payload.factor;
          break;
        }
        case "series": {
          if (input.onSeries) series.emit(now, replicas, input.seriesIntervalSeconds, input.onSeries);
          // Only while something else is pending: a series over a state that cannot change would never end.
          const busy = (source.open || inSystem > 0) && events.size > 0;
          if (busy) events.push(now + input.seriesIntervalSeconds, { kind: "series" });
          break;
        }
      }
    }
    return events.size === 0;
  };

  const finish = (): SimulationSummary => {
    const start = Number.isNaN(startSeconds) ? 0 : startSeconds;
    const span = Math.max(endSeconds - start, 1e-12);
    const replicaCostUsdPerSecond = input.pools.reduce((sum, pool) => sum + (pool.replicas * pool.deployment.tensorParallel * pool.priceUsdPerGpuHour) / 3600, 0);
    let seen = 0;
    let cached = 0;
    let offloaded = 0;
    let busy = 0;
    let preemptions = 0;
    let steps = 0;
    for (const replica of replicas) {
      seen += replica.promptTokensSeen;
      cached += replica.promptTokensFromCache;
      offloaded += replica.promptTokensFromOffload;
      busy += replica.busySeconds;
      preemptions += replica.preemptions;
      steps += replica.steps;
    }
    return {
      ...summary.result({
        arrivals,
        unresolved,
        spanSeconds: span,
        meanInSystem: areaSeconds / span,
        costUsd: replicaCostUsdPerSecond * span,
        preemptions,
        engineSteps: steps,
        busyFraction: busy / (span * Math.max(1, replicas.length)),
      }),
      prefixCacheHitRate: seen > 0 ? cached / seen : 0,
      offloadHitRate: seen > 0 ? offloaded / seen : 0,
    };
  };
  const advanceUntil = (simSeconds: number): number => {
    let processed = 0;
    while (events.peekTime() <= simSeconds) {
      advance(1);
      processed++;
    }
    return processed;
  };
  const inject = (request: SimRequestSpec): void => {
    if (request.arrivalSeconds < clockSeconds) {
      throw new Error(`inject: request ${request.id} arrives at ${request.arrivalSeconds} s, before the simulated clock (${clockSeconds} s)`);
    }
    events.push(request.arrivalSeconds, { kind: "arrival", request, attempt: 1, fromSource: false });
  };
  const cancel = (requestId: number, nowSeconds: number): boolean => {
    advanceUntil(nowSeconds);
    const now = Math.max(nowSeconds, clockSeconds);
    for (const [sequence, flight] of flights) {
      if (flight.request.id !== requestId) continue;
      advanceClock(now);
      flights.delete(sequence);
      leave(flight);
      replicas[flight.replica]?.abort(sequence);
      finishAttempt(flight, now, "incomplete", flight, null);
      kick(flight.replica, now);
      return true;
    }
    return false;
  };
  const replicaStates = (): ReplicaState[] =>
    replicas.map((replica) => ({
      index: replica.index,
      pool: replica.pool,
      running: replica.runningCount,
      waiting: replica.queueDepth,
      kvUtilization: replica.kvUtilization,
      preemptions: replica.preemptions,
      promptTokens: replica.promptTokensSeen,
      promptTokensFromCache: replica.promptTokensFromCache,
      promptTokensFromOffload: replica.promptTokensFromOffload,
      healthy: replica.healthy,
    }));
  return { advance, advanceUntil, nextEventSeconds: () => events.peekTime(), inject, cancel, replicaStates, finish };
}
