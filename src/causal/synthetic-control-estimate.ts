import { minimizeNelderMead } from "../numeric/nelder-mead.js";
import type { NumericArray } from "../stats/estimate.js";
import { _fail } from "../stats/_validate.js";
import { _minimizeOnSimplex } from "./_simplex-qp.js";

/** A long (unit × time) panel: one row per unit and period. */
export interface SyntheticControlPanel {
  readonly unit: ArrayLike<string>;
  readonly time: NumericArray;
  readonly outcome: NumericArray;
  /** Predictor columns (long format, NaN = missing); averaged over the pre-period per unit. */
  readonly predictors?: Readonly<Record<string, NumericArray>>;
}

export interface SyntheticControlOptions {
  readonly treatedUnit: string;
  /** First treated period. */
  readonly treatmentStart: number;
  /** Pre-period [first, last] over which predictors are averaged and the outcome fit is optimised. */
  readonly prePeriod: readonly [number, number];
  /** Units left out of the donor pool (e.g. an aggregate of all units). */
  readonly excludeUnits?: readonly string[];
  /** Run the placebo-in-space test (refit every donor as if treated; default true). */
  readonly placebo?: boolean;
  /** Name of the outcome column, for labels (default "outcome"). */
  readonly outcomeName?: string;
}

export interface SyntheticControlFit {
  readonly weights: readonly { readonly unit: string; readonly weight: number }[];
  readonly predictorWeights: readonly { readonly predictor: string; readonly weight: number }[];
  readonly rmspe: { readonly pre: number; readonly post: number; readonly ratio: number };
  readonly gaps: readonly { readonly time: number; readonly gap: number }[];
  /** The treated unit's outcome and its synthetic counterpart per period (for the treated-vs-synthetic chart; gap = treated − synthetic). */
  readonly series: readonly { readonly time: number; readonly treated: number; readonly synthetic: number }[];
  /** Treated, synthetic and donor-average predictor values (the balance table). */
  readonly balance: readonly { readonly predictor: string; readonly treated: number; readonly synthetic: number; readonly donorMean: number }[];
}

export interface SyntheticControlResult extends SyntheticControlFit {
  readonly design: "synthetic-control";
  readonly assumption: string;
  readonly diagnostics: readonly string[];
  readonly treatedUnit: string;
  readonly treatmentStart: number;
  readonly prePeriod: readonly [number, number];
  /** Average post-period gap (treated − synthetic). */
  readonly averagePostGap: number;
  readonly placebo: {
    readonly pValue: number;
    /** Rank of the treated unit's post/pre RMSPE ratio among all units (1 = largest). */
    readonly rank: number;
    /** `gaps[t]` is the unit's gap (as if treated) at the period `gaps[t].time` of the result, for the placebo-gaps chart. */
    readonly units: readonly { readonly unit: string; readonly preRmspe: number; readonly postRmspe: number; readonly ratio: number; readonly gaps: readonly number[] }[];
  } | null;
  readonly caveat: string;
  readonly warnings: readonly string[];
}

interface Panel {
  readonly units: readonly string[];
  readonly times: readonly number[];
  /** outcome[unit][time index]. */
  readonly outcome: readonly (readonly number[])[];
  readonly preIndices: readonly number[];
  readonly postIndices: readonly number[];
  /** predictorValues[predictor][unit], pre-period means ignoring missing values. */
  readonly predictorNames: readonly string[];
  readonly predictorValues: readonly (readonly number[])[];
}

const where = "estimateSyntheticControl";
const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

