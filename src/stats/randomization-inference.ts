import { createRng } from "../numeric/rng.js";
import { _sumByUnit, _unitAggregates } from "./_unit-aggregates.js";
import { _checkLengths, _fail, _finiteColumn, _treatmentColumn, _unitCodes } from "./_validate.js";
import type { Estimate, NumericArray, TreatmentArray, UnitLabels } from "./estimate.js";

export interface RandomizationInferenceOptions {
  /** Monte Carlo re-randomizations (default 10 000). */
  readonly permutations?: number;
  readonly seed: number;
  /** Assignment units (requests, users, clusters); their labels are permuted as wholes. Default: rows. */
  readonly units?: UnitLabels;
  /** Randomization blocks (strata); units are permuted only within their block, keeping each block's treated count. */
  readonly blocks?: UnitLabels;
}

/** Randomization test result: the observed difference, its Fisher p-value and the p-value's Monte Carlo error. */
export interface RandomizationInference extends Estimate {
  readonly permutations: number;
  /** Re-randomizations with |T*| ≥ |T_obs|. */
  readonly extremeCount: number;
  /** √(p(1 − p)/P): Monte Carlo standard error of the p-value. */
  readonly pValueMonteCarloError: number;
  readonly unitCount: number;
}

/**
 * Fisher randomization test of the sharp null (no effect on any unit) for the difference in means, re-drawing the actual
 * assignment (complete randomization of units within blocks); p = (count + 1)/(P + 1) (Imbens & Rubin 2015, ch. 5; Phipson & Smyth 2010).
 */
export function randomizationInference(y: NumericArray, treated: TreatmentArray, options: RandomizationInferenceOptions): RandomizationInference {
  const where = "randomizationInference";
  const permutations = options.permutations ?? 10_000;
  if (!Number.isInteger(permutations) || permutations < 1) _fail(where, `permutations = ${permutations} must be an integer ≥ 1 (e.g. 10000)`);
  const lengths: Record<string, { readonly length: number }> = { y, treated };
  if (options.units !== undefined) lengths.units = options.units;
  if (options.blocks !== undefined) lengths.blocks = options.blocks;
  const n = _checkLengths(where, lengths);
  const outcome = _finiteColumn(where, "y", y);
  const arms = _treatmentColumn(where, treated, 1);
  const units = _unitAggregates(where, arms, options.units);
  const { unitCount, codes, arm, rows } = units;
  const sums = _sumByUnit(outcome, codes, unitCount);
  // Block of each unit (units must be nested in blocks).
  const unitBlock = new Int32Array(unitCount);
  let blockCount = 1;
  if (options.blocks !== undefined) {
    const blocks = _unitCodes(where, "blocks", options.blocks);
    blockCount = blocks.count;
    unitBlock.fill(-1);
    for (let index = 0; index < n; index++) {
      const unit = codes[index] ?? 0;
      const block = blocks.codes[index] ?? 0;
      const seen = unitBlock[unit] ?? -1;
      if (seen === -1) unitBlock[unit] = block;
      else if (seen !== block) _fail(where, `row ${index} puts unit #${unit} in block #${block} but an earlier row put it in block #${seen}; units must be nested in blocks`);
    }
  }
  const draw = _permuteUnits(sums, rows, arm, unitBlock, blockCount, permutations, options.seed);
  return _randomizationResult(draw, { n, unitCount, permutations, seed: options.seed, unitWord: options.units === undefined ? "rows" : "units", blocks: options.blocks === undefined ? null : blockCount });
}

/** The observed statistic and its randomization distribution's summary. */
interface PermutationDraw {
  readonly observed: number;
  readonly extremeCount: number;
  readonly nullStandardError: number;
}

/**
 * Re-randomizations from unit-level sufficient statistics (Σy and row count per unit): the row path and the aggregated
 * path (cluster sums from DuckDB) share it, so with the same units in the same order and seed they give the same p-value.
 */
