import { GoodputError } from "../../errors.js";
import type { TraceWorkloadConfig } from "../scenario/scenario-schema.js";
import type { RequestSource } from "../sim-request.js";
import { createRequestStream } from "./generate-requests.js";
import type { ParsedTrace } from "./trace-parse.js";
import { createTraceReplay, type TraceWindow } from "./trace-replay.js";
import type { WorkloadConfig } from "./workload-schema.js";

/** Requests a generated workload emits when neither the scenario nor --requests says. */
export const defaultGeneratedRequests = 1000;

export const isTraceWorkload = (workload: WorkloadConfig | TraceWorkloadConfig): workload is TraceWorkloadConfig => "trace" in workload;

/**
 * The request source of one run of a scenario: the generated workload (seeded), or the parsed trace
 * replayed at its speed and window (the trace decides arrivals and lengths; `requests` only caps it).
 * Overrides (CLI flags) replace the scenario's speed and window.
 */
export function scenarioRequests(
  workload: WorkloadConfig | TraceWorkloadConfig,
  trace: ParsedTrace | null,
  options: { readonly seed: number; readonly requests: number | undefined; readonly traceSpeed?: number | undefined; readonly traceWindow?: TraceWindow | undefined },
): RequestSource {
  if (!isTraceWorkload(workload)) {
    if (options.traceSpeed !== undefined || options.traceWindow !== undefined) throw new GoodputError("BAD_USAGE", "--trace-speed and --trace-window apply to a trace workload (workload: { trace: FILE, format: … }); this scenario generates its requests.");
    return createRequestStream(workload, { seed: options.seed, requests: options.requests ?? defaultGeneratedRequests });
  }
  if (trace === null) throw new Error("scenarioRequests: a trace workload needs the parsed trace");
  const window = options.traceWindow ?? workload.window ?? null;
  return createTraceReplay(trace, { speed: options.traceSpeed ?? workload.speed, window, maxRequests: options.requests, longPromptTokens: workload.longPromptTokens });
}