function buildPanel(data: SyntheticControlPanel, options: SyntheticControlOptions): Panel {
  const n = data.unit.length;
  if (data.time.length !== n || data.outcome.length !== n) _fail(where, `unit has ${n} rows, time ${data.time.length}, outcome ${data.outcome.length}; every column needs one value per row`);
  const unitIndex = new Map<string, number>();
  const timeSet = new Set<number>();
  for (let row = 0; row < n; row++) {
    const unit = data.unit[row] ?? "";
    if (!unitIndex.has(unit)) unitIndex.set(unit, unitIndex.size);
    const time = data.time[row] ?? Number.NaN;
    if (!Number.isFinite(time)) _fail(where, `time[${row}] = ${time} is not a finite number`);
    timeSet.add(time);
  }
  const units = [...unitIndex.keys()];
  const times = [...timeSet].sort((a, b) => a - b);
  const timeIndex = new Map(times.map((time, index) => [time, index]));
  const [preFirst, preLast] = options.prePeriod;
  const first = times[0] ?? Number.NaN;
  const last = times[times.length - 1] ?? Number.NaN;
  if (!(preFirst <= preLast)) _fail(where, `pre-period ${preFirst}-${preLast} is empty; give it as FIRST-LAST with FIRST ≤ LAST`);
  if (preFirst < first || preLast > last) _fail(where, `pre-period ${preFirst}-${preLast} lies outside the data's periods ${first}-${last}`);
  if (preLast >= options.treatmentStart) _fail(where, `pre-period ${preFirst}-${preLast} reaches the treatment start ${options.treatmentStart}; it must end before treatment`);
  if (options.treatmentStart > last) _fail(where, `treatment start ${options.treatmentStart} is after the last period ${last}; there is no post-period to evaluate`);
  const preIndices = times.flatMap((time, index) => (time >= preFirst && time <= preLast ? [index] : []));
  const postIndices = times.flatMap((time, index) => (time >= options.treatmentStart ? [index] : []));
  if (preIndices.length === 0) _fail(where, `no periods of the data fall in the pre-period ${preFirst}-${preLast}`);
  const outcome = units.map(() => new Array<number>(times.length).fill(Number.NaN));
  const predictorNames = Object.keys(data.predictors ?? {});
  const sums = predictorNames.map(() => units.map(() => ({ sum: 0, count: 0 })));
  for (let row = 0; row < n; row++) {
    const u = unitIndex.get(data.unit[row] ?? "") ?? 0;
    const t = timeIndex.get(data.time[row] ?? Number.NaN) ?? 0;
    const unitRow = outcome[u] ?? [];
    if (Number.isFinite(unitRow[t] ?? Number.NaN)) _fail(where, `unit "${units[u] ?? ""}" has more than one row for period ${times[t] ?? ""}; the panel needs one row per unit and period`);
    unitRow[t] = data.outcome[row] ?? Number.NaN;
    const time = times[t] ?? Number.NaN;
    if (time < preFirst || time > preLast) continue;
    predictorNames.forEach((name, k) => {
      const value = data.predictors?.[name]?.[row] ?? Number.NaN;
      const cell = sums[k]?.[u];
      if (cell !== undefined && Number.isFinite(value)) {
        cell.sum += value;
        cell.count++;
      }
    });
  }
  const outcomeMeans = units.map((_, u) => {
    const values = preIndices.map((t) => outcome[u]?.[t] ?? Number.NaN);
    return values.some((value) => !Number.isFinite(value)) ? Number.NaN : mean(values);
  });
  const predictorValues = [outcomeMeans, ...sums.map((cells) => cells.map((cell) => (cell.count > 0 ? cell.sum / cell.count : Number.NaN)))];
  return { units, times, outcome, preIndices, postIndices, predictorNames: [`${options.outcomeName ?? "outcome"} (mean ${preFirst}-${preLast})`, ...predictorNames], predictorValues };
}

function rmspe(gaps: readonly number[], indices: readonly number[]): number {
  const values = indices.map((t) => gaps[t] ?? Number.NaN).filter(Number.isFinite);
  return values.length === 0 ? Number.NaN : Math.sqrt(mean(values.map((value) => value * value)));
}

/**
 * One synthetic control (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010): predictors scaled by their SD across
 * the treated unit and donors; for diagonal V (normalised to sum 1), W = argmin ‖X₁ − X₀W‖_V on the simplex (active-set QP);
 * V = argmin pre-period outcome MSPE (Nelder–Mead over log V, restarted once from its optimum).
 */
