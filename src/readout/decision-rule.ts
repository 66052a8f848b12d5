import { z } from "zod";
import { GoodputError } from "../errors.js";

/**
 * The pre-registered decision rule (docs/design.md §7.5, §7.7): written before the data are seen, so the readout cannot move the
 * goalposts. Metrics are outcome columns of the readout (e.g. ttft_s, cost_usd) or the built-ins below.
 */
export const builtInRuleMetrics = ["error_rate", "queue_depth", "kv_utilization", "cost_per_success"] as const;

const metric = z.string().min(1, "name an outcome column (e.g. ttft_s) or one of " + builtInRuleMetrics.join(", "));
const statistic = z.enum(["mean", "p50", "p90", "p95", "p99"]);

/** Built-in metrics are rates and means (error rate, mean queue depth …): a quantile of them is not computed, so it is refused. */
const builtInsAreMeans = (rule: { readonly metric: string; readonly statistic: string }, context: z.RefinementCtx): void => {
  if ((builtInRuleMetrics as readonly string[]).includes(rule.metric) && rule.statistic !== "mean") {
    context.addIssue({ code: "custom", path: ["statistic"], message: `"${rule.statistic}" of the built-in ${rule.metric} is not computed (built-ins are means or rates); use statistic: mean, or name an outcome column for a quantile` });
  }
};

const guardrailSchema = z.strictObject({
  metric,
  /** mean or a quantile (QTE) of an outcome column; built-ins are means. */
  statistic: statistic.default("mean"),
  /** Largest tolerated harm, treated − control, in the metric's units (harm = increase unless `higherIsBetter`). */
  maxDegradation: z.number().nonnegative(),
  higherIsBetter: z.boolean().default(false),
  note: z.string().optional(),
}).superRefine(builtInsAreMeans);

const rollbackSchema = z.strictObject({
  metric,
  statistic: statistic.default("mean"),
  /** Fires when the harm is above this value with confidence 1 − alpha (the lower confidence bound exceeds it). */
  threshold: z.number().nonnegative(),
  higherIsBetter: z.boolean().default(false),
  /** What firing does: "roll back" (already deployed / ramping) or "do not ship" (still a test). */
  action: z.enum(["roll back", "do not ship"]).default("roll back"),
  note: z.string().optional(),
}).superRefine(builtInsAreMeans);

export const decisionRuleSchema = z.strictObject({
  name: z.string().optional(),
  primary: z.strictObject({
    outcome: z.string().min(1, "name the primary outcome column"),
    direction: z.enum(["decrease", "increase"]),
    /** Smallest effect worth shipping, in outcome units, in the good direction (economic significance). */
    minEffect: z.number().nonnegative().default(0),
  }),
  alpha: z.number().gt(0).lt(0.5).default(0.05),
  guardrails: z.array(guardrailSchema).default([]),
  rollback: z.array(rollbackSchema).default([]),
});

export type DecisionRule = z.infer<typeof decisionRuleSchema>;
export type GuardrailRule = z.infer<typeof guardrailSchema>;
export type RollbackRule = z.infer<typeof rollbackSchema>;

/** Validates a parsed YAML / JSON rule; every bad field is reported by its path (e.g. guardrails.0.maxDegradation). */
export function parseDecisionRule(raw: unknown, where: string): DecisionRule {
  const parsed = decisionRuleSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new GoodputError("BAD_FILE", `${where}: bad decision rule:\n  - ${issues.join("\n  - ")}\nSee examples/decision-rule.yaml for the fields.`, { where, issues });
  }
  return parsed.data;
}

/** Outcome columns the rule refers to (the primary first), so the reader loads them. */
export function ruleOutcomeColumns(rule: DecisionRule): string[] {
  const names = [rule.primary.outcome, ...[...rule.guardrails, ...rule.rollback].map((entry) => entry.metric)];
  const builtIn = new Set<string>(builtInRuleMetrics);
  return [...new Set(names.filter((name) => !builtIn.has(name)))];
}
