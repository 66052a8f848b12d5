import { GoodputError } from "../errors.js";
import { decideReadout } from "./decide-readout.js";
import type { DecisionRule } from "./decision-rule.js";
import { estimateOutcome, subsetLabels, subsetNumbers, switchbackBlocks, type EstimateSettings, type OutcomeRows } from "./estimate-outcome.js";
import { lintBadControls } from "./lint-bad-controls.js";
import { mechanismReadouts } from "./mechanism-readouts.js";
import { noncomplianceReadout } from "./noncompliance-readout.js";
import { isLowerBetter } from "./outcome-direction.js";
import { assignmentCheck, balanceCheck, nonRandomAssignment, economicCheck, executionChecks, instrumentationCheck, lintCheck, rollbackCheck, spilloverCheck } from "./readout-checks.js";
import type { NumericColumn, ReadoutTable } from "./readout-table.js";
import type { OutcomeReadout, Readout, ReadoutCheck } from "./readout-types.js";
import { ratioReadouts } from "./ratio-readouts.js";
import { tailAttribution } from "./tail-attribution.js";
import { robustReadouts, summarizeRobust } from "./robust-readouts.js";
import { guardrailChecks, ruleRollbackCheck } from "./rule-checks.js";
import { segmentEffects, segmentNetValue, type NetValueSettings } from "./segment-effects.js";
import { selectDesign, type DesignKind } from "./select-design.js";

export interface ReadoutOptions extends EstimateSettings {
  readonly design: DesignKind | "auto";
  readonly story: string | null;
  /** Designed treated share for the SRM test; null = unknown (generic tables). */
  readonly treatmentShare: number | null;
  /** Smallest primary effect worth shipping, in outcome units. */
  readonly minEffect: number | null;
  /** The pre-registered rule (--decision-rule); null keeps the built-in defaults. */
  readonly rule: DecisionRule | null;
  /** Money per unit of improvement of the primary outcome per row (--value-per-unit), for segment net value. */
  readonly valuePerUnit: number | null;
}

