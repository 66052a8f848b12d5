import { describe, expect, test } from "vitest";
import { runReadout } from "../readout/run-readout.js";
import { fixturePath } from "./read-fixture.js";

const senate = fixturePath("senate.csv");
const basque = fixturePath("basque.csv");
const basquePredictors = ["school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest", "sec.agriculture", "sec.energy", "sec.industry", "sec.construction", "sec.services.venta", "sec.services.nonventa", "popdens"].flatMap((c) => ["--predictor", c]);
const basqueArgs = [basque, "--design", "synthetic-control", "--unit", "regionname", "--time", "year", "--outcome", "gdpcap", "--treated-unit", "Basque Country (Pais Vasco)", "--treatment-start", "1970", "--pre-period", "1960-1969", "--exclude-unit", "Spain (Espana)"];

interface RddJson {
  design: string;
  assumption: string;
  estimate: { estimate: number; standardError: number; ci95: [number, number]; bandwidth: number; n: number };
  sensitivity: { multiple: number; estimate: number }[];
  densityTest: { pValue: number };
  covariates: { name: string; estimate: number }[];
}

interface SyntheticJson {
  design: string;
  assumption: string;
  weights: { unit: string; weight: number }[];
  predictorWeights: { predictor: string; weight: number }[];
  rmspe: { pre: number; post: number; ratio: number };
  gaps: { time: number; gap: number }[];
  placebo: { pValue: number; rank: number; units: unknown[] };
}

describe("goodput readout --design rdd", () => {
  test("senate.csv with --bandwidth 17.754 prints the published estimate 7.4141 in JSON", async () => {
    const result = await runReadout([senate, "--design", "rdd", "--running", "margin", "--cutoff", "0", "--outcome", "vote", "--bandwidth", "17.754", "--covariate", "population", "--json"]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as RddJson;
    expect(json.design).toBe("rdd");
    expect(Math.abs(json.estimate.estimate - 7.4141)).toBeLessThan(1e-3);
    expect(json.estimate.bandwidth).toBe(17.754);
    expect(json.estimate.n).toBe(683);
    expect(json.sensitivity).toHaveLength(5);
    expect(json.densityTest.pValue).toBeGreaterThan(0);
    expect(json.covariates[0]!.name).toBe("population");
  });

  test("the text readout states the assumption first, then the diagnostics, the estimate and the local-claim caveat", async () => {
    const result = await runReadout([senate, "--design", "rdd", "--running", "margin", "--cutoff", "0", "--outcome", "vote"]);
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text.indexOf("Identification assumption")).toBeLessThan(text.indexOf("Diagnostics"));
    expect(text.indexOf("Diagnostics")).toBeLessThan(text.indexOf("Estimate"));
    expect(text).toMatch(/jump at the cutoff 0: 7\.414/);
    expect(text).toMatch(/h = 17\.754/);
    expect(text).toMatch(/Caveat: This is a local effect/);
  });

  test("a missing running column is exit 2 naming the column", async () => {
    const result = await runReadout([senate, "--design", "rdd", "--running", "margn", "--cutoff", "0", "--outcome", "vote"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no column "margn" \(from --running\)/);
  });

  test("a cutoff with no data on one side is exit 2 naming the cutoff", async () => {
    const result = await runReadout([senate, "--design", "rdd", "--running", "margin", "--cutoff", "1000", "--outcome", "vote"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/0 at or above the cutoff 1000/);
  });
});

describe("goodput readout --design synthetic-control", () => {
  test("basque.csv recovers Cataluña ≈ 0.851 and Madrid ≈ 0.149 and reports RMSPE, gaps and the placebo p-value", async () => {
    const result = await runReadout([...basqueArgs, ...basquePredictors, "--json"]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as SyntheticJson;
    expect(json.design).toBe("synthetic-control");
    const weight = (unit: string): number => json.weights.find((w) => w.unit === unit)!.weight;
    expect(Math.abs(weight("Cataluna") - 0.851)).toBeLessThan(0.02);
    expect(Math.abs(weight("Madrid (Comunidad De)") - 0.149)).toBeLessThan(0.02);
    for (const w of json.weights) if (!["Cataluna", "Madrid (Comunidad De)"].includes(w.unit)) expect(w.weight).toBeLessThan(0.02);
    expect(json.predictorWeights).toHaveLength(14);
    expect(json.rmspe.post).toBeGreaterThan(json.rmspe.pre);
    expect(json.gaps.map((g) => g.time)).toEqual(Array.from({ length: 43 }, (_, i) => 1955 + i));
    expect(json.placebo.units).toHaveLength(17);
    expect(json.placebo.pValue).toBeCloseTo(json.placebo.rank / 17, 12);
  }, 30_000);

  test("an unknown treated unit is exit 2 naming it", async () => {
    const result = await runReadout([...basqueArgs.map((arg) => (arg === "Basque Country (Pais Vasco)" ? "Atlantis" : arg)), "--json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/treated unit "Atlantis" is not in the data/);
  });

  test("a pre-period outside the data is exit 2 naming the range", async () => {
    const result = await runReadout([...basqueArgs.map((arg) => (arg === "1960-1969" ? "1940-1969" : arg)), "--json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pre-period 1940-1969 lies outside the data's periods 1955-1997/);
  });

  test("a missing predictor column is exit 2 naming the column", async () => {
    const result = await runReadout([...basqueArgs, "--predictor", "schooling", "--json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no column "schooling" \(from --predictor\)/);
  });
});
