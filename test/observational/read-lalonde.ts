import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Path of a fixture in test/fixtures/observational/. */
export const observationalFixture = (name: string): string => fileURLToPath(new URL(`../fixtures/observational/${name}`, import.meta.url));

export const readJson = (name: string): unknown => JSON.parse(readFileSync(observationalFixture(name), "utf8"));

/** lalonde.csv (MatchIt::lalonde) with race as R codes it: dummies hispan and white, black the reference level. */
export function readLalonde(): { treat: number[]; re78: number[]; covariates: Record<string, number[]> } {
  const lines = readFileSync(observationalFixture("lalonde.csv"), "utf8").trim().split("\n");
  const header = (lines[0] ?? "").split(",");
  const rows = lines.slice(1).map((line) => line.split(","));
  const column = (name: string): string[] => rows.map((row) => row[header.indexOf(name)] ?? "");
  const numbers = (name: string): number[] => column(name).map(Number);
  const race = column("race");
  return {
    treat: numbers("treat"),
    re78: numbers("re78"),
    covariates: {
      age: numbers("age"),
      educ: numbers("educ"),
      hispan: race.map((value) => (value === "hispan" ? 1 : 0)),
      white: race.map((value) => (value === "white" ? 1 : 0)),
      married: numbers("married"),
      nodegree: numbers("nodegree"),
      re74: numbers("re74"),
      re75: numbers("re75"),
    },
  };
}
