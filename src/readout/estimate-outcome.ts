import {
  clusterRobust, cuped, differenceInMeans, olsRobust, switchbackEstimate,
  type Design, type Estimate, type HcType, type QuantileTreatmentEffect, type SwitchbackBlock,
} from "../stats/index.js";
import type { NumericColumn } from "./readout-table.js";
import type { ReadoutEstimate } from "./readout-types.js";
import type { DesignChoice } from "./select-design.js";

/** Rows of one outcome with a value, and every column restricted to them. */
export interface OutcomeRows {
  readonly outcome: string;
  readonly treatmentColumn: string;
  readonly y: Float64Array;
  readonly treated: Uint8Array;
  readonly covariates: readonly NumericColumn[];
  readonly prePeriod: NumericColumn | null;
  /** Labels of the assignment units (clusters, users, blocks); null when rows are the units. */
  readonly units: readonly string[] | null;
  readonly cluster: readonly string[] | null;
  /** True when treatment varies within `cluster` (clusters for SEs only, not assignment units). */
  readonly clusterSpansArms: boolean;
  readonly block: readonly (string | null)[] | null;
  /** Canonical assignment_unit labels (to find switchback washout rows). */
  readonly unitLabels: readonly (string | null)[] | null;
  readonly segment: readonly (string | null)[] | null;
}

export interface EstimateSettings {
  readonly seed: number;
  readonly bootstrap: number;
  readonly permutations: number;
  /** Quantile effects already computed on DuckDB aggregates (many rows), by outcome; the row path is skipped for them. */
  readonly aggregatedQte?: ReadonlyMap<string, readonly QuantileTreatmentEffect[]>;
  /** Progress of the long resampling loops (what, done, total), for the shell's progress line; absent = silent. */
  readonly onProgress?: (what: string, done: number, total: number) => void;
}

/** Packs a stats Estimate as a readout entry. */
export function toEntry(method: string, estimate: Estimate, fields: { primary?: boolean; valid?: boolean; note?: string | null; extra?: Readonly<Record<string, number | string | null>> } = {}): ReadoutEstimate {
  return {
    method,
    estimand: estimate.estimand,
    estimate: estimate.estimate,
    standardError: estimate.standardError,
    ci95: [estimate.ci95[0], estimate.ci95[1]],
    df: estimate.df,
    pValue: estimate.pValue,
    n: estimate.n,
    assumptions: estimate.assumptions,
    detail: estimate.method,
    primary: fields.primary ?? false,
    valid: fields.valid ?? true,
    note: fields.note ?? null,
    ...(fields.extra === undefined ? {} : { extra: fields.extra }),
  };
}

/** Restricts a numeric column to `keep` rows. */
export function subsetNumbers(values: Float64Array, keep: readonly number[]): Float64Array {
  return Float64Array.from(keep, (row) => values[row] ?? Number.NaN);
}

export function subsetLabels<T>(labels: readonly T[], keep: readonly number[]): T[] {
  return keep.map((row) => labels[row] as T);
}

/** Block-level aggregates of a switchback log: washout rows (assignment_unit "…:washout") are dropped. */
export function switchbackBlocks(rows: OutcomeRows): SwitchbackBlock[] {
  const byBlock = new Map<string, { sum: number; n: number; treated: number }>();
  const block = rows.block ?? [];
  for (let index = 0; index < rows.y.length; index++) {
    const label = block[index] ?? null;
    if (label === null) continue;
    if (rows.unitLabels?.[index]?.endsWith(":washout") === true) continue;
    const entry = byBlock.get(label) ?? { sum: 0, n: 0, treated: 0 };
    entry.sum += rows.y[index] ?? 0;
    entry.n += 1;
    entry.treated += rows.treated[index] ?? 0;
    byBlock.set(label, entry);
  }
  const labels = [...byBlock.keys()];
  const numeric = labels.every((label) => Number.isFinite(Number(label)));
  const order = numeric ? labels : [...labels].sort();
  return order.map((label, index) => {
    const entry = byBlock.get(label) ?? { sum: 0, n: 1, treated: 0 };
    return { block: numeric ? Number(label) : index, arm: entry.treated * 2 >= entry.n ? 1 : 0, outcomeMean: entry.sum / entry.n, outcomeSum: entry.sum, n: entry.n };
  });
}