/** The decision readout (docs/design.md §7): design, lint, estimates per outcome, checks and the decision — pure, from a read table. */
export function buildReadout(table: ReadoutTable, options: ReadoutOptions): Readout {
  const design = selectDesign(table, { requested: options.design, story: options.story });
  const lint = lintBadControls({ covariates: table.covariates.map((c) => c.name), prePeriod: table.prePeriod?.name ?? null, segment: table.segment?.name ?? null, design: design.chosen });
  const refused = new Set(lint.filter((entry) => entry.verdict === "refuse").map((entry) => entry.column));
  const covariates = table.covariates.filter((column) => !refused.has(column.name));
  const prePeriod = table.prePeriod !== null && !refused.has(table.prePeriod.name) ? table.prePeriod : null;
  const unitLabels = design.unitColumn === null ? null : [table.block, table.cluster, table.unit].find((column) => column?.name === design.unitColumn)?.labels ?? null;
  const rule = options.rule;
  if (options.valuePerUnit !== null && table.cost === null) throw new GoodputError("BAD_USAGE", `--value-per-unit needs a per-row cost column: the table has no cost_usd; pass --cost COLUMN.`, { where: "--cost" });
  const ordered = rule === null ? table.outcomes : [...table.outcomes].sort((a, b) => Number(b.name === rule.primary.outcome) - Number(a.name === rule.primary.outcome));
  if (rule !== null && ordered[0]?.name !== rule.primary.outcome) throw new GoodputError("BAD_USAGE", `the decision rule's primary outcome "${rule.primary.outcome}" is not among the outcomes read (${table.outcomes.map((column) => column.name).join(", ")}); add --outcome ${rule.primary.outcome}.`, { where: "primary.outcome" });
  const outcomes = ordered.map((outcome, index) => readOutcome(table, outcome, { design, covariates, prePeriod, unitLabels, options, lowerIsBetter: index === 0 && rule !== null ? rule.primary.direction === "decrease" : isLowerBetter(outcome.name), primary: index === 0 }));
  const ratioNotes: string[] = [];
  const ratios = ratioReadouts(table.ratios, table.treatment.treated, design.unitColumn === null || unitLabels === null ? null : { column: design.unitColumn, labels: unitLabels }, ratioNotes);
  const ruleContext = { table, outcomes, ratios, unitLabels };
  const notRandom = design.chosen === "observational" || design.storyDesign !== null ? null : nonRandomAssignment(table, design);
  const checks: ReadoutCheck[] = [
    { check: "design", name: "design vs assignment story", status: design.requestLevelValid ? (design.chosen === "observational" ? "warn" : "pass") : "fail", message: `${design.chosen} design (${design.basis.join("; ")}): ${design.validity}`, effect: design.recommendation ?? "none" },
    ...(notRandom === null ? [] : [{ check: "design" as const, name: "assignment was not random", status: "fail" as const, message: `${notRandom}: the arms differ in whatever the policy chose on, so their difference is confounded`, effect: "evaluate the policy off-policy from the propensities (--design ope) or randomize" }]),
    ...(table.sampled === null ? [] : [{ check: "design" as const, name: "uniform sample", status: "info" as const, message: `the table is a uniform ${(100 * table.sampled).toFixed(3)} % random sample of the log (--sampled): request-id gaps are expected; estimates describe the full log, SEs come from the sampled rows`, effect: "none" }]),
    assignmentCheck(table, design, options.treatmentShare ?? (table.isRequestLog ? 0.5 : null)),
    ...executionChecks(table),
    balanceCheck(table, { covariates, prePeriod }),
    spilloverCheck(table, design),
    lintCheck(lint),
    instrumentationCheck(table),
  ];
  const mechanismNotes: string[] = [];
  const mechanisms = mechanismReadouts(table, lint, ordered[0], mechanismNotes);
  const noncompliance = noncomplianceReadout(table, ordered[0], mechanismNotes);
  if (noncompliance !== null) checks.push(noncompliance.check);
  for (const note of [...ratioNotes, ...mechanismNotes]) checks.push({ check: "design", name: "ratio metric skipped", status: "info", message: note, effect: "none" });
  const alpha = rule?.alpha ?? 0.05;
  const minEffect = options.minEffect ?? rule?.primary.minEffect ?? null;
  checks.push(economicCheck(outcomes[0], ratios.find((ratio) => ratio.name === "cost per successful request") ?? null, minEffect, alpha));
  if (rule !== null) checks.push(...guardrailChecks(rule, ruleContext));
  checks.push(rule === null ? rollbackCheck(outcomes, checks) : ruleRollbackCheck(rule, ruleContext));
  let rowsTreated = 0;
  for (const arm of table.treatment.treated) rowsTreated += arm;
  const readout = {
    file: table.file,
    rows: table.rows,
    treatment: { column: table.treatment.column, control: table.treatment.controlValue, treated: table.treatment.treatedValue, rowsControl: table.rows - rowsTreated, rowsTreated },
    design,
    lint,
    mechanisms,
    noncompliance: noncompliance?.readout ?? null,
    outcomes,
    ratios,
    checks,
    rule,
    settings: { seed: options.seed, bootstrap: options.bootstrap, permutations: options.permutations, alpha, valuePerUnit: options.valuePerUnit },
  };
  return { ...readout, decision: decideReadout(table, readout) };
}

