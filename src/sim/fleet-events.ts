import { completeStep, kick } from "./engine-steps.js";
import { advanceClock, type FleetState } from "./fleet-state.js";
import type { InFlight, SimEvent } from "./fleet-types.js";
import { endFlight } from "./record-attempt.js";
import { onArrival, pullArrival } from "./route-arrival.js";

/** Processes up to `maxEvents` events in time order; returns true when none are left. */
export function runEvents(state: FleetState, maxEvents: number): boolean {
  const { events } = state;
  let processed = 0;
  for (let event = processed < maxEvents ? events.pop() : undefined; event !== undefined; event = ++processed < maxEvents ? events.pop() : undefined) {
    advanceClock(state, event.timeSeconds);
    dispatch(state, event.payload, event.timeSeconds);
  }
  return events.size === 0;
}

/** Schedules the run's fixed events: failures, slowdowns, the first arrival and the first series row. */
export function scheduleInitialEvents(state: FleetState): void {
  const { input, events } = state;
  for (const failure of input.disturbances.failures) events.push(failure.atSeconds, { kind: "fail", replica: failure.replica, recoverAfterSeconds: failure.recoverAfterSeconds });
  for (const slowdown of input.disturbances.slowdowns) {
    events.push(slowdown.fromSeconds, { kind: "slowdown", replica: slowdown.replica, factor: slowdown.factor });
    events.push(slowdown.toSeconds, { kind: "slowdown", replica: slowdown.replica, factor: 1 });
  }
  pullArrival(state);
  if (input.seriesIntervalSeconds > 0 && input.onSeries) events.push(input.seriesIntervalSeconds, { kind: "series" });
}

function dispatch(state: FleetState, payload: SimEvent, now: number): void {
  switch (payload.kind) {
    case "arrival":
      if (payload.fromSource) pullArrival(state);
      onArrival(state, payload.request, payload.attempt, now);
      state.endSeconds = now;
      break;
    case "step":
      if (payload.epoch === state.epochs[payload.replica]) completeStep(state, payload.replica, payload.plan, now);
      state.endSeconds = now;
      break;
    case "timeout":
      onTimeout(state, payload.flight, payload.episode, now);
      break;
    case "fail":
      onFail(state, payload.replica, payload.recoverAfterSeconds, now);
      break;
    case "recover": {
      const replica = state.replicas[payload.replica];
      if (replica) replica.healthy = true;
      kick(state, payload.replica, now);
      break;
    }
    case "slowdown": {
      const replica = state.replicas[payload.replica];
      if (replica) replica.slowdownFactor = payload.factor;
      break;
    }
    case "series":
      onSeries(state, now);
      break;
  }
}

/** A queue-time limit expires: the attempt is dropped if it is still waiting in that wait episode. */
function onTimeout(state: FleetState, flight: InFlight, episode: number, now: number): void {
  const replica = state.replicas[flight.replica];
  if (!flight.done && replica?.dropIfWaiting(flight.sequence, episode)) {
    endFlight(state, flight, now, "dropped", 503, "queue_timeout");
    state.endSeconds = now;
  }
}

/** A replica fails: its step in progress is void, every attempt on it errors, recovery is scheduled. */
function onFail(state: FleetState, replicaIndex: number, recoverAfterSeconds: number, now: number): void {
  const replica = state.replicas[replicaIndex];
  if (!replica) return;
  replica.healthy = false;
  state.epochs[replicaIndex] = (state.epochs[replicaIndex] ?? 0) + 1;
  state.stepping[replicaIndex] = 0;
  for (const sequence of replica.evacuate()) {
    const flight = state.flights.get(sequence);
    if (!flight || flight.done) continue;
    endFlight(state, flight, now, "error", 503, "replica_failed");
  }
  state.events.push(now + recoverAfterSeconds, { kind: "recover", replica: replicaIndex });
}

function onSeries(state: FleetState, now: number): void {
  const { input, events } = state;
  if (input.onSeries) state.series.emit(now, state.replicas, input.seriesIntervalSeconds, input.onSeries);
  // Only while something else is pending: a series over a state that cannot change would never end.
  const busy = (state.source.open || state.inSystem > 0) && events.size > 0;
  if (busy) events.push(now + input.seriesIntervalSeconds, { kind: "series" });
}
