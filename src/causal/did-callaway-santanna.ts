import type { NumericArray, TreatmentArray, UnitLabels } from "../stats/estimate.js";
import { normalQuantile } from "../stats/normal-distribution.js";
import { _fail, _unitCodes } from "../stats/_validate.js";

/** One group-time average treatment effect ATT(g, t): cohort g (first treated period) at period t. */
export interface GroupTimeEffect {
  readonly cohort: number;
  readonly time: number;
  readonly estimate: number;
  readonly treatedUnits: number;
}

export interface CallawaySantAnnaResult {
  readonly method: string;
  readonly estimand: string;
  /** Overall ATT: the post-treatment ATT(g, t) averaged with weights ∝ cohort size. */
  readonly estimate: number;
  readonly standardError: number;
  readonly ci95: readonly [number, number];
  readonly cells: readonly GroupTimeEffect[];
  readonly comparisonUnits: number;
}

/**
 * Callaway & Sant'Anna (2021) for staggered adoption with never-treated units as the comparison and no covariates:
 * ATT(g, t) = E[Y_t − Y_{g−1} | G = g] − E[Y_t − Y_{g−1} | never treated] for every post period t ≥ g, aggregated to
 * one ATT with weights ∝ the cohort's size over its post cells ("simple" aggregation of did::aggte). Unlike TWFE it never
 * uses already-treated units as controls, so effects that grow over time do not bias it (Goodman-Bacon 2021).
 * SE: ATT = Σ_i ψ_i with ψ_i = Σ_c w_c ΔY_ic / N_c over the cells c unit i enters (negative for never-treated units);
 * units are independent, so Var = Σ_groups n·Var_group(ψ) (weights held fixed) — for a balanced panel
 * Σ_g Var_g(s)/N_g + Var_C(s)/N_C with s_i = Σ_t w_{g,t} ΔY_i(g, t). Unbalanced panels use, in each cell, the units
 * observed at both t and g − 1.
 */
export function callawaySantAnna(panel: { readonly y: NumericArray; readonly unit: UnitLabels; readonly time: NumericArray; readonly treated: TreatmentArray }): CallawaySantAnnaResult {
  const where = "callawaySantAnna";
  const { codes, count } = _unitCodes(where, "unit", panel.unit);
  const periods = [...new Set(Array.from(panel.time))].sort((a, b) => a - b);
  const periodIndex = new Map(periods.map((time, index) => [time, index]));
  const T = periods.length;
  const values = new Float64Array(count * T).fill(Number.NaN);
  const first = new Int32Array(count).fill(-1);
  for (let row = 0; row < codes.length; row++) {
    const unit = codes[row] ?? 0;
    const t = periodIndex.get(panel.time[row] ?? Number.NaN) ?? 0;
    if (!Number.isNaN(values[unit * T + t] ?? Number.NaN)) _fail(where, `unit #${unit} has two rows at period ${periods[t] ?? Number.NaN}; the panel needs one row per unit and period`);
    values[unit * T + t] = Number(panel.y[row]);
    if (Number(panel.treated[row]) === 1 && ((first[unit] ?? -1) === -1 || t < (first[unit] ?? 0))) first[unit] = t;
  }
  const never: number[] = [];
  const cohorts = new Map<number, number[]>();
  first.forEach((g, unit) => {
    if (g === -1) never.push(unit);
    else if (g === 0) return; // treated from the first period: no pre-period to difference from
    else cohorts.set(g, [...(cohorts.get(g) ?? []), unit]);
  });
  if (never.length < 2) _fail(where, `${never.length} never-treated unit(s); the never-treated comparison needs at least 2`);
  if (cohorts.size === 0) _fail(where, "no cohort is first treated after the first period");
  const y = (unit: number, t: number): number => values[unit * T + t] ?? Number.NaN;
  // Unbalanced panels: each cell uses the units observed at both t and g − 1.
  const delta = (unit: number, t: number, g: number): number => y(unit, t) - y(unit, g - 1);
  const observed = (units: readonly number[], t: number, g: number): number[] => units.filter((unit) => Number.isFinite(delta(unit, t, g)));
  const mean = (list: readonly number[], f: (unit: number) => number): number => list.reduce((sum, unit) => sum + f(unit), 0) / list.length;
  const cells: (GroupTimeEffect & { readonly g: number; readonly t: number; readonly treatedSet: number[]; readonly controlSet: number[] })[] = [];
  for (const [g, units] of [...cohorts].sort((a, b) => a[0] - b[0])) {
    for (let t = g; t < T; t++) {
      const treatedSet = observed(units, t, g);
      const controlSet = observed(never, t, g);
      if (treatedSet.length === 0 || controlSet.length === 0) continue;
      const estimateCell = mean(treatedSet, (unit) => delta(unit, t, g)) - mean(controlSet, (unit) => delta(unit, t, g));
      cells.push({ g, t, cohort: periods[g] ?? Number.NaN, time: periods[t] ?? Number.NaN, estimate: estimateCell, treatedUnits: treatedSet.length, treatedSet, controlSet });
    }
  }
  if (cells.length === 0) _fail(where, "no cohort has a post period observed together with its last pre period and a never-treated unit");
  const totalWeight = cells.reduce((sum, cell) => sum + cell.treatedUnits, 0);
  const weight = (cell: { readonly treatedUnits: number }): number => cell.treatedUnits / totalWeight;
  const estimate = cells.reduce((sum, cell) => sum + weight(cell) * cell.estimate, 0);
  // ATT = Σ_i ψ_i with ψ_i = ±Σ_c w_c Δ_ic / |set_c|; units independent → Var = Σ_groups n · Var_group(ψ).
  const psi = new Map<number, number>();
  for (const cell of cells) {
    for (const unit of cell.treatedSet) psi.set(unit, (psi.get(unit) ?? 0) + (weight(cell) * delta(unit, cell.t, cell.g)) / cell.treatedSet.length);
    for (const unit of cell.controlSet) psi.set(unit, (psi.get(unit) ?? 0) + (weight(cell) * delta(unit, cell.t, cell.g)) / cell.controlSet.length);
  }
  let variance = 0;
  for (const group of [...cohorts.values(), never]) {
    const scores = group.filter((unit) => psi.has(unit)).map((unit) => psi.get(unit) ?? 0);
    if (scores.length < 2) continue;
    const m = scores.reduce((a, b) => a + b, 0) / scores.length;
    variance += (scores.length * scores.reduce((sum, value) => sum + (value - m) ** 2, 0)) / (scores.length - 1);
  }
  const standardError = Math.sqrt(variance);
  const z = normalQuantile(0.975);
  return {
    method: `Callaway–Sant'Anna ATT (never-treated comparison, ${cohorts.size} cohorts, ${cells.length} group-time cells, simple aggregation)`,
    estimand: "average effect on the treated over post-adoption periods, each cohort compared only with never-treated units",
    estimate,
    standardError,
    ci95: [estimate - z * standardError, estimate + z * standardError],
    cells: cells.map(({ cohort, time, estimate: value, treatedUnits }) => ({ cohort, time, estimate: value, treatedUnits })),
    comparisonUnits: never.length,
  };
}
