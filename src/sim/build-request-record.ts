import { requestLogSchemaVersion, type RequestRecord, type RequestStatus } from "./log/request-record.js";
import { hashUniform } from "../numeric/rng.js";
import type { ReplicaSignals, RouterDecision } from "./routers/router.js";
import type { Sequence } from "./engine/sequence.js";
import type { SimRequestSpec } from "./sim-request.js";
import { meetsSloGates, type SloGates } from "../slo/slo-gates.js";
import type { Assignment, PolicySpec, PoolSpec } from "./simulate-fleet.js";

/** Rounds to `digits` decimals (Math.round on the scaled value: toFixed is far slower per record). */
const roundTo = (value: number, digits: number): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};


export interface RecordInput {
  readonly runId: string;
  readonly seed: number;
  readonly experiment: { readonly experiment: string | null; readonly case: string | null; readonly profile: string | null };
  readonly policy: PolicySpec | null;
  readonly request: SimRequestSpec;
  readonly attempt: number;
  readonly arrivalSeconds: number;
  readonly assignment: Assignment;
  /** Where the attempt ran; null when it never reached a replica (rejected at admission). */
  readonly flight: {
    readonly replica: number;
    readonly pool: string | null;
    readonly sequence: Sequence;
    readonly decision: RouterDecision;
    readonly signals: ReplicaSignals | null;
    readonly incident: boolean;
  } | null;
  readonly poolSpec: PoolSpec | null;
  readonly status: RequestStatus;
  readonly httpStatus: number | null;
  readonly errorReason: string | null;
  readonly nowSeconds: number;
  readonly slo: SloGates;
}

/**
 * The canonical log row (docs/design.md §8) of one simulated attempt: TTFT and E2E from the attempt's
 * arrival, TPOT = (E2E − TTFT)/(N_out − 1), decision-time state from the router's view, the quality
 * draw from (seed, request, attempt) so every policy sees the same draw, GPU-seconds × TP priced.
 */
export function buildRequestRecord(input: RecordInput): RequestRecord {
  const { runId, seed, experiment, policy, request, attempt, arrivalSeconds, assignment, flight, poolSpec, status, httpStatus, errorReason, nowSeconds, slo } = input;
  const sequence = flight?.sequence ?? null;
  const firstToken = sequence && !Number.isNaN(sequence.firstTokenSeconds) ? sequence.firstTokenSeconds : null;
  const ttft = firstToken === null ? null : firstToken - arrivalSeconds;
  const e2e = status === "ok" ? nowSeconds - arrivalSeconds : null;
  const outputTokens = sequence?.generatedTokens ?? 0;
  const tpot = status === "ok" && ttft !== null && e2e !== null && outputTokens > 1 ? (e2e - ttft) / (outputTokens - 1) : null;
  const qualityPass = status === "ok" && poolSpec !== null && poolSpec.qualityPassProbability < 1 ? hashUniform(seed, request.id, attempt) < poolSpec.qualityPassProbability : null;
  const tensorParallel = poolSpec?.deployment.tensorParallel ?? 1;
  const gpuSeconds = (sequence?.gpuSeconds ?? 0) * tensorParallel;
  const decision = flight?.decision ?? null;
  const record: RequestRecord = {
    schema_version: requestLogSchemaVersion,
    run_id: runId,
    request_id: request.id,
    attempt,
    experiment: experiment.experiment,
    case: experiment.case,
    profile: experiment.profile,
    user_id: request.userId,
    session_id: request.sessionId,
    tenant: request.tenant,
    tier: request.tier,
    pool: flight?.pool ?? null,
    replica: flight ? flight.replica : null,
    time_block: assignment.block,
    arrival_s: arrivalSeconds,
    prompt_tokens: request.promptTokens,
    max_output_tokens: request.outputTokens,
    prefix_group: request.prefixGroup,
    prefix_tokens: request.prefixTokens,
    workload_class: request.workloadClass,
    latency_sensitive: request.latencySensitive,
    pre_usage: request.preUsage,
    state_queue_depth: flight?.signals?.queueDepth ?? null,
    state_running: flight?.signals?.running ?? null,
    state_kv_utilization: flight?.signals ? roundTo(flight.signals.kvUtilization, 6) : null,
    state_expected_cache_hit: null,
    state_capacity_pressure: flight?.signals && poolSpec ? roundTo((flight.signals.queueDepth + flight.signals.running) / poolSpec.engine.maxNumSeqs, 6) : null,
    state_incident: flight?.incident ?? false,
    policy: policy?.name ?? "unknown",
    policy_version: policy?.version ?? "0",
    arm: assignment.arm,
    assignment_unit: assignment.unit,
    intended_action: decision ? `replica-${decision.intendedReplica ?? decision.replica}` : null,
    propensity: decision ? decision.propensity : null,
    action_probabilities: decision?.candidateProbabilities ? JSON.stringify(decision.candidateProbabilities.map((p) => roundTo(p, 6))) : null,
    executed_action: flight && status !== "error" ? `replica-${flight.replica}` : null,
    fallback_reason: decision?.fallbackReason ?? null,
    status,
    http_status: httpStatus,
    error_reason: errorReason,
    dispatch_s: flight ? arrivalSeconds : null,
    first_token_s: firstToken,
    last_token_s: status === "ok" ? nowSeconds : null,
    queue_wait_s: sequence && !Number.isNaN(sequence.firstScheduledSeconds) ? sequence.firstScheduledSeconds - arrivalSeconds : null,
    ttft_s: ttft,
    tpot_s: tpot,
    e2e_s: e2e,
    output_tokens: outputTokens,
    cached_prompt_tokens: sequence?.cachedPromptTokens ?? 0,
    offload_cached_tokens: sequence?.offloadCachedTokens ?? 0,
    kv_load_s: sequence ? roundTo(sequence.kvLoadSeconds, 9) : 0,
    preemptions: sequence?.preemptions ?? 0,
    quality_pass: qualityPass,
    slo_met: status === "ok" ? meetsSloGates(slo, { ttftSeconds: ttft, tpotSeconds: tpot, e2eSeconds: e2e, outputTokens }) : false,
    gpu_seconds: gpuSeconds,
    cost_usd: (gpuSeconds * (poolSpec?.priceUsdPerGpuHour ?? 0)) / 3600,
  };
  return record;
}
