import { createRng, type Rng } from "../numeric/rng.js";
import { _unitAggregates } from "./_unit-aggregates.js";
import { _checkLengths, _fail, _finiteColumn, _treatmentColumn } from "./_validate.js";
import { quantileSorted } from "./quantile.js";
import type { Estimate, NumericArray, TreatmentArray, UnitLabels } from "./estimate.js";

export interface QuantileTreatmentEffectOptions {
  /** Bootstrap replicates (default 2000). */
  readonly bootstrap?: number;
  readonly seed: number;
  /** Assignment units (users, clusters); the bootstrap resamples these within arm. Default: rows. */
  readonly units?: UnitLabels;
  /** Called with (replicates done, replicates) every 64 replicates and at the end: for a progress line in the shell. */
  readonly onReplicate?: (done: number, total: number) => void;
}

/** One quantile's treatment effect. */
export interface QuantileTreatmentEffect extends Estimate {
  readonly probability: number;
  readonly quantileTreated: number;
  readonly quantileControl: number;
}

/** One arm's rows sorted by value, with the arm-local unit of each sorted row. */
interface SortedArm {
  readonly values: Float64Array;
  readonly unitOfRow: Int32Array;
  readonly unitCount: number;
}

function sortArm(outcome: Float64Array, arms: Uint8Array, codes: Int32Array, unitArm: Uint8Array, arm: number): SortedArm {
  const localUnit = new Int32Array(unitArm.length).fill(-1);
  let unitCount = 0;
  for (let unit = 0; unit < unitArm.length; unit++) if (unitArm[unit] === arm) localUnit[unit] = unitCount++;
  const rows: number[] = [];
  for (let index = 0; index < outcome.length; index++) if (arms[index] === arm) rows.push(index);
  rows.sort((a, b) => (outcome[a] ?? 0) - (outcome[b] ?? 0));
  const values = new Float64Array(rows.length);
  const unitOfRow = new Int32Array(rows.length);
  rows.forEach((row, position) => {
    values[position] = outcome[row] ?? 0;
    unitOfRow[position] = localUnit[codes[row] ?? 0] ?? 0;
  });
  return { values, unitOfRow, unitCount };
}

/**
 * Type-7 quantiles of one bootstrap resample of units, without materialising it: each sorted row is repeated as often as
 * its unit was drawn, and one pass over the sorted rows finds every needed order statistic.
 */
function resampledQuantiles(arm: SortedArm, probabilities: readonly number[], rng: Rng, draws: Int32Array, output: Float64Array): void {
  draws.fill(0);
  for (let draw = 0; draw < arm.unitCount; draw++) {
    const unit = Math.floor(rng.next() * arm.unitCount);
    draws[unit] = (draws[unit] ?? 0) + 1;
  }
  let total = 0;
  for (let position = 0; position < arm.values.length; position++) total += draws[arm.unitOfRow[position] ?? 0] ?? 0;
  // Ranks needed: floor(h) and floor(h)+1 for each probability (probabilities ascending).
  let probabilityIndex = 0;
  let cumulative = 0;
  let lowValue = Number.NaN;
  let pendingLow = false;
  for (let position = 0; position < arm.values.length && probabilityIndex < probabilities.length; position++) {
    const weight = draws[arm.unitOfRow[position] ?? 0] ?? 0;
    if (weight === 0) continue;
    const value = arm.values[position] ?? 0;
    const end = cumulative + weight;
    while (probabilityIndex < probabilities.length) {
      const h = (total - 1) * (probabilities[probabilityIndex] ?? 0);
      const lowRank = Math.floor(h);
      if (!pendingLow) {
        if (lowRank >= end) break;
        lowValue = value;
        pendingLow = true;
      }
      const fraction = h - lowRank;
      if (fraction === 0 || lowRank + 1 >= total) {
        output[probabilityIndex++] = lowValue;
        pendingLow = false;
        continue;
      }
      if (lowRank + 1 >= end) break;
      output[probabilityIndex++] = lowValue + fraction * (value - lowValue);
      pendingLow = false;
    }
    cumulative = end;
  }
}

