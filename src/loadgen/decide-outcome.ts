import type { LoadOutcome } from "./load-result.js";

/** What the client saw of one request, before it is classified. */
export interface RequestObservation {
  readonly httpStatus: number | null;
  /** Body text of a non-2xx response (already redacted). */
  readonly httpBody: string;
  readonly abortKind: "timeout" | "cancelled" | null;
  readonly transportError: string | null;
  readonly streamError: string | null;
  readonly contentEvents: number;
  readonly finishReason: string | null;
  readonly timeoutMs: number;
  /** Why the stream's usage counts are impossible (check-usage.ts), or null. */
  readonly usageProblem: string | null;
}

/**
 * Classifies a request per docs/design.md §6: dropped for HTTP 503 (the server shed it: vLLM and `goodput
 * serve` answer 503 when the queue is full, the simulator's "dropped"); error for another non-2xx
 * status, an error JSON in the stream, a transport failure, no content event or impossible usage
 * counts; incomplete for a timeout, a cancellation or a stream that ended without finish_reason;
 * otherwise ok. An error the server reported wins over a later
 * timeout, and a timeout wins over the transport error the abort itself raises.
 */
export function decideOutcome(observation: RequestObservation): LoadOutcome {
  const { httpStatus } = observation;
  if (httpStatus === 503) return { status: "dropped", kind: "http-503", message: `HTTP 503${observation.httpBody ? `: ${observation.httpBody}` : ""}` };
  if (httpStatus !== null && (httpStatus < 200 || httpStatus > 299)) {
    return { status: "error", kind: "http", message: `HTTP ${httpStatus}${observation.httpBody ? `: ${observation.httpBody}` : ""}` };
  }
  if (observation.streamError !== null) return { status: "error", kind: "stream-error", message: observation.streamError };
  if (observation.abortKind === "timeout") return { status: "incomplete", kind: "timeout", message: `no complete response within ${observation.timeoutMs} ms` };
  if (observation.abortKind === "cancelled") return { status: "incomplete", kind: "cancelled", message: "cancelled: the run was stopped while the request was in flight" };
  if (observation.transportError !== null) return { status: "error", kind: "transport", message: observation.transportError };
  if (observation.contentEvents === 0) return { status: "error", kind: "no-content", message: "the stream carried no content event" };
  if (observation.finishReason === null) return { status: "incomplete", kind: "no-finish-reason", message: "the stream ended without a finish_reason" };
  if (observation.usageProblem !== null) return { status: "error", kind: "bad-usage", message: `${observation.usageProblem}; the output was counted with the client tokenizer instead` };
  return { status: "ok" };
}
