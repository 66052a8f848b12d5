import { createRng, type Rng } from "../numeric/rng.js";
import { TenantAdmission } from "./admission.js";
import { BlockKeys } from "./block-keys.js";
import { ReplicaEngine } from "./engine/replica-engine.js";
import type { Sequence } from "./engine/sequence.js";
import { EventHeap } from "./event-heap.js";
import type { Assignment, InFlight, PoolSpec, SimEvent, SimulationInput } from "./fleet-types.js";
import { RouterViews } from "./router-views.js";
import type { Router } from "./routers/router.js";
import type { SimRequestSpec } from "./sim-request.js";
import { SummaryAccumulator } from "./summary.js";
import { SystemSeries } from "./system-series.js";
import { validatePools } from "./validate-pools.js";

/**
 * Everything one fleet simulation shares between its parts: the replicas, the routers and what
 * they see, the event queue, the attempts in flight and the run's counters. The parts (arrival,
 * engine steps, disturbances, records, summary) are plain functions over this one object.
 */
export interface FleetState {
  readonly input: SimulationInput;
  readonly replicas: readonly ReplicaEngine[];
  readonly poolOfReplica: readonly PoolSpec[];
  /** routers[policy][copy]: independent router replicas, each seeing only its own decisions. */
  readonly routers: readonly (readonly Router[])[];
  readonly routerRngs: readonly (readonly Rng[])[];
  /** Router-side in-flight counts per replica: outstanding[policy][copy][replica]. */
  readonly outstanding: readonly (readonly Int32Array[])[];
  readonly views: RouterViews;
  readonly admission: TenantAdmission;
  /** A replica's epoch rises when it fails, so step events planned before the failure are ignored. */
  readonly epochs: Int32Array;
  /** 1 while a replica has a step scheduled. */
  readonly stepping: Uint8Array;
  readonly blockKeys: BlockKeys;
  readonly events: EventHeap<SimEvent>;
  readonly summary: SummaryAccumulator;
  readonly series: SystemSeries;
  readonly flights: Map<Sequence, InFlight>;
  readonly experiment: { readonly experiment: string | null; readonly case: string | null; readonly profile: string | null };
  readonly assign: (request: SimRequestSpec) => Assignment;
  readonly source: { open: boolean };
  /** Every arriving request is counted; `unresolved` are those without a final record yet. */
  arrivals: number;
  unresolved: number;
  /** Little's law bookkeeping: attempts in the system and the time integral of that count. */
  inSystem: number;
  areaSeconds: number;
  clockSeconds: number;
  startSeconds: number;
  /** Time of the last arrival, step or drop: the end of the measured span. */
  endSeconds: number;
}

/** Builds the replicas, routers and queues for `input` (validated); nothing is scheduled yet. */
export function createFleetState(input: SimulationInput): FleetState {
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
  return {
    input,
    replicas,
    poolOfReplica,
    routers,
    routerRngs,
    outstanding: routers.map((copies) => copies.map(() => new Int32Array(replicas.length))),
    views: new RouterViews(replicas, routers, input.signalRefreshSeconds),
    admission: new TenantAdmission(input.admission),
    epochs: new Int32Array(replicas.length),
    stepping: new Uint8Array(replicas.length),
    blockKeys: new BlockKeys(input.pools[0]?.engine.blockSizeTokens ?? 16),
    events: new EventHeap<SimEvent>(),
    summary: new SummaryAccumulator(input.keepLatencySamples ?? true),
    series: new SystemSeries(replicas.length),
    flights: new Map(),
    experiment: input.experiment ?? { experiment: null, case: null, profile: null },
    assign: input.assign ?? ((): Assignment => ({ policyIndex: 0, arm: null, unit: null, block: null })),
    source: { open: true },
    arrivals: 0,
    unresolved: 0,
    inSystem: 0,
    areaSeconds: 0,
    clockSeconds: 0,
    startSeconds: NaN,
    endSeconds: 0,
  };
}

/** Moves the clock to `now`, integrating attempts-in-system over the elapsed time. */
export function advanceClock(state: FleetState, now: number): void {
  state.areaSeconds += state.inSystem * (now - state.clockSeconds);
  state.clockSeconds = now;
}