/** Quantile treatment effects (difference of type-7 sample quantiles; Doksum 1974, Firpo 2007) with a seeded percentile bootstrap over assignment units within arm (Efron & Tibshirani 1993, §13). */
export function quantileTreatmentEffects(y: NumericArray, treated: TreatmentArray, probabilities: readonly number[], options: QuantileTreatmentEffectOptions): QuantileTreatmentEffect[] {
  const where = "quantileTreatmentEffects";
  const replicates = options.bootstrap ?? 2000;
  if (!Number.isInteger(replicates) || replicates < 2) _fail(where, `bootstrap = ${replicates} must be an integer ≥ 2 (e.g. 2000)`);
  probabilities.forEach((p, index) => {
    if (!(p >= 0 && p <= 1)) _fail(where, `probabilities[${index}] = ${p} must be in [0, 1]`);
  });
  const n = _checkLengths(where, options.units === undefined ? { y, treated } : { y, treated, units: options.units });
  const outcome = _finiteColumn(where, "y", y);
  const arms = _treatmentColumn(where, treated, 2);
  const units = _unitAggregates(where, arms, options.units);
  const treatedArm = sortArm(outcome, arms, units.codes, units.arm, 1);
  const controlArm = sortArm(outcome, arms, units.codes, units.arm, 0);
  if (treatedArm.unitCount < 2 || controlArm.unitCount < 2) _fail(where, `needs at least 2 assignment units per arm (has ${treatedArm.unitCount} treated, ${controlArm.unitCount} control)`);
  const order = probabilities.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const ascending = order.map(({ p }) => p);
  const k = ascending.length;
  const rng = createRng(options.seed, "stats/quantile-treatment-effects");
  const samples = new Float64Array(replicates * k);
  const treatedDraws = new Int32Array(treatedArm.unitCount);
  const controlDraws = new Int32Array(controlArm.unitCount);
  const treatedQuantiles = new Float64Array(k);
  const controlQuantiles = new Float64Array(k);
  for (let b = 0; b < replicates; b++) {
    resampledQuantiles(treatedArm, ascending, rng, treatedDraws, treatedQuantiles);
    resampledQuantiles(controlArm, ascending, rng, controlDraws, controlQuantiles);
    for (let j = 0; j < k; j++) samples[j * replicates + b] = (treatedQuantiles[j] ?? 0) - (controlQuantiles[j] ?? 0);
    if (options.onReplicate !== undefined && ((b + 1) % 64 === 0 || b + 1 === replicates)) options.onReplicate(b + 1, replicates);
  }
  return _qteFromBootstrap(samples, replicates, probabilities, {
    quantileTreated: ascending.map((p) => quantileSorted(treatedArm.values, p)),
    quantileControl: ascending.map((p) => quantileSorted(controlArm.values, p)),
    n,
    seed: options.seed,
    unitWord: options.units === undefined ? "rows" : "assignment units",
  });
}

/**
 * Packs bootstrap draws (samples[j·B + b] = effect at the j-th ascending probability in replicate b) and the point
 * quantiles (ascending order) as results in the caller's probability order; shared by the row and the aggregated path.
 */
export function _qteFromBootstrap(samples: Float64Array, replicates: number, probabilities: readonly number[], point: { quantileTreated: readonly number[]; quantileControl: readonly number[]; n: number; seed: number; unitWord: string }): QuantileTreatmentEffect[] {
  const { n } = point;
  const order = probabilities.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const k = order.length;
  const results = new Array<QuantileTreatmentEffect>(k);
  order.forEach(({ p, index }, j) => {
    const quantileTreated = point.quantileTreated[j] ?? Number.NaN;
    const quantileControl = point.quantileControl[j] ?? Number.NaN;
    const estimate = quantileTreated - quantileControl;
    const draws = samples.subarray(j * replicates, (j + 1) * replicates);
    let sum = 0;
    let atOrBelowZero = 0;
    let atOrAboveZero = 0;
    for (const value of draws) {
      sum += value;
      if (value <= 0) atOrBelowZero++;
      if (value >= 0) atOrAboveZero++;
    }
    const mean = sum / replicates;
    let squares = 0;
    for (const value of draws) squares += (value - mean) ** 2;
    const sorted = Float64Array.from(draws).sort();
    results[index] = {
      estimand: `difference in the p${p * 100} of the outcome distribution, treated − control (not the effect on a p${p * 100} unit)`,
      method: `difference of type-7 sample quantiles; percentile bootstrap (${replicates} replicates, seed ${point.seed}) resampling ${point.unitWord} within arm`,
      estimate,
      standardError: Math.sqrt(squares / (replicates - 1)),
      ci95: [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)],
      df: null,
      pValue: Math.min(1, (2 * (Math.min(atOrBelowZero, atOrAboveZero) + 1)) / (replicates + 1)),
      n,
      assumptions: [
        point.unitWord === "rows" ? "rows are independent and are the assignment units" : "assignment units are independent; rows within a unit may be correlated",
        "extreme quantiles (p99) need many rows per arm: the bootstrap understates uncertainty in sparse tails",
      ],
      probability: p,
      quantileTreated,
      quantileControl,
    };
  });
  return results;
}
