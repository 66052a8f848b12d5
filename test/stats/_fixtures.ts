import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const directory = fileURLToPath(new URL("../fixtures/stats/", import.meta.url));

/** A committed CSV as columns: numeric where every value parses, else strings. */
export function readCsvColumns(name: string): Record<string, number[] | string[]> {
  const [header = "", ...lines] = readFileSync(directory + name, "utf8").trim().split("\n");
  const names = header.split(",");
  const cells = lines.map((line) => line.split(","));
  const columns: Record<string, number[] | string[]> = {};
  names.forEach((column, index) => {
    const raw = cells.map((row) => row[index] ?? "");
    columns[column] = raw.every((value) => value !== "" && Number.isFinite(Number(value))) ? raw.map(Number) : raw;
  });
  return columns;
}

export function numbers(columns: Record<string, number[] | string[]>, name: string): number[] {
  const column = columns[name];
  if (column === undefined || column.some((value) => typeof value !== "number")) throw new Error(`no numeric column ${name}`);
  return column as number[];
}

export function labels(columns: Record<string, number[] | string[]>, name: string): string[] {
  const column = columns[name];
  if (column === undefined) throw new Error(`no column ${name}`);
  return column.map(String);
}

/** A committed JSON fixture (values produced by scripts/fixtures/make-stats-fixtures.R). */
export function readExpected(name: string): unknown {
  return JSON.parse(readFileSync(directory + name, "utf8")) as unknown;
}

/** |actual − expected| ≤ relative·|expected| (+ a tiny absolute floor for values at 0). */
export function closeTo(actual: number, expected: number, relative = 1e-6): boolean {
  return Math.abs(actual - expected) <= relative * Math.abs(expected) + 1e-12;
}
