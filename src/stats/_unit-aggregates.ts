import { _unitArms, _unitCodes } from "./_validate.js";
import type { UnitLabels } from "./estimate.js";

/** Per-assignment-unit arm, row count and (optionally) column sums; rows are their own units when no labels are given. */
export interface UnitAggregates {
  readonly unitCount: number;
  /** Unit code per row. */
  readonly codes: Int32Array;
  readonly arm: Uint8Array;
  readonly rows: Float64Array;
}

/** Maps rows to assignment units and checks each unit sits in one arm. */
export function _unitAggregates(where: string, arms: Uint8Array, units: UnitLabels | undefined): UnitAggregates {
  if (units === undefined) {
    const codes = new Int32Array(arms.length);
    for (let index = 0; index < codes.length; index++) codes[index] = index;
    return { unitCount: arms.length, codes, arm: Uint8Array.from(arms), rows: new Float64Array(arms.length).fill(1) };
  }
  const { codes, count } = _unitCodes(where, "units", units);
  const arm = _unitArms(where, "unit", codes, count, arms);
  const rows = new Float64Array(count);
  for (const code of codes) rows[code] = (rows[code] ?? 0) + 1;
  return { unitCount: count, codes, arm, rows };
}

/** Σ values per unit. */
export function _sumByUnit(values: Float64Array, codes: Int32Array, unitCount: number): Float64Array {
  const sums = new Float64Array(unitCount);
  for (let index = 0; index < values.length; index++) {
    const code = codes[index] ?? 0;
    sums[code] = (sums[code] ?? 0) + (values[index] ?? 0);
  }
  return sums;
}