/** Runs one estimator; a failure (too few units, a constant column …) becomes a note in the readout instead of aborting it. */
export function attempt<T>(notes: string[], label: string, run: () => T): T | null {
  try {
    return run();
  } catch (error) {
    notes.push(`${label} not computed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** Design-level estimates of one outcome: Welch, OLS HC0–HC3, CR2 / CR1 and cluster-level Welch, switchback block-level estimators; the design picks the primary one. */
export function estimateOutcome(rows: OutcomeRows, design: DesignChoice, settings: EstimateSettings, notes: string[]): ReadoutEstimate[] {
  const { y, treated, treatmentColumn } = rows;
  const kind = design.chosen;
  const rowsAreUnits = kind === "request" || kind === "observational";
  const rowLevelValid = design.requestLevelValid;
  const spanning = rows.clusterSpansArms && rows.cluster !== null && kind !== "switchback" && kind !== "cluster";
  const rowNote = !design.requestLevelValid
    ? "not valid for the decision: the treatment changes shared state, so this unit-level comparison is biased against the global effect (see design)"
    : spanning
      ? "rows within a --cluster group are correlated: this row-level SE is too small; the decision uses OLS CR2 by cluster"
      : rowsAreUnits
        ? null
        : `rows are not the assignment units (${design.unit}); shown for reference only — the row-level SE is too small`;
  const covariateDesign: Record<string, Float64Array> = {};
  for (const covariate of rows.covariates) covariateDesign[covariate.name] = covariate.values;
  // The pre-period column is a pre-decision covariate too: regression adjustment on it (= CUPED with one covariate).
  if (rows.prePeriod !== null && !(rows.prePeriod.name in covariateDesign)) covariateDesign[rows.prePeriod.name] = rows.prePeriod.values;
  const regressors: Design = { [treatmentColumn]: Float64Array.from(treated), ...covariateDesign };
  const hasCovariates = Object.keys(covariateDesign).length > 0;
  const adjustedFor = Object.keys(covariateDesign).join(", ");
  // Cluster and user designs cluster by their assignment units; --cluster alone (treatment varying within it) clusters the SEs.
  // A --cluster that spans arms groups correlated assignment units (classes within schools): it is the coarser level, so it wins.
  const clusterLabels = kind === "switchback" ? (rows.block?.map((label) => label ?? "") ?? null) : spanning ? rows.cluster : kind === "cluster" || kind === "user" ? (rows.units ?? rows.cluster) : null;
  const primaryMethod = primaryMethodOf(kind, clusterLabels !== null && (!rowsAreUnits || spanning), rows.covariates.length > 0, rows.prePeriod !== null);
  const estimates: ReadoutEstimate[] = [];
  const push = (method: string, estimate: Estimate | null, fields: { valid: boolean; note: string | null; extra?: Readonly<Record<string, number | string | null>> }): void => {
    if (estimate !== null) estimates.push(toEntry(method, estimate, { ...fields, primary: method === primaryMethod }));
  };

  const welch = attempt(notes, "difference-in-means (Welch)", () => differenceInMeans(y, treated, { outcomeName: rows.outcome }));
  const rowsValid = rowLevelValid && rowsAreUnits && !spanning;
  push("difference-in-means (Welch)", welch, { valid: rowsValid, note: rowNote, ...(welch ? { extra: { meanTreated: welch.meanTreated, meanControl: welch.meanControl, nTreated: welch.nTreated, nControl: welch.nControl } } : {}) });
  for (const se of ["HC2", "HC0", "HC1", "HC3"] as const satisfies readonly HcType[]) {
    const ols = attempt(notes, `OLS ${se}`, () => olsRobust(y, regressors, { treatmentColumn, se }));
    push(`OLS ${se}`, ols, { valid: rowsValid, note: rowNote ?? (hasCovariates ? `adjusted for ${adjustedFor}: same ATE, less variance if they predict the outcome` : null) });
  }
  if (clusterLabels !== null) {
    const clusterNote = design.requestLevelValid ? null : rowNote;
    for (const type of ["CR2", "CR1"] as const) {
      const fit = attempt(notes, `OLS ${type}`, () => clusterRobust(y, regressors, clusterLabels, { treatmentColumn, type }));
      push(`OLS ${type}`, fit, { valid: design.requestLevelValid, note: clusterNote });
    }
    if (!spanning) {
      const clusterMeans = aggregateByCluster(y, treated, clusterLabels);
      const level = attempt(notes, "cluster-level difference-in-means (Welch)", () => differenceInMeans(clusterMeans.means, clusterMeans.treated, { outcomeName: `${rows.outcome} (cluster means)` }));
      push("cluster-level difference-in-means (Welch)", level, { valid: design.requestLevelValid, note: `each ${kind === "switchback" ? "block" : "cluster"} weighted equally (mean of its rows): a cluster-average estimand` });
    }
  }
  if (rows.prePeriod !== null && clusterLabels === null) {
    const pre = rows.prePeriod;
    const adjusted = attempt(notes, "CUPED", () => cuped(y, treated, pre.values));
    push("CUPED", adjusted, { valid: rowsValid, note: rowNote ?? (adjusted === null ? null : `same ATE as the raw difference, less variance: y − θ(${pre.name} − mean), θ = ${adjusted.theta.toPrecision(4)}, variance reduction ${(adjusted.varianceReduction * 100).toFixed(1)} %`) });
  }
  if (kind === "switchback") {
    const blocks = switchbackBlocks(rows);
    for (const m of [0, 1]) {
      const estimate = attempt(notes, `switchback Horvitz–Thompson (m=${m})`, () => switchbackEstimate(blocks, { carryoverBlocks: m, permutations: settings.permutations, seed: settings.seed }));
      if (estimate === null) continue;
      push(`switchback Horvitz–Thompson (m=${m})`, { ...estimate, pValue: estimate.randomizationPValue }, {
        valid: true,
        note: `p-value from ${settings.permutations} re-drawn block assignments (the normal-interval p would be ${estimate.pValue.toPrecision(3)}); ${estimate.blocks} blocks, washout rows dropped`,
        extra: { blocks: estimate.blocks, randomizationPValue: estimate.randomizationPValue, normalPValue: estimate.pValue },
      });
      if (m === 0 && estimate.washout !== null) push("switchback block-level Welch", estimate.washout, { valid: true, note: "Welch over block means (blocks are the units); washout rows dropped" });
    }
  }
  return estimates;
}

/**
 * The estimate the decision rests on: block-level for switchbacks, CR2 over clusters whenever rows are correlated within
 * clusters (cluster / user designs, or --cluster with treatment varying within it), else HC2 with covariates, else Welch.
 * A pre-period column alone makes CUPED the primary (same ATE, smaller variance; Deng et al. 2013); with clusters or other
 * covariates it enters the adjusted regression instead, so --pre-period X and --covariate X decide alike.
 */
function primaryMethodOf(kind: DesignChoice["chosen"], clustered: boolean, hasCovariates: boolean, hasPrePeriod: boolean): string {
  if (kind === "switchback") return "switchback block-level Welch";
  if (clustered) return "OLS CR2";
  if (hasCovariates) return "OLS HC2";
  return hasPrePeriod ? "CUPED" : "difference-in-means (Welch)";
}

/** Mean outcome and arm per cluster. */
export function aggregateByCluster(y: Float64Array, treated: Uint8Array, labels: readonly string[]): { means: Float64Array; treated: Uint8Array } {
  const groups = new Map<string, { sum: number; n: number; treated: number }>();
  labels.forEach((label, index) => {
    const entry = groups.get(label) ?? { sum: 0, n: 0, treated: 0 };
    entry.sum += y[index] ?? 0;
    entry.n += 1;
    entry.treated += treated[index] ?? 0;
    groups.set(label, entry);
  });
  const entries = [...groups.values()];
  return { means: Float64Array.from(entries, (entry) => entry.sum / entry.n), treated: Uint8Array.from(entries, (entry) => (entry.treated * 2 >= entry.n ? 1 : 0)) };
}

