import { GoodputError } from "../errors.js";
import type { NumericArray, TreatmentArray, UnitLabels } from "./estimate.js";

const maxIssues = 20;

function fail(where: string, message: string, issues: readonly string[] = []): never {
  throw new GoodputError("BAD_INPUT", `${where}: ${message}`, { where, issues });
}

function describeValue(value: unknown): string {
  return typeof value === "number" && Number.isNaN(value) ? "NaN" : String(value);
}

/** Every length equal to the first (the outcome's); names the array that differs. */
export function _checkLengths(where: string, arrays: Readonly<Record<string, { readonly length: number }>>): number {
  const entries = Object.entries(arrays);
  const [firstName, first] = entries[0] ?? ["", { length: 0 }];
  for (const [name, array] of entries) {
    if (array.length !== first.length) fail(where, `${name} has ${array.length} rows but ${firstName} has ${first.length}; every column must have one value per row`);
  }
  return first.length;
}

/** Copies into a Float64Array, rejecting non-finite (and optionally negative or non-positive) values with their index. */
export function _finiteColumn(where: string, name: string, values: NumericArray, constraint: "any" | "nonNegative" | "positive" = "any"): Float64Array {
  const output = new Float64Array(values.length);
  const issues: string[] = [];
  for (let index = 0; index < values.length; index++) {
    const value = values[index] ?? Number.NaN;
    const bad = !Number.isFinite(value) ? "is not a finite number" : constraint === "nonNegative" && value < 0 ? "is negative" : constraint === "positive" && value <= 0 ? "is not positive" : "";
    if (bad !== "" && issues.length < maxIssues) issues.push(`${name}[${index}] = ${describeValue(value)} ${bad}`);
    output[index] = value;
  }
  if (issues.length > 0) {
    const need = constraint === "any" ? "finite numbers" : constraint === "nonNegative" ? "finite numbers ≥ 0" : "finite numbers > 0";
    fail(where, `${issues[0] ?? ""}; ${name} must hold ${need}${issues.length > 1 ? ` (${issues.length}${issues.length === maxIssues ? "+" : ""} bad values)` : ""}`, issues);
  }
  return output;
}

/** Treatment column as 0/1 bytes; both arms must be present with at least `minPerArm` rows. */
export function _treatmentColumn(where: string, treated: TreatmentArray, minPerArm = 1): Uint8Array {
  const output = new Uint8Array(treated.length);
  const issues: string[] = [];
  let treatedCount = 0;
  for (let index = 0; index < treated.length; index++) {
    const value = treated[index];
    if (value === 1 || value === true) {
      output[index] = 1;
      treatedCount++;
    } else if (value !== 0 && value !== false && issues.length < maxIssues) issues.push(`treated[${index}] = ${describeValue(value)} is not 0/1`);
  }
  if (issues.length > 0) fail(where, `${issues[0] ?? ""}; treated must be 0 (control) or 1 (treated) on every row`, issues);
  const controlCount = treated.length - treatedCount;
  if (treatedCount < minPerArm || controlCount < minPerArm) {
    fail(where, `needs at least ${minPerArm} row(s) in each arm but has ${treatedCount} treated and ${controlCount} control; a comparison needs both arms`);
  }
  return output;
}

/** Codes already computed per labels array: a readout runs several cluster-robust fits over the same 10M labels. */
const codesByLabels = new WeakMap<object, { readonly codes: Int32Array; readonly count: number }>();

/**
 * Labels → dense integer codes 0..count−1 in order of first appearance. Memoized per labels array (callers never
 * mutate label arrays after reading them); the returned codes must be treated as read-only.
 */
export function _unitCodes(where: string, name: string, labels: UnitLabels): { codes: Int32Array; count: number } {
  const cached = codesByLabels.get(labels);
  if (cached !== undefined) return cached;
  const result = computeUnitCodes(where, name, labels);
  codesByLabels.set(labels, result);
  return result;
}

function computeUnitCodes(where: string, name: string, labels: UnitLabels): { codes: Int32Array; count: number } {
  const codes = new Int32Array(labels.length);
  const seen = new Map<string | number, number>();
  for (let index = 0; index < labels.length; index++) {
    const label = labels[index];
    if (label === undefined || (typeof label === "number" && !Number.isFinite(label))) fail(where, `${name}[${index}] = ${describeValue(label)} is not a valid label; use a string or finite number`);
    let code = seen.get(label);
    if (code === undefined) {
      code = seen.size;
      seen.set(label, code);
    }
    codes[index] = code;
  }
  return { codes, count: seen.size };
}

/** Per-unit arm (0/1); fails naming the first row whose unit was already seen in the other arm. */
export function _unitArms(where: string, unitName: string, codes: Int32Array, unitCount: number, arms: Uint8Array): Uint8Array {
  const unitArm = new Uint8Array(unitCount).fill(2);
  for (let index = 0; index < codes.length; index++) {
    const code = codes[index] ?? 0;
    const arm = arms[index] ?? 0;
    const seen = unitArm[code] ?? 2;
    if (seen === 2) unitArm[code] = arm;
    else if (seen !== arm) fail(where, `row ${index} puts ${unitName} #${code} in arm ${arm} but an earlier row put it in arm ${seen}; each assignment unit must be in one arm`);
  }
  return unitArm;
}

export { fail as _fail };

/**
 * Largest magnitude an analysed value may have: variances square the values, so beyond ~1e150 sums of squares overflow to
 * Infinity and every SE and CI turns NaN. Readers refuse larger values, naming the file, column and row.
 */
export const maxAnalysableMagnitude = 1e150;
