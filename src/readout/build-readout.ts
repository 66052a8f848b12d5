import { benjaminiHochberg, differenceInMeans, holm } from "../stats/index.js";
import { decideReadout } from "./decide-readout.js";
import { estimateOutcome, subsetLabels, subsetNumbers, type EstimateSettings, type OutcomeRows } from "./estimate-outcome.js";
import { lintBadControls } from "./lint-bad-controls.js";
import { isLowerBetter } from "./outcome-direction.js";
import { assignmentCheck, balanceCheck, economicCheck, executionChecks, instrumentationCheck, lintCheck, rollbackCheck, spilloverCheck } from "./readout-checks.js";
import type { NumericColumn, ReadoutTable } from "./readout-table.js";
import type { OutcomeReadout, Readout, ReadoutCheck, SegmentEffect } from "./readout-types.js";
import { robustReadouts, summarizeRobust } from "./robust-readouts.js";
import { selectDesign, type DesignKind } from "./select-design.js";

export interface ReadoutOptions extends EstimateSettings {
  readonly design: DesignKind | "auto";
  readonly story: string | null;
  /** Designed treated share for the SRM test; null = unknown (generic tables). */
  readonly treatmentShare: number | null;
  /** Smallest primary effect worth shipping, in outcome units. */
  readonly minEffect: number | null;
}

const maxSegments = 30;

/** The decision readout (SPEC §7): design, lint, estimates per outcome, checks and the decision — pure, from a read table. */
export function buildReadout(table: ReadoutTable, options: ReadoutOptions): Readout {
  const design = selectDesign(table, { requested: options.design, story: options.story });
  const lint = lintBadControls({ covariates: table.covariates.map((c) => c.name), prePeriod: table.prePeriod?.name ?? null, segment: table.segment?.name ?? null });
  const refused = new Set(lint.filter((entry) => entry.verdict === "refuse").map((entry) => entry.column));
  const covariates = table.covariates.filter((column) => !refused.has(column.name));
  const prePeriod = table.prePeriod !== null && !refused.has(table.prePeriod.name) ? table.prePeriod : null;
  const unitLabels = design.unitColumn === null ? null : [table.block, table.cluster, table.unit].find((column) => column?.name === design.unitColumn)?.labels ?? null;
  const outcomes = table.outcomes.map((outcome) => readOutcome(table, outcome, { design, covariates, prePeriod, unitLabels, options }));
  const checks: ReadoutCheck[] = [
    { check: "design", name: "design vs assignment story", status: design.requestLevelValid ? (design.chosen === "observational" ? "warn" : "pass") : "fail", message: `${design.chosen} design (${design.basis.join("; ")}): ${design.validity}`, effect: design.recommendation ?? "none" },
    assignmentCheck(table, design, options.treatmentShare ?? (table.isRequestLog ? 0.5 : null)),
    ...executionChecks(table),
    balanceCheck(table),
    spilloverCheck(table, design),
    lintCheck(lint),
    instrumentationCheck(table),
  ];
  checks.push(economicCheck(table, design, outcomes[0], options.minEffect));
  checks.push(rollbackCheck(outcomes, checks));
  let rowsTreated = 0;
  for (const arm of table.treatment.treated) rowsTreated += arm;
  const readout = {
    file: table.file,
    rows: table.rows,
    treatment: { column: table.treatment.column, control: table.treatment.controlValue, treated: table.treatment.treatedValue, rowsControl: table.rows - rowsTreated, rowsTreated },
    design,
    lint,
    outcomes,
    checks,
    settings: { seed: options.seed, bootstrap: options.bootstrap, permutations: options.permutations },
  };
  return { ...readout, decision: decideReadout(table, readout) };
}

function readOutcome(
  table: ReadoutTable,
  outcome: NumericColumn,
  context: { design: Readout["design"]; covariates: readonly NumericColumn[]; prePeriod: NumericColumn | null; unitLabels: readonly (string | null)[] | null; options: ReadoutOptions },
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
  for (const note of notes) checks.push({ check: "design", name: "estimator skipped", status: "info", message: note, effect: "none" });
  const means = { control: 0, treated: 0 };
  const welch = estimates.find((entry) => entry.method === "difference-in-means (Welch)");
  if (welch?.extra) {
    means.control = Number(welch.extra.meanControl);
    means.treated = Number(welch.extra.meanTreated);
  }
  return {
    outcome: outcome.name,
    lowerIsBetter: isLowerBetter(outcome.name),
    n: keep.length,
    missing,
    means,
    estimates,
    robust,
    segments: rows.segment === null ? [] : segmentEffects(rows),
    checks,
    robustSummary: summarizeRobust(outcome.name, robust),
  };
}

/** Welch effect per pre-specified segment, with Holm (family-wise) and Benjamini–Hochberg (FDR) adjusted p-values. */
function segmentEffects(rows: OutcomeRows): SegmentEffect[] {
  const groups = new Map<string, number[]>();
  (rows.segment ?? []).forEach((label, index) => {
    const key = label ?? "(missing)";
    const list = groups.get(key) ?? [];
    list.push(index);
    groups.set(key, list);
  });
  const raw: Omit<SegmentEffect, "pHolm" | "pBH">[] = [];
  for (const [segment, indices] of [...groups.entries()].slice(0, maxSegments)) {
    try {
      const estimate = differenceInMeans(subsetNumbers(rows.y, indices), Uint8Array.from(indices, (row) => rows.treated[row] ?? 0), { outcomeName: rows.outcome });
      raw.push({ segment, n: indices.length, estimate: estimate.estimate, standardError: estimate.standardError, ci95: estimate.ci95, pValue: estimate.pValue });
    } catch {
      // A segment with one arm (or < 2 rows per arm) has no effect to report.
    }
  }
  if (raw.length === 0) return [];
  const pHolm = holm(raw.map((entry) => entry.pValue));
  const pBH = benjaminiHochberg(raw.map((entry) => entry.pValue));
  return raw.map((entry, index) => ({ ...entry, pHolm: pHolm[index] ?? 1, pBH: pBH[index] ?? 1 }));
}
