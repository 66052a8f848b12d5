import { readFileSync } from "node:fs";
import { expect } from "vitest";

/** The committed casebook tables (scripts/fixtures/make-decision-casebook.mjs) and R's values for them (….R). */
export const casebook = (name: string): string => `test/fixtures/casebook/${name}`;

export interface Reference { estimate: number; standardError: number; df: number; ci95: [number, number]; pValue: number }
export const expected = JSON.parse(readFileSync(casebook("casebook.expected.json"), "utf8")) as {
  star: Reference;
  pools: { cr2: Reference; welchP: number; exactP: number; assignments: number };
  cuped: { hc2: Reference };
  noncompliance: { itt: Reference; late: Reference; asTreated: Reference };
};

/** Columns of a committed CSV as numbers (text cells become NaN) — read here, independently of the readout's reader. */
export function csvColumns(name: string): Record<string, number[]> & { text: Record<string, string[]> } {
  const [header = "", ...lines] = readFileSync(casebook(name), "utf8").trim().split("\n");
  const names = header.split(",");
  const text: Record<string, string[]> = Object.fromEntries(names.map((column) => [column, [] as string[]]));
  for (const line of lines) line.split(",").forEach((cell, index) => text[names[index] ?? ""]?.push(cell));
  const numbers = Object.fromEntries(names.map((column) => [column, (text[column] ?? []).map(Number)]));
  return Object.assign(numbers, { text });
}

/** Welch difference in means treated − control and its SE, by hand (Welch 1947): the oracle for the unadjusted cases. */
export function welchByHand(y: readonly number[], treated: readonly number[]): { estimate: number; standardError: number } {
  const arm = (value: number) => y.filter((_, index) => treated[index] === value);
  const moments = (values: number[]) => {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
    return { mean, variance, n: values.length };
  };
  const t = moments(arm(1));
  const c = moments(arm(0));
  return { estimate: t.mean - c.mean, standardError: Math.sqrt(t.variance / t.n + c.variance / c.n) };
}

/** |actual − reference| within a relative 1e-6 (estimatr / hand calculation vs the readout). */
export function close(actual: number | null | undefined, reference: number, relative = 1e-6): void {
  expect(Math.abs((actual ?? Number.NaN) - reference)).toBeLessThanOrEqual(relative * Math.max(Math.abs(reference), 1e-12));
}
