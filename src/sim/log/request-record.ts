/**
 * The canonical request log row (docs/design.md §8): one row per request attempt. Every field has a role;
 * the simulator, the load generator and the readouts all read and write this shape.
 */
export const requestLogSchemaVersion = 1;

export type RequestStatus = "ok" | "error" | "incomplete" | "dropped" | "rejected";

export type FieldRole = "id" | "unit" | "pre" | "state" | "action" | "outcome" | "cost";

export interface RequestRecord {
  // identity
  readonly schema_version: number;
  readonly run_id: string;
  readonly request_id: number;
  readonly attempt: number;
  readonly experiment: string | null;
  readonly case: string | null;
  readonly profile: string | null;
  // units
  readonly user_id: string;
  readonly session_id: string | null;
  readonly tenant: string;
  readonly tier: string;
  readonly pool: string | null;
  readonly replica: number | null;
  readonly time_block: number | null;
  // workload X (pre-decision)
  readonly arrival_s: number;
  readonly prompt_tokens: number;
  readonly max_output_tokens: number;
  readonly prefix_group: string | null;
  readonly prefix_tokens: number;
  readonly workload_class: string;
  readonly latency_sensitive: boolean;
  readonly pre_usage: number;
  // state S at decision time (the router's view)
  readonly state_queue_depth: number | null;
  readonly state_running: number | null;
  readonly state_kv_utilization: number | null;
  readonly state_expected_cache_hit: number | null;
  readonly state_capacity_pressure: number | null;
  readonly state_incident: boolean;
  // policy / action
  readonly policy: string;
  readonly policy_version: string;
  readonly arm: string | null;
  readonly assignment_unit: string | null;
  readonly intended_action: string | null;
  readonly propensity: number | null;
  readonly action_probabilities: string | null;
  readonly executed_action: string | null;
  readonly fallback_reason: string | null;
  // outcomes Y
  readonly status: RequestStatus;
  readonly http_status: number | null;
  /**
   * Why an attempt did not finish ok: rate_limited, exceeds_kv_capacity, exceeds_step_budget,
   * queue_timeout, replica_down, replica_failed (simulator); null when ok. Optional: logs written
   * before schema additions, and the load generator, leave it out.
   */
  readonly error_reason?: string | null;
  readonly dispatch_s: number | null;
  readonly first_token_s: number | null;
  readonly last_token_s: number | null;
  readonly queue_wait_s: number | null;
  readonly ttft_s: number | null;
  readonly tpot_s: number | null;
  readonly e2e_s: number | null;
  readonly output_tokens: number;
  /** Prompt tokens not recomputed: prefix-cache hits in GPU memory plus blocks loaded from an offload tier. */
  readonly cached_prompt_tokens: number;
  /** The part of cached_prompt_tokens loaded from the replica's offload tier (simulator; optional, added after v1). */
  readonly offload_cached_tokens?: number;
  /** Seconds spent loading KV blocks from the offload tier (simulator; optional, added after v1). */
  readonly kv_load_s?: number;
  readonly preemptions: number;
  readonly quality_pass: boolean | null;
  readonly slo_met: boolean | null;
  // cost
  readonly gpu_seconds: number;
  readonly cost_usd: number;
}

/** The role of every field, for bad-control linting and readouts. */
export const requestFieldRoles: Readonly<Record<keyof RequestRecord, FieldRole>> = {
  schema_version: "id",
  run_id: "id",
  request_id: "id",
  attempt: "id",
  experiment: "id",
  case: "id",
  profile: "id",
  user_id: "unit",
  session_id: "unit",
  tenant: "unit",
  tier: "unit",
  pool: "unit",
  replica: "action",
  time_block: "unit",
  arrival_s: "pre",
  prompt_tokens: "pre",
  max_output_tokens: "pre",
  prefix_group: "pre",
  prefix_tokens: "pre",
  workload_class: "pre",
  latency_sensitive: "pre",
  pre_usage: "pre",
  state_queue_depth: "state",
  state_running: "state",
  state_kv_utilization: "state",
  state_expected_cache_hit: "state",
  state_capacity_pressure: "state",
  state_incident: "state",
  policy: "action",
  policy_version: "action",
  arm: "action",
  assignment_unit: "unit",
  intended_action: "action",
  propensity: "action",
  action_probabilities: "action",
  executed_action: "action",
  fallback_reason: "action",
  status: "outcome",
  http_status: "outcome",
  error_reason: "outcome",
  dispatch_s: "outcome",
  first_token_s: "outcome",
  last_token_s: "outcome",
  queue_wait_s: "outcome",
  ttft_s: "outcome",
  tpot_s: "outcome",
  e2e_s: "outcome",
  output_tokens: "outcome",
  cached_prompt_tokens: "outcome",
  offload_cached_tokens: "outcome",
  kv_load_s: "outcome",
  preemptions: "outcome",
  quality_pass: "outcome",
  slo_met: "outcome",
  gpu_seconds: "cost",
  cost_usd: "cost",
};
