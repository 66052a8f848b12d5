import { Sequence } from "./engine/sequence.js";
import { kick } from "./engine-steps.js";
import type { FleetState } from "./fleet-state.js";
import type { Attempt, InFlight } from "./fleet-types.js";
import { leave, recordAttempt } from "./record-attempt.js";
import type { RoutedRequest } from "./routers/router.js";
import type { SimRequestSpec } from "./sim-request.js";

/** Pulls the next request from the workload onto the event queue (closes the source at its end). */
export function pullArrival(state: FleetState): void {
  const request = state.source.open ? state.input.requests.next() : null;
  if (request === null) {
    state.source.open = false;
    return;
  }
  state.events.push(request.arrivalSeconds, { kind: "arrival", request, attempt: 1, fromSource: true });
}

/** An attempt arrives: admission, then its policy's router picks a replica, then the replica queues it. */
export function onArrival(state: FleetState, request: SimRequestSpec, attemptNumber: number, now: number): void {
  if (Number.isNaN(state.startSeconds)) state.startSeconds = now;
  if (attemptNumber === 1) {
    state.arrivals++;
    state.unresolved++;
  }
  const assignment = state.assign(request);
  const attempt: Attempt = { request, attempt: attemptNumber, arrivalSeconds: now, assignment, routerCopy: request.id % state.input.routerReplicas };
  state.inSystem++;
  if (!state.admission.admit(request.tenant, now)) {
    state.inSystem--;
    recordAttempt(state, attempt, now, "rejected", null, 429, "rate_limited");
    return;
  }
  const flight = route(state, attempt, now);
  const replica = state.replicas[flight.replica];
  if (!replica) throw new Error(`router chose replica ${flight.replica} of ${state.replicas.length}`);
  if (!replica.healthy) {
    // The router's stale view sent it to a replica that is down: the attempt fails at once.
    leave(state, flight);
    recordAttempt(state, attempt, now, "error", flight, 503, "replica_down");
    return;
  }
  const refusal = replica.refusalReason(request.promptTokens, request.outputTokens);
  if (refusal !== null) {
    leave(state, flight);
    recordAttempt(state, attempt, now, "rejected", flight, 400, refusal);
    return;
  }
  state.flights.set(flight.sequence, flight);
  replica.enqueue(flight.sequence);
  const pool = state.poolOfReplica[flight.replica];
  if (pool?.maxQueueSeconds !== null && pool?.maxQueueSeconds !== undefined) state.events.push(now + pool.maxQueueSeconds, { kind: "timeout", flight, episode: 0 });
  kick(state, flight.replica, now);
}

/** The attempt's router decides on its (possibly stale) view; the decision is counted as in flight. */
function route(state: FleetState, attempt: Attempt, now: number): InFlight {
  const { request, assignment, routerCopy } = attempt;
  const router = state.routers[assignment.policyIndex]?.[routerCopy];
  const rng = state.routerRngs[assignment.policyIndex]?.[routerCopy];
  if (!router || !rng) throw new Error(`no router for policy ${assignment.policyIndex}`);
  const counts = state.outstanding[assignment.policyIndex]?.[routerCopy];
  const view = state.views.viewFor(assignment.policyIndex, routerCopy, now, counts);
  const { blockKeys } = state;
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
  if (!state.replicas[decision.replica]) throw new Error(`router ${router.name} chose replica ${decision.replica} of ${state.replicas.length}`);
  const sequence = new Sequence(request.id, request.promptTokens, request.outputTokens, engineKey, now);
  const chosenSignals = view[decision.replica];
  const flight: InFlight = {
    request, attempt: attempt.attempt, arrivalSeconds: attempt.arrivalSeconds, assignment, routerCopy,
    sequence, replica: decision.replica, decision, signals: chosenSignals ? { ...chosenSignals } : null, incident: incidentNow(state), done: false,
  };
  if (counts) counts[decision.replica] = (counts[decision.replica] ?? 0) + 1;
  state.views.noteRouted(decision.replica);
  return flight;
}

function incidentNow(state: FleetState): boolean {
  return state.replicas.some((replica) => !replica.healthy || replica.slowdownFactor !== 1);
}