function readOutcome(
  table: ReadoutTable,
  outcome: NumericColumn,
  context: { design: Readout["design"]; covariates: readonly NumericColumn[]; prePeriod: NumericColumn | null; unitLabels: readonly (string | null)[] | null; options: ReadoutOptions; lowerIsBetter: boolean; primary: boolean },
): OutcomeReadout {
  const { treated } = table.treatment;
  const keep: number[] = [];
  const missing = { control: 0, treated: 0 };
  const rowsPerArm = { control: 0, treated: 0 };
  outcome.values.forEach((value, index) => {
    const arm = treated[index] === 1 ? "treated" : "control";
    rowsPerArm[arm]++;
    if (Number.isNaN(value)) missing[arm]++;
    else keep.push(index);
  });
  const all = keep.length === table.rows;
  const rows: OutcomeRows = {
    outcome: outcome.name,
    treatmentColumn: table.treatment.column,
    y: all ? outcome.values : subsetNumbers(outcome.values, keep),
    treated: all ? treated : Uint8Array.from(keep, (row) => treated[row] ?? 0),
    covariates: context.covariates.map((column) => ({ name: column.name, values: all ? column.values : subsetNumbers(column.values, keep) })),
    prePeriod: context.prePeriod === null ? null : { name: context.prePeriod.name, values: all ? context.prePeriod.values : subsetNumbers(context.prePeriod.values, keep) },
    units: context.unitLabels === null ? null : subsetLabels(context.unitLabels, keep).map((label) => label ?? ""),
    cluster: table.cluster === null ? null : subsetLabels(table.cluster.labels, keep).map((label) => label ?? ""),
    clusterSpansArms: table.clusterSpansArms,
    block: table.block === null ? null : subsetLabels(table.block.labels, keep),
    unitLabels: table.unit === null ? null : subsetLabels(table.unit.labels, keep),
    segment: table.segment === null ? null : subsetLabels(table.segment.labels, keep),
  };
  const notes: string[] = [];
  const estimates = estimateOutcome(rows, context.design, context.options, notes);
  const robust = robustReadouts(rows, context.options, notes);
  const checks: ReadoutCheck[] = [];
  const missingShare = { control: rowsPerArm.control === 0 ? 0 : missing.control / rowsPerArm.control, treated: rowsPerArm.treated === 0 ? 0 : missing.treated / rowsPerArm.treated };
  if (missing.control + missing.treated > 0) {
    const differential = Math.abs(missingShare.control - missingShare.treated) > 0.01;
    checks.push({
      check: "missing-outcome",
      name: `${outcome.name} observed only for some rows`,
      status: differential ? "warn" : "info",
      values: { missingControl: missing.control, missingTreated: missing.treated },
      message: `${outcome.name} is empty on ${missing.control} control (${(missingShare.control * 100).toFixed(2)} %) and ${missing.treated} treated (${(missingShare.treated * 100).toFixed(2)} %) rows (failed or incomplete requests); its estimates use the rows that have it`,
      effect: differential ? "the arms differ in completion: this outcome conditions on completing, a post-treatment selection — read it beside the failure rate, not alone" : "none (similar completion in both arms)",
    });
  }
  const net = netValueSettings(table, keep, all, context.options.valuePerUnit);
  const segments = rows.segment === null ? [] : segmentEffects(rows, context.lowerIsBetter, net, notes);
  const netValue = net === null || !context.primary ? null : segmentNetValue(rows, keep.map((_, position) => position), context.lowerIsBetter ? -1 : 1, net, rows.units ?? (rows.clusterSpansArms ? rows.cluster : null));
  for (const note of notes) checks.push({ check: "design", name: "estimator skipped", status: "info", message: note, effect: "none" });
  const means = { control: 0, treated: 0 };
  const welch = estimates.find((entry) => entry.method === "difference-in-means (Welch)");
  if (welch?.extra) {
    means.control = Number(welch.extra.meanControl);
    means.treated = Number(welch.extra.meanTreated);
  }
  return {
    outcome: outcome.name,
    lowerIsBetter: context.lowerIsBetter,
    n: keep.length,
    missing,
    means,
    estimates,
    robust,
    segments,
    ...(netValue === null ? {} : { netValue }),
    ...(context.primary ? { tail: tailAttribution(rows.y, rows.treated, rows.units, table.log.queueDepth === null ? null : subsetNumbers(table.log.queueDepth, keep)) } : {}),
    checks,
    robustSummary: summarizeRobust(outcome.name, robust),
    ...(context.design.chosen === "switchback" && rows.block !== null ? { blockSeries: switchbackBlocks(rows).map(({ block, arm, outcomeMean, n }) => ({ block, arm, outcomeMean, n })) } : {}),
  };
}

/** Cost per row aligned with the outcome's kept rows, for the segment net value (null without --value-per-unit or a cost column). */
function netValueSettings(table: ReadoutTable, keep: readonly number[], all: boolean, valuePerUnit: number | null): NetValueSettings | null {
  if (valuePerUnit === null || table.cost === null) return null;
  return { valuePerUnit, cost: all ? table.cost.values : subsetNumbers(table.cost.values, keep), costColumn: table.cost.name };
}
