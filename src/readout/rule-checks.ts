import { clusterRobust, differenceInMeans, normalQuantile, studentTQuantile } from "../stats/index.js";
import type { DecisionRule, GuardrailRule, RollbackRule } from "./decision-rule.js";
import type { RatioReadout } from "./ratio-readouts.js";
import type { ReadoutTable } from "./readout-table.js";
import type { OutcomeReadout, ReadoutCheck } from "./readout-types.js";

const fmt = (value: number): string => (Number.isFinite(value) ? value.toPrecision(4) : String(value));

/** The pieces of an estimate an interval at another level needs. */
export interface IntervalSource {
  readonly estimate: number;
  readonly standardError: number;
  readonly df: number | null;
  readonly ci95: readonly [number, number];
}

/**
 * Two-sided 1 − alpha interval: the estimator's own 95 % interval at alpha = 0.05 (it may be a bootstrap percentile
 * interval), else estimate ± t(df) or z quantile × SE.
 */
export function intervalAt(entry: IntervalSource, alpha: number): readonly [number, number] {
  if (Math.abs(alpha - 0.05) < 1e-12) return entry.ci95;
  const quantile = entry.df === null || !Number.isFinite(entry.df) ? normalQuantile(1 - alpha / 2) : studentTQuantile(1 - alpha / 2, entry.df);
  return [entry.estimate - quantile * entry.standardError, entry.estimate + quantile * entry.standardError];
}

/** "95 %", "99.5 %": the confidence level of a 1 − alpha interval. */
export function confidenceLabel(alpha: number): string {
  return `${Number((100 * (1 - alpha)).toFixed(3))} %`;
}

/** What a rule's metric can be measured from. */
export interface RuleContext {
  readonly table: ReadoutTable;
  readonly outcomes: readonly OutcomeReadout[];
  readonly ratios: readonly RatioReadout[];
  /** Assignment-unit labels of the design (clusters, users, blocks); null when rows are the units. */
  readonly unitLabels: readonly (string | null)[] | null;
}

interface MetricEffect extends IntervalSource {
  readonly source: string;
}

