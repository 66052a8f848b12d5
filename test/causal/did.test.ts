import { readFileSync } from "node:fs";
import { goodputErrorOf } from "../goodput-error-of.js";
import { describe, expect, test } from "vitest";
import { estimateDid } from "../../src/causal/did-estimate.js";
import { fixturePath, seededUniform, readCsv } from "./read-fixture.js";

interface Term { estimate: number; standardError: number; df: number; ci95: [number, number] }
interface EventExpected { window: [number, number]; eventStudy: (Term & { relativeTime: number })[]; preTrend: { F: number; df1: number; df2: number; pValue: number } }
interface DidExpected { n: number; units: number; estimate: Term; fullWindow: EventExpected; window4: EventExpected }

const close = (actual: number, wanted: number, tolerance = 1e-6): void => {
  expect(Math.abs(actual - wanted)).toBeLessThan(tolerance * Math.max(1, Math.abs(wanted)));
};
const thrown = goodputErrorOf;

describe("estimateDid() against lm + sandwich::vcovCL and plm on a seeded staggered panel", () => {
  const data = readCsv("did-panel.csv");
  const reference = JSON.parse(readFileSync(fixturePath("did-panel.expected.json"), "utf8")) as DidExpected;
  const panel = { y: data.number("y"), unit: data.text("unit"), time: data.number("time"), treated: data.number("treated") };

  test("TWFE coefficient and CR1 SE clustered by unit (df G − 1) match to 1e-6 on the unbalanced panel", () => {
    const result = estimateDid(panel);
    close(result.estimate.estimate, reference.estimate.estimate);
    close(result.estimate.standardError, reference.estimate.standardError);
    close(result.estimate.ci95[0], reference.estimate.ci95[0]);
    close(result.estimate.ci95[1], reference.estimate.ci95[1]);
    expect(result.estimate.df).toBe(reference.estimate.df);
    expect(result.estimate.n).toBe(reference.n);
    expect(result.estimate.units).toBe(reference.units);
  });

  for (const [label, window, wanted] of [["all relative periods", undefined, reference.fullWindow], ["the -4:4 window with binned endpoints", [-4, 4] as const, reference.window4]] as const) {
    test(`event study over ${label}: leads, lags and the joint pre-trend F match R`, () => {
      const result = estimateDid(panel, window === undefined ? {} : { eventWindow: window });
      expect(result.eventWindow).toEqual(wanted.window);
      expect(result.eventStudy.map((row) => row.relativeTime)).toEqual(wanted.eventStudy.map((row) => row.relativeTime));
      result.eventStudy.forEach((row, index) => {
        const other = wanted.eventStudy[index]!;
        close(row.estimate, other.estimate);
        close(row.standardError, other.standardError);
        close(row.ci95[1], other.ci95[1]);
      });
      close(result.preTrend!.F, wanted.preTrend.F);
      expect(result.preTrend!.df1).toBe(wanted.preTrend.df1);
      expect(result.preTrend!.df2).toBe(wanted.preTrend.df2);
      close(result.preTrend!.pValue, wanted.preTrend.pValue);
    });
  }

  test("staggered adoption is flagged with the cohorts", () => {
    const result = estimateDid(panel);
    expect(result.staggered.cohorts).toEqual([{ firstTreated: 5, units: 11 }, { firstTreated: 7, units: 11 }]);
    expect(result.staggered.neverTreated).toBe(14);
    expect(result.staggered.warning).toMatch(/Staggered adoption: 2 cohorts .* can be biased/);
  });
});

/** Balanced panel: units × periods, half the units first treated at `start`; y = unit + time + effect·treated + trend·(treated unit)·t + noise. */
function simulatePanel(options: { units: number; periods: number; start: number; effect: number; preTrend?: number; noise?: number; seed?: number }) {
  const random = seededUniform(options.seed ?? 1);
  const y: number[] = [];
  const unit: string[] = [];
  const time: number[] = [];
  const treated: number[] = [];
  const unitEffect = Array.from({ length: options.units }, (_, u) => Math.sin(u) * 3);
  const timeEffect = Array.from({ length: options.periods }, (_, t) => 0.5 * t + Math.cos(t));
  for (let u = 0; u < options.units; u++) {
    const isTreatedUnit = u % 2 === 0;
    for (let t = 0; t < options.periods; t++) {
      const d = isTreatedUnit && t >= options.start ? 1 : 0;
      const trend = isTreatedUnit ? (options.preTrend ?? 0) * t : 0;
      const noise = (options.noise ?? 0) * (random() - 0.5);
      unit.push(`u${u}`);
      time.push(2000 + t);
      treated.push(d);
      y.push(unitEffect[u]! + timeEffect[t]! + options.effect * d + trend + noise);
    }
  }
  return { y, unit, time, treated };
}

