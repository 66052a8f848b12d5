import { requestLogSchemaVersion, type RequestRecord } from "../sim/log/request-record.js";
import type { LoadResult } from "./load-result.js";
import { computeRequestMetrics, hasSlo, meetsSlo, type SloGates } from "./request-metrics.js";

/** Where a record's times are measured from and what it is tagged with. */
export interface RecordContext {
  readonly runId: string;
  /** The run's time origin on the `now` clock (ms); record times are seconds since it. */
  readonly originMs: number;
  readonly slo: SloGates;
  /** The arm this run measures (`bench --arm NAME`), so two bench logs read as one A/B log; absent → null. */
  readonly arm?: string;
}

/**
 * A canonical record as the load generator writes it: GPU-seconds and cost are null, since a
 * client cannot see a request's share of the server's GPUs (bench states a run's cost in its
 * summary, from --gpu-price and --gpus).
 */
export type LoadRequestRecord = Omit<RequestRecord, "gpu_seconds" | "cost_usd"> & { readonly gpu_seconds: null; readonly cost_usd: null };

const _seconds = (ms: number | null, originMs = 0): number | null => (ms === null ? null : Math.round((ms - originMs) * 1000) / 1e6);
const _roundMs = (ms: number | null): number | null => (ms === null ? null : Math.round(ms * 1000) / 1000);

/**
 * The canonical request record (docs/design.md §8) of a load-generator request: arrival_s = t_sched,
 * dispatch_s = t0, first/last_token_s = first/last content event (seconds since the run origin);
 * ttft_s from t0 (also for a failed request that streamed content), tpot_s and e2e_s from t0 for
 * successful requests only (a partial stream's are not comparable). Fields a client cannot see (server state, policy,
 * GPU-seconds, cost) are null or neutral; arm is the run's --arm; case is "warmup" or "measured", profile the sweep point. A session turn carries its
 * session_id ("s" + the first turn's request id); the turn number is in the detail row (the
 * canonical record has no turn field), and prompt_tokens is the whole conversation sent.
 */
export function toRequestRecord(result: LoadResult, context: RecordContext): LoadRequestRecord {
  const metrics = computeRequestMetrics(result);
  const ok = result.outcome.status === "ok";
  return {
    schema_version: requestLogSchemaVersion,
    run_id: context.runId,
    request_id: result.requestId,
    attempt: 1,
    experiment: "bench",
    case: result.warmup ? "warmup" : "measured",
    profile: result.label === "" ? null : result.label,
    user_id: "loadgen",
    session_id: result.session?.sessionId ?? null,
    tenant: "default",
    tier: "standard",
    pool: null,
    replica: null,
    time_block: null,
    arrival_s: _seconds(result.scheduledMs, context.originMs) ?? 0,
    prompt_tokens: result.promptTokens,
    max_output_tokens: result.maxOutputTokens,
    prefix_group: result.prefixGroup,
    prefix_tokens: result.prefixTokens,
    workload_class: "bench",
    latency_sensitive: false,
    pre_usage: 0,
    state_queue_depth: null,
    state_running: null,
    state_kv_utilization: null,
    state_expected_cache_hit: null,
    state_capacity_pressure: null,
    state_incident: false,
    policy: "external",
    policy_version: "unknown",
    arm: context.arm ?? null,
    assignment_unit: null,
    intended_action: null,
    propensity: null,
    action_probabilities: null,
    executed_action: null,
    fallback_reason: null,
    status: result.outcome.status,
    http_status: result.httpStatus,
    dispatch_s: _seconds(result.sentMs, context.originMs),
    first_token_s: _seconds(result.firstContentMs, context.originMs),
    last_token_s: _seconds(result.lastContentMs, context.originMs),
    queue_wait_s: null,
    ttft_s: _seconds(metrics.ttftMs),
    tpot_s: ok ? _seconds(metrics.tpotMs) : null,
    e2e_s: ok ? _seconds(metrics.e2eMs) : null,
    output_tokens: result.outputTokens,
    cached_prompt_tokens: result.cachedPromptTokens ?? 0,
    preemptions: 0,
    quality_pass: null,
    slo_met: hasSlo(context.slo) ? meetsSlo(result, metrics, context.slo) : null,
    gpu_seconds: null,
    cost_usd: null,
  };
}

/** The load generator's own per-request detail row (request-details.jsonl), keyed by request_id. */
export interface RequestDetailRow {
  readonly request_id: number;
  readonly label: string;
  readonly warmup: boolean;
  readonly client_lag_ms: number;
  readonly ttfb_ms: number | null;
  readonly ttft_from_intended_ms: number | null;
  readonly e2e_from_intended_ms: number | null;
  readonly close_ms: number;
  readonly itl_ms: readonly number[];
  readonly content_events: number;
  readonly finish_reason: string | null;
  readonly outcome: string;
  readonly message: string | null;
  readonly output_token_source: string;
  readonly reported_prompt_tokens: number | null;
  /** Multi-turn sessions: the session, 1-based turn, drawn turn count and client-counted earlier-turn tokens (null outside sessions). */
  readonly session_id: string | null;
  readonly turn: number | null;
  readonly session_turns: number | null;
  readonly history_tokens: number | null;
}

/** What the canonical record has no field for: lag, TTFB, stream close, ITL, failure detail, session turn. */
export function toRequestDetail(result: LoadResult): RequestDetailRow {
  const metrics = computeRequestMetrics(result);
  const { outcome } = result;
  return {
    request_id: result.requestId,
    label: result.label,
    warmup: result.warmup,
    client_lag_ms: _roundMs(metrics.clientLagMs) ?? 0,
    ttfb_ms: _roundMs(metrics.ttfbMs),
    ttft_from_intended_ms: _roundMs(metrics.ttftFromIntendedMs),
    e2e_from_intended_ms: _roundMs(metrics.e2eFromIntendedMs),
    close_ms: _roundMs(metrics.closeMs) ?? 0,
    itl_ms: result.itlMs.map((gap) => _roundMs(gap) ?? 0),
    content_events: result.contentEvents,
    finish_reason: result.finishReason,
    outcome: outcome.status === "ok" ? "ok" : `${outcome.status}:${outcome.kind}`,
    message: outcome.status === "ok" ? null : outcome.message,
    output_token_source: result.outputTokenSource,
    reported_prompt_tokens: result.reportedPromptTokens,
    session_id: result.session?.sessionId ?? null,
    turn: result.session?.turn ?? null,
    session_turns: result.session?.turns ?? null,
    history_tokens: result.session?.historyTokens ?? null,
  };
}
