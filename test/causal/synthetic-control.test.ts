import { describe, expect, test } from "vitest";
import { estimateSyntheticControl } from "../../src/causal/synthetic-control-estimate.js";
import { _minimizeOnSimplex } from "../../src/causal/_simplex-qp.js";
import { readCsv } from "./read-fixture.js";

const basque = readCsv("basque.csv");
const predictorColumns = ["school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest", "sec.agriculture", "sec.energy", "sec.industry", "sec.construction", "sec.services.venta", "sec.services.nonventa", "popdens"];

describe("synthetic control on the Basque Country (Abadie & Gardeazabal 2003)", () => {
  test("estimateSyntheticControl() puts ≈ 0.851 on Cataluña and ≈ 0.149 on Madrid, every other donor < 0.02", () => {
    const result = estimateSyntheticControl(
      { unit: basque.text("regionname"), time: basque.number("year"), outcome: basque.number("gdpcap"), predictors: Object.fromEntries(predictorColumns.map((c) => [c, basque.number(c)])) },
      { treatedUnit: "Basque Country (Pais Vasco)", treatmentStart: 1970, prePeriod: [1960, 1969], excludeUnits: ["Spain (Espana)"], outcomeName: "gdpcap" },
    );
    const weight = (unit: string): number => result.weights.find((w) => w.unit === unit)!.weight;
    expect(Math.abs(weight("Cataluna") - 0.851)).toBeLessThan(0.02);
    expect(Math.abs(weight("Madrid (Comunidad De)") - 0.149)).toBeLessThan(0.02);
    for (const w of result.weights) if (!["Cataluna", "Madrid (Comunidad De)"].includes(w.unit)) expect(w.weight).toBeLessThan(0.02);
    expect(result.weights).toHaveLength(16);
    expect(result.assumption).toMatch(/^No interference and no anticipation/);
    expect(result.rmspe.pre).toBeLessThan(0.1);
    expect(result.placebo!.units).toHaveLength(17);
  }, 30_000);
});

describe("synthetic control closed-form checks", () => {
  test("_minimizeOnSimplex() finds the interior optimum of a separable quadratic", () => {
    // min Σ (wᵢ − tᵢ)² with t on the simplex → w = t.
    const w = _minimizeOnSimplex([[2, 0, 0], [0, 2, 0], [0, 0, 2]], [-0.4, -1.2, -0.4]);
    expect(w[0]).toBeCloseTo(0.2, 10);
    expect(w[1]).toBeCloseTo(0.6, 10);
    expect(w[2]).toBeCloseTo(0.2, 10);
  });
});

describe("synthetic control on constructed panels", () => {
  const years = Array.from({ length: 20 }, (_, i) => 2000 + i);
  const series: Record<string, (t: number) => number> = {
    A: (t) => 10 + 0.5 * t + Math.sin(t),
    B: (t) => 20 + 0.1 * t * t / 10 + Math.cos(t),
    C: (t) => 5 + 2 * Math.sqrt(t + 1),
    D: (t) => 15 - 0.3 * t + 0.5 * Math.sin(2 * t),
  };
  const build = (treated: (t: number) => number, effect: number) => {
    const unit: string[] = [];
    const time: number[] = [];
    const outcome: number[] = [];
    const size: number[] = [];
    const units: Record<string, { y: (t: number) => number; size: number }> = {
      A: { y: series.A!, size: 1 }, B: { y: series.B!, size: 4 }, C: { y: series.C!, size: 2 }, D: { y: series.D!, size: 7 },
      T: { y: (t) => treated(t) + (t >= 12 ? effect : 0), size: 0.3 * 1 + 0.7 * 4 },
    };
    for (const [name, spec] of Object.entries(units)) {
      years.forEach((year, t) => {
        unit.push(name);
        time.push(year);
        outcome.push(spec.y(t));
        size.push(spec.size);
      });
    }
    return { unit, time, outcome, predictors: { size } };
  };

  test("a treated unit that is exactly 0.3·A + 0.7·B gets those weights, zero pre-period error and the built-in effect as its gap", () => {
    const data = build((t) => 0.3 * series.A!(t) + 0.7 * series.B!(t), 5);
    const result = estimateSyntheticControl(data, { treatedUnit: "T", treatmentStart: 2012, prePeriod: [2000, 2011] });
    const weight = (name: string): number => result.weights.find((w) => w.unit === name)!.weight;
    expect(weight("A")).toBeCloseTo(0.3, 4);
    expect(weight("B")).toBeCloseTo(0.7, 4);
    expect(weight("C") + weight("D")).toBeLessThan(1e-4);
    expect(result.rmspe.pre).toBeLessThan(1e-3);
    expect(result.averagePostGap).toBeCloseTo(5, 2);
    expect(result.placebo!.rank).toBe(1);
    expect(result.placebo!.pValue).toBeCloseTo(1 / 5, 12);
  });

  test("a donor pool of one is a BAD_INPUT error", () => {
    const data = build((t) => 0.3 * series.A!(t) + 0.7 * series.B!(t), 5);
    expect(() => estimateSyntheticControl(data, { treatedUnit: "T", treatmentStart: 2012, prePeriod: [2000, 2011], excludeUnits: ["B", "C", "D"] })).toThrow(/donor pool has 1 usable unit\(s\) \("A"\)/);
  });

  test("a pre-period that reaches the treatment start is a BAD_INPUT error", () => {
    const data = build((t) => series.A!(t), 0);
    expect(() => estimateSyntheticControl(data, { treatedUnit: "T", treatmentStart: 2012, prePeriod: [2000, 2012] })).toThrow(/must end before treatment/);
  });
});