export function _permuteUnits(sums: Float64Array, rows: Float64Array, arm: Uint8Array, unitBlock: Int32Array, blockCount: number, permutations: number, seed: number): PermutationDraw {
  const unitCount = arm.length;
  // Units grouped by block, with each block's treated count.
  const blockStarts = new Int32Array(blockCount + 1);
  for (const block of unitBlock) blockStarts[block + 1] = (blockStarts[block + 1] ?? 0) + 1;
  for (let b = 0; b < blockCount; b++) blockStarts[b + 1] = (blockStarts[b + 1] ?? 0) + (blockStarts[b] ?? 0);
  const cursor = blockStarts.slice(0, blockCount);
  const pool = new Int32Array(unitCount);
  const treatedPerBlock = new Int32Array(blockCount);
  for (let unit = 0; unit < unitCount; unit++) {
    const block = unitBlock[unit] ?? 0;
    const position = cursor[block] ?? 0;
    pool[position] = unit;
    cursor[block] = position + 1;
    treatedPerBlock[block] = (treatedPerBlock[block] ?? 0) + (arm[unit] ?? 0);
  }
  let totalSum = 0;
  let totalRows = 0;
  let observedTreatedSum = 0;
  let observedTreatedRows = 0;
  for (let unit = 0; unit < unitCount; unit++) {
    totalSum += sums[unit] ?? 0;
    totalRows += rows[unit] ?? 0;
    if (arm[unit] === 1) {
      observedTreatedSum += sums[unit] ?? 0;
      observedTreatedRows += rows[unit] ?? 0;
    }
  }
  const statistic = (treatedSum: number, treatedRows: number): number => treatedSum / treatedRows - (totalSum - treatedSum) / (totalRows - treatedRows);
  const observed = statistic(observedTreatedSum, observedTreatedRows);
  const tolerance = 1e-10 * Math.max(1, Math.abs(observed));
  const rng = createRng(seed, "stats/randomization-inference");
  let extremeCount = 0;
  let sum = 0;
  let squares = 0;
  for (let permutation = 0; permutation < permutations; permutation++) {
    let treatedSum = 0;
    let treatedRows = 0;
    for (let block = 0; block < blockCount; block++) {
      const start = blockStarts[block] ?? 0;
      const size = (blockStarts[block + 1] ?? 0) - start;
      const draw = treatedPerBlock[block] ?? 0;
      // Partial Fisher–Yates: the first `draw` slots of the block become the treated units.
      for (let slot = 0; slot < draw; slot++) {
        const pick = slot + Math.floor(rng.next() * (size - slot));
        const unit = pool[start + pick] ?? 0;
        pool[start + pick] = pool[start + slot] ?? 0;
        pool[start + slot] = unit;
        treatedSum += sums[unit] ?? 0;
        treatedRows += rows[unit] ?? 0;
      }
    }
    const value = statistic(treatedSum, treatedRows);
    sum += value;
    squares += value * value;
    if (Math.abs(value) >= Math.abs(observed) - tolerance) extremeCount++;
  }
  const nullMean = sum / permutations;
  return { observed, extremeCount, nullStandardError: Math.sqrt(Math.max(0, squares / permutations - nullMean * nullMean)) };
}

/** Packs a permutation draw as the shared result shape. */
export function _randomizationResult(draw: PermutationDraw, context: { n: number; unitCount: number; permutations: number; seed: number; unitWord: string; blocks: number | null }): RandomizationInference {
  const { observed, extremeCount, nullStandardError } = draw;
  const { permutations, unitCount, n } = context;
  const pValue = (extremeCount + 1) / (permutations + 1);
  return {
    estimand: "difference in mean outcome per row, treated − control; the p-value tests the sharp null of no effect on any unit",
    method: `Fisher randomization test, ${permutations} re-randomizations of ${unitCount} ${context.unitWord}${context.blocks === null ? "" : ` within ${context.blocks} blocks`} (seed ${context.seed})`,
    estimate: observed,
    standardError: nullStandardError,
    ci95: [observed - 1.959963984540054 * nullStandardError, observed + 1.959963984540054 * nullStandardError],
    df: null,
    pValue,
    n,
    assumptions: [
      "the permutation re-draws the assignment mechanism actually used (complete randomization of these units within these blocks)",
      "the p-value is exact for the sharp null; the standard error is the SD of the randomization distribution and the interval a normal approximation to it",
    ],
    permutations,
    extremeCount,
    pValueMonteCarloError: Math.sqrt((pValue * (1 - pValue)) / permutations),
    unitCount,
  };
}