/** Treated − control of a per-row log column, clustered by the assignment unit when the design has one (CR2). */
function armComparison(values: Float64Array, context: RuleContext, name: string): MetricEffect | string {
  const keep: number[] = [];
  values.forEach((value, index) => {
    if (Number.isFinite(value)) keep.push(index);
  });
  if (keep.length === 0) return `${name} is empty in this log`;
  const y = Float64Array.from(keep, (row) => values[row] ?? 0);
  const treated = Uint8Array.from(keep, (row) => context.table.treatment.treated[row] ?? 0);
  try {
    if (context.unitLabels !== null) {
      const labels = keep.map((row) => context.unitLabels?.[row] ?? "");
      const fit = clusterRobust(y, { treated: Float64Array.from(treated) }, labels, { treatmentColumn: "treated", type: "CR2" });
      return { ...fit, source: `${name}: OLS CR2 over assignment units (${keep.length} rows)` };
    }
    const welch = differenceInMeans(y, treated, { outcomeName: name });
    return { ...welch, source: `${name}: Welch difference in means (${keep.length} rows)` };
  } catch (error) {
    return `${name} could not be compared: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The treated − control effect of a rule metric, or why it cannot be measured from this readout. */
export function metricEffect(metric: string, statistic: GuardrailRule["statistic"], context: RuleContext): MetricEffect | string {
  const { log } = context.table;
  if (metric === "error_rate") return log.status === null ? "the log has no status column" : armComparison(Float64Array.from(log.status, (value) => (value === "ok" ? 0 : 1)), context, "error rate (status ≠ ok)");
  if (metric === "queue_depth") return log.queueDepth === null ? "the log has no state_queue_depth column" : armComparison(log.queueDepth, context, "decision-time queue depth");
  if (metric === "kv_utilization") return log.kvUtilization === null ? "the log has no state_kv_utilization column" : armComparison(log.kvUtilization, context, "decision-time KV utilization");
  if (metric === "cost_per_success") {
    const ratio = context.ratios.find((entry) => entry.name === "cost per successful request");
    return ratio === undefined ? "cost per successful request needs cost_usd and status columns" : { ...ratio, source: `cost per successful request (delta method over ${ratio.linearizedOver})` };
  }
  const outcome = context.outcomes.find((entry) => entry.outcome === metric);
  if (outcome === undefined) return `"${metric}" is not an outcome of this readout (outcomes: ${context.outcomes.map((entry) => entry.outcome).join(", ")})`;
  if (statistic === "mean") {
    const primary = outcome.estimates.find((entry) => entry.primary);
    return primary === undefined ? `no primary estimate for ${metric}` : { ...primary, source: `${metric} mean: ${primary.method}` };
  }
  const quantile = outcome.robust.find((entry) => entry.method === `QTE ${statistic}`);
  if (quantile !== undefined && !quantile.valid) return `QTE ${statistic} of ${metric} is not valid for this design (${quantile.note ?? "see the readout"})`;
  return quantile === undefined ? `no QTE ${statistic} for ${metric}` : { ...quantile, source: `${metric} ${statistic}: ${quantile.method} (bootstrap)` };
}

/** Harm = treated − control for a lower-is-better metric, control − treated otherwise; with its 1 − alpha interval. */
function harmOf(effect: MetricEffect, higherIsBetter: boolean, alpha: number): { harm: number; low: number; high: number } {
  const [low, high] = intervalAt(effect, alpha);
  return higherIsBetter ? { harm: -effect.estimate, low: -high, high: -low } : { harm: effect.estimate, low, high };
}

const label = (entry: GuardrailRule | RollbackRule): string => `${entry.metric}${entry.statistic === "mean" ? "" : ` ${entry.statistic}`}`;

/**
 * Pre-registered guardrails (spillover: untreated-user latency, queue depth, utilization, error rate): breached when the
 * estimated harm exceeds the tolerated degradation; not cleared when the upper 1 − alpha bound still exceeds it.
 */
export function guardrailChecks(rule: DecisionRule, context: RuleContext): ReadoutCheck[] {
  return rule.guardrails.map((guardrail) => {
    const effect = metricEffect(guardrail.metric, guardrail.statistic, context);
    const name = `guardrail: ${label(guardrail)} degrades by at most ${guardrail.maxDegradation}`;
    if (typeof effect === "string") return { check: "guardrail", name, status: "warn", message: `cannot evaluate: ${effect}`, effect: "a pre-registered guardrail that cannot be checked blocks shipping: instrument it" };
    const { harm, low, high } = harmOf(effect, guardrail.higherIsBetter, rule.alpha);
    const level = confidenceLabel(rule.alpha);
    const values = { harm, low, high, maxDegradation: guardrail.maxDegradation };
    const measured = `${effect.source}: harm ${fmt(harm)} (${level} CI ${fmt(low)} to ${fmt(high)}) against a tolerated ${guardrail.maxDegradation}${guardrail.note === undefined ? "" : ` — ${guardrail.note}`}`;
    if (harm > guardrail.maxDegradation) return { check: "guardrail", name, status: "fail", values, message: `BREACHED: ${measured}`, effect: "guardrail breached → do not ship" };
    if (high > guardrail.maxDegradation) return { check: "guardrail", name, status: "warn", values, message: `not cleared: ${measured}`, effect: "cannot rule out a breach → hold the ramp and collect more units" };
    return { check: "guardrail", name, status: "pass", values, message: measured, effect: "none" };
  });
}

/** Rollback triggers of the rule: a trigger fires when the harm's lower 1 − alpha bound is above its threshold. */
export function ruleRollbackCheck(rule: DecisionRule, context: RuleContext): ReadoutCheck {
  const fired: string[] = [];
  const unmeasured: string[] = [];
  const lines: string[] = [];
  let action: RollbackRule["action"] = "do not ship";
  for (const trigger of rule.rollback) {
    const effect = metricEffect(trigger.metric, trigger.statistic, context);
    if (typeof effect === "string") {
      unmeasured.push(`${label(trigger)} (${effect})`);
      continue;
    }
    const { harm, low, high } = harmOf(effect, trigger.higherIsBetter, rule.alpha);
    const line = `${label(trigger)} harm ${fmt(harm)} (CI ${fmt(low)} to ${fmt(high)}) vs threshold ${trigger.threshold}`;
    if (low > trigger.threshold) {
      fired.push(line);
      if (trigger.action === "roll back") action = "roll back";
    } else lines.push(line);
  }
  const status = fired.length > 0 ? "fail" : unmeasured.length > 0 ? "warn" : "pass";
  const parts = [
    ...(fired.length > 0 ? [`fired: ${fired.join("; ")}`] : []),
    ...(lines.length > 0 ? [`not fired: ${lines.join("; ")}`] : []),
    ...(unmeasured.length > 0 ? [`cannot evaluate: ${unmeasured.join("; ")}`] : []),
  ];
  return {
    check: "rollback",
    name: `rollback triggers (decision rule${rule.name === undefined ? "" : ` "${rule.name}"`}, alpha ${rule.alpha})`,
    status,
    values: { fired: fired.length, action: fired.length > 0 ? action : null },
    message: parts.length > 0 ? parts.join("; ") : "the rule lists no rollback triggers",
    effect: fired.length > 0 ? `fired → ${action}` : unmeasured.length > 0 ? "a trigger that cannot be evaluated: instrument it before ramping" : "none",
  };
}
