import { createRng } from "../numeric/rng.js";
import type { NumericArray, TreatmentArray, UnitLabels } from "./estimate.js";
import { _sumByUnit, _unitAggregates } from "./_unit-aggregates.js";
import { _checkLengths, _fail, _finiteColumn, _treatmentColumn, _unitCodes } from "./_validate.js";

export interface RandomizationIntervalOptions {
  /** Enumerate every assignment when there are at most this many (default 100 000); else draw `permutations` at random. */
  readonly maxExact?: number;
  readonly permutations?: number;
  readonly seed: number;
  readonly alpha?: number;
  readonly units?: UnitLabels;
  /** Randomization blocks (strata): units are re-assigned only within their block, keeping each block's treated count (Monte Carlo). */
  readonly blocks?: UnitLabels;
}

export interface RandomizationInterval {
  readonly estimate: number;
  /** Share of assignments with |T*| ≥ |T_obs| under the sharp null of no effect. */
  readonly pValue: number;
  /** {τ : the sharp null "every row's effect is τ" is not rejected at alpha} (Rosenbaum 2002, §2.6 test inversion). */
  readonly ci: readonly [number, number];
  readonly alpha: number;
  /** Number of assignments used; `exact` when they are all C(G, G₁) of them. */
  readonly assignments: number;
  readonly exact: boolean;
  readonly unitCount: number;
}

/** C(n, k), or Infinity past `limit` (stops early). */
function binomial(n: number, k: number, limit: number): number {
  let value = 1;
  for (let i = 1; i <= k; i++) {
    value = (value * (n - k + i)) / i;
    if (value > limit) return Number.POSITIVE_INFINITY;
  }
  return Math.round(value);
}

/** Every k-subset of 0 … n−1 in lexicographic order, passed to `visit`. */
function forEachSubset(n: number, k: number, visit: (subset: Int32Array) => void): void {
  const subset = Int32Array.from({ length: k }, (_, i) => i);
  for (;;) {
    visit(subset);
    let i = k - 1;
    while (i >= 0 && (subset[i] ?? 0) === n - k + i) i--;
    if (i < 0) return;
    subset[i] = (subset[i] ?? 0) + 1;
    for (let j = i + 1; j < k; j++) subset[j] = (subset[j - 1] ?? 0) + 1;
  }
}

/**
 * Randomization inference for a completely randomized assignment of units (rows or clusters): the exact p-value over all
 * C(G, G₁) assignments when they are few (8 pools, 4 treated → 70), else a seeded Monte Carlo; and the CI by inverting the
 * test of a constant additive effect τ. Under "Y(1) = Y(0) + τ" the statistic of a re-assignment A is linear in τ:
 * T_A(τ) = a_A − τ b_A with a_A the difference in means of y and b_A that of the actual treatment, so every τ is tested
 * with the same assignments in O(#assignments) and the bounds are found by bisection.
 */