describe("estimateDid() closed forms", () => {
  test("a noiseless parallel-trends panel recovers the effect exactly, with flat leads and constant lags", () => {
    const result = estimateDid(simulatePanel({ units: 10, periods: 8, start: 4, effect: 2.5 }));
    close(result.estimate.estimate, 2.5, 1e-10);
    expect(result.estimate.standardError).toBeLessThan(1e-9);
    for (const row of result.eventStudy) close(row.estimate, row.relativeTime < 0 ? 0 : 2.5, 1e-10);
    expect(result.eventStudy.map((row) => row.relativeTime)).toEqual([-4, -3, -2, 0, 1, 2, 3]);
    expect(result.staggered.warning).toBeNull();
    expect(result.staggered.cohorts).toEqual([{ firstTreated: 2004, units: 5 }]);
  });

  test("the 2×2 DiD is the difference of before/after mean changes", () => {
    const result = estimateDid({ y: [1, 3, 2, 7, 0, 1, 5, 4], unit: ["a", "a", "b", "b", "c", "c", "d", "d"], time: [0, 1, 0, 1, 0, 1, 0, 1], treated: [0, 1, 0, 1, 0, 0, 0, 0] });
    // Treated change: ((3 − 1) + (7 − 2)) / 2 = 3.5; control change: ((1 − 0) + (4 − 5)) / 2 = 0.
    close(result.estimate.estimate, 3.5, 1e-12);
  });

  test("a linear pre-trend in the treated units is detected by the joint lead test", () => {
    const result = estimateDid(simulatePanel({ units: 40, periods: 8, start: 5, effect: 1, preTrend: 0.4, noise: 0.5, seed: 3 }));
    expect(result.preTrend!.pValue).toBeLessThan(1e-3);
    expect(result.warnings.join("\n")).toMatch(/Pre-trends detected/);
    // Leads grow linearly towards −1: lead −k ≈ −0.4·(k − 1).
    close(result.eventStudy.find((row) => row.relativeTime === -3)!.estimate, -0.8, 0.15);
  });

  test("parallel trends with noise: the pre-trend test does not reject", () => {
    const result = estimateDid(simulatePanel({ units: 40, periods: 8, start: 5, effect: 1, noise: 0.5, seed: 4 }));
    expect(result.preTrend!.pValue).toBeGreaterThan(0.05);
    expect(result.warnings.join("\n")).not.toMatch(/Pre-trends detected/);
  });
});

describe("estimateDid() bad input", () => {
  test("every unit treated at once has no comparison group", () => {
    const error = thrown(() => estimateDid({ y: [1, 2, 3, 4], unit: ["a", "a", "b", "b"], time: [1, 2, 1, 2], treated: [0, 1, 0, 1] }, { names: { unit: "region" } }));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toMatch(/every region is first treated at time 2/);
  });

  test("a repeated unit-period names the row", () => {
    const error = thrown(() => estimateDid({ y: [1, 2, 3, 4, 5], unit: ["a", "a", "b", "b", "b"], time: [1, 2, 1, 2, 2], treated: [0, 1, 0, 0, 0] }));
    expect(error.message).toMatch(/row 4 repeats unit "b" at time 2/);
  });

  test("a treatment value other than 0/1 is named", () => {
    const error = thrown(() => estimateDid({ y: [1, 2, 3, 4], unit: ["a", "a", "b", "b"], time: [1, 2, 1, 2], treated: [0, 2, 0, 0] }));
    expect(error.message).toMatch(/treated\[1\] = 2 is not 0\/1/);
  });

  test("an event window without −1 inside is rejected", () => {
    const error = thrown(() => estimateDid(simulatePanel({ units: 4, periods: 4, start: 2, effect: 1 }), { eventWindow: [0, 2] }));
    expect(error.message).toMatch(/event window 0:2/);
  });
});