function fitSyntheticControl(panel: Panel, treated: number, donors: readonly number[]): SyntheticControlFit & { readonly gapsByIndex: readonly number[] } {
  const keep = panel.predictorValues.flatMap((row, k) => {
    const values = [treated, ...donors].map((u) => row[u] ?? Number.NaN);
    const avg = mean(values);
    const sd = Math.sqrt(values.reduce((sum, value) => sum + (value - avg) ** 2, 0) / (values.length - 1));
    return sd > 0 ? [{ k, sd }] : [];
  });
  if (keep.length === 0) _fail(where, "every predictor is constant across the treated unit and the donors; there is nothing to match on");
  const x1 = keep.map(({ k, sd }) => (panel.predictorValues[k]?.[treated] ?? 0) / sd);
  const x0 = keep.map(({ k, sd }) => donors.map((u) => (panel.predictorValues[k]?.[u] ?? 0) / sd));
  const J = donors.length;
  const outer = x0.map((row) => row.map((a) => row.map((b) => a * b)));
  const cross = x0.map((row, k) => row.map((a) => a * (x1[k] ?? 0)));
  const z1 = panel.preIndices.map((t) => panel.outcome[treated]?.[t] ?? 0);
  const z0 = panel.preIndices.map((t) => donors.map((u) => panel.outcome[u]?.[t] ?? 0));
  const K = keep.length;
  const weightsFor = (v: readonly number[]): number[] => {
    const hessian: number[][] = [];
    const linear: number[] = [];
    for (let i = 0; i < J; i++) {
      const row = new Array<number>(J).fill(0);
      let g = 0;
      for (let k = 0; k < K; k++) {
        const vk = v[k] ?? 0;
        const outerRow = outer[k]?.[i] ?? [];
        for (let j = 0; j < J; j++) row[j] = (row[j] ?? 0) + vk * (outerRow[j] ?? 0);
        g -= vk * (cross[k]?.[i] ?? 0);
      }
      hessian.push(row);
      linear.push(g);
    }
    return _minimizeOnSimplex(hessian, linear);
  };
  const normalise = (logV: readonly number[]): number[] => {
    const top = Math.max(...logV);
    const raw = logV.map((value) => Math.exp(value - top));
    const total = raw.reduce((sum, value) => sum + value, 0);
    return raw.map((value) => value / total);
  };
  const loss = (w: readonly number[]): number => mean(z1.map((value, t) => (value - (z0[t] ?? []).reduce((sum, y, j) => sum + y * (w[j] ?? 0), 0)) ** 2));
  const objective = (logV: readonly number[]): number => loss(weightsFor(normalise(logV)));
  let best = minimizeNelderMead(objective, new Array<number>(keep.length).fill(0), { step: 1, tolerance: 1e-10, maxIterations: 150 * K });
  const restart = minimizeNelderMead(objective, best.point, { step: 0.5, tolerance: 1e-10, maxIterations: 150 * K });
  if (restart.value < best.value) best = restart;
  const v = normalise(best.point);
  const w = weightsFor(v);
  const gapsByIndex = panel.times.map((_, t) => (panel.outcome[treated]?.[t] ?? Number.NaN) - donors.reduce((sum, u, j) => sum + (w[j] ?? 0) * (panel.outcome[u]?.[t] ?? Number.NaN), 0));
  const pre = rmspe(gapsByIndex, panel.preIndices);
  const post = rmspe(gapsByIndex, panel.postIndices);
  return {
    weights: donors.map((u, j) => ({ unit: panel.units[u] ?? "", weight: w[j] ?? 0 })),
    predictorWeights: panel.predictorNames.map((predictor, k) => ({ predictor, weight: v[keep.findIndex((entry) => entry.k === k)] ?? 0 })),
    rmspe: { pre, post, ratio: post / pre },
    gaps: panel.times.map((time, t) => ({ time, gap: gapsByIndex[t] ?? Number.NaN })),
    series: panel.times.map((time, t) => ({ time, treated: panel.outcome[treated]?.[t] ?? Number.NaN, synthetic: (panel.outcome[treated]?.[t] ?? Number.NaN) - (gapsByIndex[t] ?? Number.NaN) })),
    balance: panel.predictorNames.map((predictor, k) => {
      const row = panel.predictorValues[k] ?? [];
      return { predictor, treated: row[treated] ?? Number.NaN, synthetic: donors.reduce((sum, u, j) => sum + (w[j] ?? 0) * (row[u] ?? 0), 0), donorMean: mean(donors.map((u) => row[u] ?? 0)) };
    }),
    gapsByIndex,
  };
}

/**
 * Synthetic control with predictor weighting and a placebo-in-space test (Abadie, Diamond & Hainmueller 2010, 2015): the
 * p-value is the rank of the treated unit's post/pre RMSPE ratio among the treated unit and every donor refitted as if treated.
 */