export function randomizationInterval(y: NumericArray, treated: TreatmentArray, options: RandomizationIntervalOptions): RandomizationInterval {
  const where = "randomizationInterval";
  const lengths: Record<string, { readonly length: number }> = { y, treated };
  if (options.units !== undefined) lengths.units = options.units;
  if (options.blocks !== undefined) lengths.blocks = options.blocks;
  _checkLengths(where, lengths);
  const outcome = _finiteColumn(where, "y", y);
  const arms = _treatmentColumn(where, treated, 1);
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) _fail(where, `alpha = ${alpha} must be in (0, 1)`);
  const { unitCount, codes, arm, rows } = _unitAggregates(where, arms, options.units);
  const sums = _sumByUnit(outcome, codes, unitCount);
  let treatedUnits = 0;
  let totalSum = 0;
  let totalRows = 0;
  let treatedRowsTotal = 0;
  for (let u = 0; u < unitCount; u++) {
    treatedUnits += arm[u] ?? 0;
    totalSum += sums[u] ?? 0;
    totalRows += rows[u] ?? 0;
    treatedRowsTotal += (arm[u] ?? 0) * (rows[u] ?? 0);
  }
  const blockOf = options.blocks === undefined ? null : _unitBlocks(where, { codes, unitCount, arm }, options.blocks);
  const maxExact = options.maxExact ?? 100_000;
  // Blocked designs are re-drawn at random within blocks (the enumeration below covers one completely randomized pool).
  const count = blockOf === null ? binomial(unitCount, treatedUnits, maxExact) : Number.POSITIVE_INFINITY;
  const exact = Number.isFinite(count);
  const slopes: number[] = [];
  const intercepts: number[] = [];
  const record = (members: ArrayLike<number>): void => {
    let sum = 0;
    let n = 0;
    let actuallyTreated = 0;
    for (let i = 0; i < members.length; i++) {
      const u = members[i] ?? 0;
      sum += sums[u] ?? 0;
      n += rows[u] ?? 0;
      actuallyTreated += (arm[u] ?? 0) * (rows[u] ?? 0);
    }
    intercepts.push(sum / n - (totalSum - sum) / (totalRows - n));
    slopes.push(actuallyTreated / n - (treatedRowsTotal - actuallyTreated) / (totalRows - n));
  };
  if (exact) forEachSubset(unitCount, treatedUnits, record);
  else {
    const rng = createRng(options.seed, "stats/randomization-interval");
    // Each block's units with its treated count (one block holding every unit when unblocked).
    const groups = blockOf === null ? [{ pool: Int32Array.from({ length: unitCount }, (_, u) => u), treated: treatedUnits }] : blockOf;
    const members = new Int32Array(treatedUnits);
    const draws = options.permutations ?? 10_000;
    for (let draw = 0; draw < draws; draw++) {
      let filled = 0;
      for (const group of groups) {
        const { pool } = group;
        // Partial Fisher–Yates: the first `treated` slots of the block become its treated units.
        for (let slot = 0; slot < group.treated; slot++) {
          const pick = slot + Math.floor(rng.next() * (pool.length - slot));
          const unit = pool[pick] ?? 0;
          pool[pick] = pool[slot] ?? 0;
          pool[slot] = unit;
          members[filled++] = unit;
        }
      }
      record(members);
    }
  }
  const observed = treatedRowsTotal === 0 ? 0 : (() => {
    let sum = 0;
    for (let u = 0; u < unitCount; u++) sum += (arm[u] ?? 0) * (sums[u] ?? 0);
    return sum / treatedRowsTotal - (totalSum - sum) / (totalRows - treatedRowsTotal);
  })();
  const pAt = (tau: number): number => {
    const target = Math.abs(observed - tau) * (1 - 1e-12);
    let extreme = 0;
    for (let i = 0; i < intercepts.length; i++) if (Math.abs((intercepts[i] ?? 0) - tau * (slopes[i] ?? 0)) >= target) extreme++;
    // Exact: the observed assignment is among the enumerated ones; Monte Carlo: add it (Phipson & Smyth 2010).
    return exact ? extreme / intercepts.length : (extreme + 1) / (intercepts.length + 1);
  };
  const spread = Math.sqrt(intercepts.reduce((sum, value) => sum + value * value, 0) / intercepts.length) || Math.abs(observed) || 1;
  const bound = (direction: 1 | -1): number => {
    let inside = observed;
    let step = spread;
    let outside = observed + direction * step;
    for (let guard = 0; pAt(outside) > alpha && guard < 60; guard++) {
      inside = outside;
      step *= 2;
      outside = observed + direction * step;
    }
    for (let iteration = 0; iteration < 80; iteration++) {
      const middle = (inside + outside) / 2;
      if (pAt(middle) > alpha) inside = middle;
      else outside = middle;
    }
    return (inside + outside) / 2;
  };
  return { estimate: observed, pValue: pAt(0), ci: [bound(-1), bound(1)], alpha, assignments: intercepts.length, exact, unitCount };
}

/** The units of each block with the block's treated count; units must be nested in blocks. */
function _unitBlocks(where: string, units: { readonly codes: Int32Array; readonly unitCount: number; readonly arm: Uint8Array }, blocks: UnitLabels): { pool: Int32Array; treated: number }[] {
  const { codes, unitCount, arm } = units;
  const blockCodes = _unitCodes(where, "blocks", blocks);
  const unitBlock = new Int32Array(unitCount).fill(-1);
  for (let index = 0; index < codes.length; index++) {
    const unit = codes[index] ?? 0;
    const block = blockCodes.codes[index] ?? 0;
    const seen = unitBlock[unit] ?? -1;
    if (seen === -1) unitBlock[unit] = block;
    else if (seen !== block) _fail(where, `row ${index} puts unit #${unit} in block #${block} but an earlier row put it in block #${seen}; units must be nested in blocks`);
  }
  const groups = Array.from({ length: blockCodes.count }, () => ({ units: [] as number[], treated: 0 }));
  for (let unit = 0; unit < unitCount; unit++) {
    const group = groups[unitBlock[unit] ?? 0];
    group?.units.push(unit);
    if (group !== undefined) group.treated += arm[unit] ?? 0;
  }
  return groups.map((group) => ({ pool: Int32Array.from(group.units), treated: group.treated }));
}
