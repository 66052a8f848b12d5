import { createRng } from "../../src/numeric/rng.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Path of a fixture in test/fixtures/causal/. */
export const fixturePath = (name: string): string => fileURLToPath(new URL(`../fixtures/causal/${name}`, import.meta.url));

/** Minimal CSV reader for the fixtures: quoted names, "" / NA → NaN for numbers. */
export function readCsv(name: string): { columns: string[]; text: (column: string) => string[]; number: (column: string) => number[] } {
  const lines = readFileSync(fixturePath(name), "utf8").trim().split("\n");
  const split = (line: string): string[] => line.split(",").map((cell) => cell.replace(/^"|"$/g, ""));
  const columns = split(lines[0]!);
  const rows = lines.slice(1).map(split);
  const index = (column: string): number => {
    const at = columns.indexOf(column);
    if (at < 0) throw new Error(`no column ${column}`);
    return at;
  };
  return {
    columns,
    text: (column) => rows.map((row) => row[index(column)]!),
    number: (column) => rows.map((row) => {
      const cell = row[index(column)]!;
      return cell === "" || cell === "NA" ? Number.NaN : Number(cell);
    }),
  };
}

/** The project's seeded PRNG as a plain uniform draw, for simulated designs. */
export function seededUniform(seed: number): () => number {
  const rng = createRng(seed, "test/causal");
  return () => rng.next();
}
