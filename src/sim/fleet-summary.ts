import type { FleetState } from "./fleet-state.js";
import type { ReplicaState } from "./fleet-types.js";
import type { SimulationSummary } from "./summary.js";

/** The run's summary so far: latency/goodput from the records, plus fleet-wide engine totals. */
export function summarizeFleet(state: FleetState): SimulationSummary {
  const { input, replicas } = state;
  const start = Number.isNaN(state.startSeconds) ? 0 : state.startSeconds;
  const span = Math.max(state.endSeconds - start, 1e-12);
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
    ...state.summary.result({
      arrivals: state.arrivals,
      unresolved: state.unresolved,
      spanSeconds: span,
      // Little's law: the mean number in the system is the time integral over the span.
      meanInSystem: state.areaSeconds / span,
      costUsd: replicaCostUsdPerSecond * span,
      preemptions,
      engineSteps: steps,
      busyFraction: busy / (span * Math.max(1, replicas.length)),
    }),
    prefixCacheHitRate: seen > 0 ? cached / seen : 0,
    offloadHitRate: seen > 0 ? offloaded / seen : 0,
  };
}

/** Each replica's true engine state, as a vLLM /metrics endpoint would expose it. */
export function replicaStates(state: FleetState): ReplicaState[] {
  return state.replicas.map((replica) => ({
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
}
