import { kick } from "./engine-steps.js";
import { runEvents, scheduleInitialEvents } from "./fleet-events.js";
import { advanceClock, createFleetState, type FleetState } from "./fleet-state.js";
import { replicaStates, summarizeFleet } from "./fleet-summary.js";
import type { FleetSimulation, SimulationInput } from "./fleet-types.js";
import { endFlight } from "./record-attempt.js";
import type { SimRequestSpec } from "./sim-request.js";
import type { SimulationSummary } from "./summary.js";

export type { AdmissionLimit, Assignment, Disturbances, FleetSimulation, PolicySpec, PoolSpec, ReplicaState, SimulationInput, SloGates, StepTrace } from "./fleet-types.js";
export type { SeriesRow } from "./system-series.js";

/**
 * Runs a fleet of replicas fed by a workload and steered by routing policies, as a deterministic
 * discrete-event simulation (docs/design.md §4). Records stream out through `onRecord` as attempts end;
 * nothing about finished requests is retained, so memory does not grow with the run.
 *
 * The parts: admission (admission.ts), routing on a stale view (route-arrival.ts,
 * router-views.ts), engine steps (engine-steps.ts), events and disturbances (fleet-events.ts),
 * records and retries (record-attempt.ts), the summary (fleet-summary.ts), all over one
 * FleetState (fleet-state.ts).
 */
export function simulateFleet(input: SimulationInput): SimulationSummary {
  const simulation = startFleetSimulation(input);
  simulation.advance(Infinity);
  return simulation.finish();
}

/** Sets up a simulation without running it; see simulateFleet for the model. */
export function startFleetSimulation(input: SimulationInput): FleetSimulation {
  const state = createFleetState(input);
  scheduleInitialEvents(state);
  const advanceUntil = (simSeconds: number): number => {
    let processed = 0;
    while (state.events.peekTime() <= simSeconds) {
      runEvents(state, 1);
      processed++;
    }
    return processed;
  };
  return {
    advance: (maxEvents) => runEvents(state, maxEvents),
    advanceUntil,
    nextEventSeconds: () => state.events.peekTime(),
    inject: (request) => { inject(state, request); },
    cancel: (requestId, nowSeconds) => {
      advanceUntil(nowSeconds);
      return cancel(state, requestId, Math.max(nowSeconds, state.clockSeconds));
    },
    replicaStates: () => replicaStates(state),
    finish: () => summarizeFleet(state),
  };
}

function inject(state: FleetState, request: SimRequestSpec): void {
  if (request.arrivalSeconds < state.clockSeconds) {
    throw new Error(`inject: request ${request.id} arrives at ${request.arrivalSeconds} s, before the simulated clock (${state.clockSeconds} s)`);
  }
  state.events.push(request.arrivalSeconds, { kind: "arrival", request, attempt: 1, fromSource: false });
}

/** A client went away: its sequence leaves the engine (freeing batch slot and KV) and is logged "incomplete". */
function cancel(state: FleetState, requestId: number, now: number): boolean {
  for (const flight of state.flights.values()) {
    if (flight.request.id !== requestId) continue;
    advanceClock(state, now);
    state.replicas[flight.replica]?.abort(flight.sequence);
    endFlight(state, flight, now, "incomplete", null);
    kick(state, flight.replica, now);
    return true;
  }
  return false;
}
