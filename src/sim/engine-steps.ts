import type { StepPlan } from "./engine/replica-engine.js";
import type { FleetState } from "./fleet-state.js";
import { endFlight } from "./record-attempt.js";

/** Starts the replica's next engine step if it is healthy, idle and has work; schedules its end. */
export function kick(state: FleetState, replicaIndex: number, now: number): void {
  const replica = state.replicas[replicaIndex];
  if (!replica || !replica.healthy || state.stepping[replicaIndex] === 1 || !replica.hasWork()) return;
  const plan = replica.planStep(now);
  if (plan === null) return;
  // A preempted sequence waits again: its queue-time limit applies afresh to this wait.
  const limit = state.poolOfReplica[replicaIndex]?.maxQueueSeconds;
  if (limit !== null && limit !== undefined) {
    for (const sequence of plan.preemptedSequences) {
      const flight = state.flights.get(sequence);
      if (flight) state.events.push(now + limit, { kind: "timeout", flight, episode: sequence.preemptions });
    }
  }
  state.stepping[replicaIndex] = 1;
  state.events.push(now + plan.durationSeconds, { kind: "step", replica: replicaIndex, epoch: state.epochs[replicaIndex] ?? 0, plan });
  state.input.onStep?.({ replica: replicaIndex, start_s: now, duration_s: plan.durationSeconds, composition: plan.composition, kv_used_blocks: replica.blocks.usedBlocks });
}

/** An engine step ends: tokens are reported, finished sequences get their records, the next step starts. */
export function completeStep(state: FleetState, replicaIndex: number, plan: StepPlan, now: number): void {
  const replica = state.replicas[replicaIndex];
  if (!replica) return;
  state.stepping[replicaIndex] = 0;
  const outcome = replica.completeStep(plan, now);
  const onToken = state.input.onToken;
  if (onToken) {
    for (const sequence of outcome.produced) {
      const flight = state.flights.get(sequence);
      if (flight) onToken(flight.request.id, flight.attempt, sequence.generatedTokens, now);
    }
  }
  for (const sequence of outcome.finished) {
    const flight = state.flights.get(sequence);
    if (!flight) continue;
    endFlight(state, flight, now, "ok", 200);
  }
  kick(state, replicaIndex, now);
}
