import { buildRequestRecord } from "./build-request-record.js";
import type { FleetState } from "./fleet-state.js";
import type { Attempt, InFlight } from "./fleet-types.js";
import type { RequestStatus } from "./log/request-record.js";

/** Writes one attempt's record and schedules a client retry when the attempt failed. */
export function recordAttempt(state: FleetState, attempt: Attempt, now: number, status: RequestStatus, flight: InFlight | null, httpStatus: number | null, errorReason: string | null = null): void {
  const { input, replicas } = state;
  const { request } = attempt;
  const pool = flight ? (state.poolOfReplica[flight.replica] ?? null) : null;
  const retries = input.disturbances.retries;
  // A client does not retry a request the server refused as invalid (HTTP 400): it would fail again.
  const willRetry = status !== "ok" && httpStatus !== 400 && retries !== null && attempt.attempt < retries.maxAttempts;
  const record = buildRequestRecord({
    runId: input.runId,
    seed: input.seed,
    experiment: state.experiment,
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
  state.summary.add(record, !willRetry, now);
  if (!willRetry) state.unresolved--;
  input.onRecord(record);
  if (willRetry) {
    const backoff = retries.backoffSeconds * 2 ** (attempt.attempt - 1);
    state.events.push(now + backoff, { kind: "arrival", request, attempt: attempt.attempt + 1, fromSource: false });
  }
}

/** A routed attempt leaves the system: its router's in-flight count for the replica drops. */
export function leave(state: FleetState, flight: InFlight): void {
  flight.done = true;
  const counts = state.outstanding[flight.assignment.policyIndex]?.[flight.routerCopy];
  if (counts) counts[flight.replica] = (counts[flight.replica] ?? 1) - 1;
  state.inSystem--;
}

/** An in-flight attempt ends (finished, dropped, failed, cancelled): it leaves and its record is written. */
export function endFlight(state: FleetState, flight: InFlight, now: number, status: RequestStatus, httpStatus: number | null, errorReason: string | null = null): void {
  state.flights.delete(flight.sequence);
  leave(state, flight);
  recordAttempt(state, flight, now, status, flight, httpStatus, errorReason);
}
