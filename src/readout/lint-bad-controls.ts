import { requestFieldRoles, type FieldRole } from "../sim/log/request-record.js";

/** One column the readout was asked to adjust for or split by, judged by its role relative to the decision (docs/design.md §7.3). */
export interface ControlLint {
  readonly column: string;
  readonly use: "covariate" | "pre-period" | "segment";
  readonly role: FieldRole | "unknown";
  /** adjust: a pre-decision common cause; warn: kept but suspicious by name; refuse: post-decision, left out of the total-effect adjustment. */
  readonly verdict: "adjust" | "warn" | "refuse";
  readonly message: string;
}

const postDecisionName = /(^|_)(post|after|outcome|result|completed|completion|success|succeeded|latency|ttft|tpot|e2e|duration|served|cache_hit|hit_rate)(_|$)/i;
/** Names that say "measured before": pre_cost, baseline_latency, prior_success, lagged_ttft. */
const preDecisionName = /(^|_)(pre|before|baseline|prior|lag|lagged|historical|hist)(_|$)/i;
const roleOf = (column: string): FieldRole | "unknown" => (Object.hasOwn(requestFieldRoles, column) ? requestFieldRoles[column as keyof typeof requestFieldRoles] : "unknown");

/** Lints adjustment and segment columns: pre-decision X and decision-time S may be used; actions, outcomes and costs may not. */
export function lintBadControls(columns: { readonly covariates: readonly string[]; readonly prePeriod: string | null; readonly segment: string | null; readonly design?: string }): ControlLint[] {
  const uses: { column: string; use: ControlLint["use"] }[] = [
    ...columns.covariates.map((column) => ({ column, use: "covariate" as const })),
    ...(columns.prePeriod === null ? [] : [{ column: columns.prePeriod, use: "pre-period" as const }]),
    ...(columns.segment === null ? [] : [{ column: columns.segment, use: "segment" as const }]),
  ];
  return uses.map(({ column, use }): ControlLint => {
    const role = roleOf(column);
    const adjusting = use === "segment" ? "splitting by" : "adjusting for";
    if (role === "outcome" || role === "cost") {
      return { column, use, role, verdict: "refuse", message: `${column} is a post-decision ${role} (docs/design.md §8): ${adjusting} it conditions on a consequence of the treatment and biases the total effect; it is left out — analyse it as an outcome or mechanism instead` };
    }
    if (role === "action") {
      return { column, use, role, verdict: "refuse", message: `${column} is part of the action the policy takes: ${adjusting} it removes the effect being measured; it is left out` };
    }
    if (role === "state" || (role === "unknown" && /^state_/.test(column))) {
      // In a switchback the block's policy has been running before each request arrives: the queue, cache and KV state a
      // request meets is already a consequence of the policy, i.e. post-treatment for the block-level effect.
      if (columns.design === "switchback" && use !== "segment") {
        return { column, use, role: "state", verdict: "refuse", message: `${column} is decision-time state, but in a switchback it is downstream of the block's policy (the policy shaped the queue / cache before the request arrived): adjusting for it removes part of the policy's effect; it is left out and shown as a mechanism` };
      }
      return { column, use, role, verdict: "adjust", message: `${column} is decision-time state (read before routing): it may be adjusted for; the same quantity measured after routing would be an outcome` };
    }
    if (role === "pre" || role === "unit") return { column, use, role, verdict: "adjust", message: `${column} is pre-decision (${role}): a valid adjustment` };
    if (role === "id") return { column, use, role, verdict: "warn", message: `${column} is an identifier, not a covariate` };
    if (postDecisionName.test(column) && !preDecisionName.test(column)) {
      // A total-effect estimate never adjusts for a possible mediator: left out of the primary, shown as a mechanism.
      if (use === "segment") return { column, use, role, verdict: "warn", message: `${column} looks post-decision by its name: segments defined after assignment are not comparable across arms — use it only if it was fixed before assignment` };
      return { column, use, role, verdict: "refuse", message: `${column} looks post-decision by its name (measured after the decision, e.g. a mediator): adjusting for it would remove the part of the effect that runs through it, so it is left out of the total-effect estimate and shown separately as a mechanism — rename it (pre_…) if it was fixed before assignment` };
    }
    return { column, use, role, verdict: "adjust", message: `${column}: role unknown; assumed measured before assignment (state it in the readout)` };
  });
}