export function estimateSyntheticControl(data: SyntheticControlPanel, options: SyntheticControlOptions): SyntheticControlResult {
  const panel = buildPanel(data, options);
  const treated = panel.units.indexOf(options.treatedUnit);
  if (treated < 0) _fail(where, `treated unit "${options.treatedUnit}" is not in the data (units: ${panel.units.slice(0, 20).join(", ")}${panel.units.length > 20 ? ", …" : ""})`);
  const excluded = new Set(options.excludeUnits ?? []);
  for (const name of excluded) if (!panel.units.includes(name)) _fail(where, `excluded unit "${name}" is not in the data (units: ${panel.units.slice(0, 20).join(", ")})`);
  const warnings: string[] = [];
  const candidates = panel.units.flatMap((name, u) => (u !== treated && !excluded.has(name) ? [u] : []));
  const usable = (u: number): boolean => panel.predictorValues.every((row) => Number.isFinite(row[u] ?? Number.NaN));
  for (const u of candidates) {
    if (!usable(u)) {
      const missing = panel.predictorNames.filter((_, k) => !Number.isFinite(panel.predictorValues[k]?.[u] ?? Number.NaN));
      warnings.push(`donor "${panel.units[u] ?? ""}" left out: no pre-period values (or a missing pre-period outcome) for ${missing.join(", ")}`);
    }
  }
  if (!usable(treated)) {
    const missing = panel.predictorNames.filter((_, k) => !Number.isFinite(panel.predictorValues[k]?.[treated] ?? Number.NaN));
    _fail(where, `treated unit "${options.treatedUnit}" has no pre-period values (or a missing pre-period outcome) for ${missing.join(", ")}`);
  }
  const donors = candidates.filter(usable);
  if (donors.length < 2) _fail(where, `the donor pool has ${donors.length} usable unit(s)${donors.length === 1 ? ` ("${panel.units[donors[0] ?? 0] ?? ""}")` : ""}; a synthetic control needs at least 2 donors — a single donor is a plain comparison, not a weighted counterfactual`);
  const fit = fitSyntheticControl(panel, treated, donors);
  let placebo: SyntheticControlResult["placebo"] = null;
  if (options.placebo ?? true) {
    const units = [{ unit: options.treatedUnit, preRmspe: fit.rmspe.pre, postRmspe: fit.rmspe.post, ratio: fit.rmspe.ratio, gaps: fit.gapsByIndex }];
    for (const donor of donors) {
      const placeboFit = fitSyntheticControl(panel, donor, donors.filter((u) => u !== donor));
      units.push({ unit: panel.units[donor] ?? "", preRmspe: placeboFit.rmspe.pre, postRmspe: placeboFit.rmspe.post, ratio: placeboFit.rmspe.ratio, gaps: placeboFit.gapsByIndex });
    }
    const rank = units.filter((entry) => entry.ratio >= fit.rmspe.ratio).length;
    placebo = { pValue: rank / units.length, rank, units };
    if (units.length < 20) warnings.push(`only ${units.length} units in the placebo distribution: the smallest attainable p-value is ${(1 / units.length).toPrecision(2)}`);
  }
  const outcomeSd = (() => {
    const values = donors.flatMap((u) => panel.preIndices.map((t) => panel.outcome[u]?.[t] ?? 0));
    const avg = mean(values);
    return Math.sqrt(mean(values.map((value) => (value - avg) ** 2)));
  })();
  if (fit.rmspe.pre > 0.1 * outcomeSd) warnings.push(`poor pre-period fit: pre-RMSPE ${fit.rmspe.pre.toPrecision(3)} is more than 10 % of the donors' outcome SD (${outcomeSd.toPrecision(3)}); the synthetic unit does not track the treated one — downgrade the claim`);
  const treatedOutcomes = panel.preIndices.map((t) => panel.outcome[treated]?.[t] ?? 0);
  const maxDonor = Math.max(...donors.flatMap((u) => panel.preIndices.map((t) => panel.outcome[u]?.[t] ?? 0)));
  const minDonor = Math.min(...donors.flatMap((u) => panel.preIndices.map((t) => panel.outcome[u]?.[t] ?? 0)));
  if (treatedOutcomes.some((value) => value > maxDonor || value < minDonor)) warnings.push("the treated unit's pre-period outcome lies outside the donors' range: no convex combination can match it (interpolation bias is likely)");
  const postGaps = panel.postIndices.map((t) => fit.gapsByIndex[t] ?? Number.NaN).filter(Number.isFinite);
  const { gapsByIndex: _unused, ...publicFit } = fit;
  return {
    design: "synthetic-control",
    assumption: `No interference and no anticipation: had "${options.treatedUnit}" not been treated from ${options.treatmentStart}, its outcome would have followed the weighted donors that matched it in ${options.prePeriod[0]}-${options.prePeriod[1]}; donors were not affected by the treatment and suffered no unit-specific shocks afterwards.`,
    diagnostics: [
      "pre-period fit: a large pre-RMSPE means the synthetic unit never tracked the treated one",
      "placebo-in-space: if many donors show post/pre RMSPE ratios as large as the treated unit's, the gap is not distinguishable from noise",
      "donor weights: a few donors carrying all weight should be plausible comparisons (no spillover, no own shocks)",
      "predictor balance: treated vs synthetic predictor values",
    ],
    treatedUnit: options.treatedUnit, treatmentStart: options.treatmentStart, prePeriod: options.prePeriod,
    ...publicFit,
    averagePostGap: postGaps.length > 0 ? mean(postGaps) : Number.NaN,
    placebo,
    caveat: `The effect is specific to "${options.treatedUnit}" and its donor pool; inference is by placebo rank, not a standard error, so with few donors even a perfect ranking gives a coarse p-value.`,
    warnings,
  };
}
