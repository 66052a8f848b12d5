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
 * SE: the ATT is a sum of cohort means of per-unit scores s_i = Σ_t w_{g,t} ΔY_i(g, t) minus the never-treated mean of
 * s_j = Σ_{g,t} w_{g,t} ΔY_j(g, t); units are independent, so Var = Σ_g Var_g(s)/N_g + Var_C(s)/N_C (weights held fixed).
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
  if (values.some((value) => Number.isNaN(value))) _fail(where, "the panel is unbalanced (a unit misses a period); Callaway–Sant'Anna here needs every unit in every period");
  const never: number[] = [];
  const cohorts = new Map<number, number[]>();
  first.forEach((g, unit) => {
    if (g === -1) never.push(unit);
    else if (g === 0) return; // treated from the first period: no pre-period to difference from
    else cohorts.set(g, [...(cohorts.get(g) ?? []), unit]);
  });
  if (never.length < 2) _fail(where, `${never.length} never-treated unit(s); the never-treated comparison needs at least 2`);
  if (cohorts.size === 0) _fail(where, "no cohort is first treated after the first period");
  const y = (unit: number, t: number): number => values[unit * T + t] ?? 0;
  const mean = (list: readonly number[], f: (unit: number) => number): number => list.reduce((sum, unit) => sum + f(unit), 0) / list.length;
  const cells: (GroupTimeEffect & { readonly g: number; readonly t: number })[] = [];
  for (const [g, units] of [...cohorts].sort((a, b) => a[0] - b[0])) {
    for (let t = g; t < T; t++) {
      const delta = (unit: number): number => y(unit, t) - y(unit, g - 1);
      cells.push({ g, t, cohort: periods[g] ?? Number.NaN, time: periods[t] ?? Number.NaN, estimate: mean(units, delta) - mean(never, delta), treatedUnits: units.length });
    }
  }
  const totalWeight = cells.reduce((sum, cell) => sum + cell.treatedUnits, 0);
  const weight = (cell: { readonly treatedUnits: number }): number => cell.treatedUnits / totalWeight;
  const estimate = cells.reduce((sum, cell) => sum + weight(cell) * cell.estimate, 0);
  const sampleVariance = (scores: readonly number[]): number => {
    const m = scores.reduce((a, b) => a + b, 0) / scores.length;
    return scores.reduce((sum, value) => sum + (value - m) ** 2, 0) / (scores.length - 1);
  };
  let variance = 0;
  for (const [g, units] of cohorts) {
    if (units.length < 2) continue;
    const scores = units.map((unit) => cells.filter((cell) => cell.g === g).reduce((sum, cell) => sum + weight(cell) * (y(unit, cell.t) - y(unit, g - 1)), 0));
    variance += sampleVariance(scores) / units.length;
  }
  const controlScores = never.map((unit) => cells.reduce((sum, cell) => sum + weight(cell) * (y(unit, cell.t) - y(unit, cell.g - 1)), 0));
  variance += sampleVariance(controlScores) / never.length;
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
