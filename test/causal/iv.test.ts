import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { goodputErrorOf } from "../goodput-error-of.js";
import { estimateIv } from "../../src/causal/iv-estimate.js";
import { fixturePath, seededUniform, readCsv } from "./read-fixture.js";

interface Term { estimate: number; standardError: number; df: number; ci95: [number, number] }
interface IvExpected {
  n: number;
  estimate: Term;
  coefficients: Record<string, number>;
  firstStage: { F: number; coefficient: number; standardError: number };
  reducedForm: Term;
  itt?: { y: Term; d: Term };
  late?: { estimate: number; standardError: number };
}
const expected = (name: string): unknown => JSON.parse(readFileSync(fixturePath(name), "utf8"));
const close = (actual: number, wanted: number, tolerance = 1e-6): void => {
  expect(Math.abs(actual - wanted)).toBeLessThan(tolerance * Math.max(1, Math.abs(wanted)));
};
const closeTerm = (actual: { estimate: number; standardError: number; ci95: readonly [number, number]; df: number }, wanted: Term): void => {
  close(actual.estimate, wanted.estimate);
  close(actual.standardError, wanted.standardError);
  close(actual.ci95[0], wanted.ci95[0]);
  close(actual.ci95[1], wanted.ci95[1]);
  expect(actual.df).toBe(wanted.df);
};

describe("estimateIv() against AER::ivreg on CigarettesSW 1995", () => {
  const cig = readCsv("cigarettes-1995.csv");
  const reference = expected("cigarettes-1995.expected.json") as { withoutIncome: IvExpected; withIncome: IvExpected };
  const names = { outcome: "log_packs", treatment: "log_rprice", instrument: "salestax" };

  test("log packs on log real price instrumented by the sales tax: 2SLS, HC1 SE, robust first-stage F and reduced form to 1e-6", () => {
    const result = estimateIv({ y: cig.number("log_packs"), d: cig.number("log_rprice"), z: cig.number("salestax"), names });
    const wanted = reference.withoutIncome;
    closeTerm(result.estimate, wanted.estimate);
    expect(result.estimate.n).toBe(48);
    close(result.coefficients[0]!.estimate, wanted.coefficients["(Intercept)"]!);
    close(result.firstStage.F, wanted.firstStage.F);
    close(result.firstStage.coefficient, wanted.firstStage.coefficient);
    close(result.firstStage.standardError, wanted.firstStage.standardError);
    closeTerm(result.reducedForm, wanted.reducedForm);
    expect(result.firstStage.strength).toBe("strong");
    expect(result.itt).toBeUndefined();
    expect(result.late).toBeUndefined();
  });

  test("with log real income as an exogenous covariate in both stages", () => {
    const result = estimateIv({ y: cig.number("log_packs"), d: cig.number("log_rprice"), z: cig.number("salestax"), covariates: { log_rincome: cig.number("log_rincome") }, names });
    const wanted = reference.withIncome;
    closeTerm(result.estimate, wanted.estimate);
    close(result.coefficients.find((c) => c.name === "log_rincome")!.estimate, wanted.coefficients.log_rincome!);
    close(result.firstStage.F, wanted.firstStage.F);
    close(result.firstStage.standardError, wanted.firstStage.standardError);
    closeTerm(result.reducedForm, wanted.reducedForm);
  });
});

describe("estimateIv() with a binary instrument (assigned arm) and the executed action", () => {
  const data = readCsv("encouragement.csv");
  const reference = expected("encouragement.expected.json") as { withoutCovariate: IvExpected; withCovariate: IvExpected };

  for (const [label, covariates, wanted] of [["without covariates", undefined, reference.withoutCovariate], ["adjusting for x", { x: data.number("x") }, reference.withCovariate]] as const) {
    test(`ITT_Y, ITT_D and LATE = ITT_Y / ITT_D with its delta-method SE match R ${label}`, () => {
      const result = estimateIv({ y: data.number("y"), d: data.number("d"), z: data.number("z"), ...(covariates === undefined ? {} : { covariates }) });
      closeTerm(result.estimate, wanted.estimate);
      closeTerm(result.itt!.y, wanted.itt!.y);
      closeTerm(result.itt!.d, wanted.itt!.d);
      close(result.late!.estimate, wanted.late!.estimate);
      close(result.late!.standardError, wanted.late!.standardError);
      close(result.firstStage.F, wanted.firstStage.F);
      // Just identified: the Wald ratio is the 2SLS coefficient, and the delta SE equals the 2SLS HC1 SE.
      close(result.late!.estimate, result.estimate.estimate, 1e-12);
      close(result.late!.standardError, result.estimate.standardError, 1e-9);
    });
  }

  test("without covariates the ITTs are the differences in arm means (closed form)", () => {
    const z = [1, 1, 1, 1, 0, 0, 0, 0];
    const d = [1, 1, 1, 0, 0, 0, 1, 0];
    const y = [5, 6, 7, 2, 1, 2, 4, 3];
    const result = estimateIv({ y, d, z });
    close(result.itt!.y.estimate, 5 - 2.5, 1e-12);
    close(result.itt!.d.estimate, 0.75 - 0.25, 1e-12);
    close(result.late!.estimate, 2.5 / 0.5, 1e-12);
  });

  test("a weak instrument (F < 10) is flagged and the claim downgraded", () => {
    const random = seededUniform(7);
    const n = 200;
    const z = Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
    const d = z.map((zi) => (random() < 0.3 + 0.05 * zi ? 1 : 0));
    const y = d.map((di) => di + random());
    const result = estimateIv({ y, d, z });
    expect(result.firstStage.F).toBeLessThan(10);
    expect(result.firstStage.strength).toBe("weak");
    expect(result.warnings.join("\n")).toMatch(/Weak instrument: robust first-stage F = .* < 10/);
  });
});

describe("estimateIv() bad input", () => {
  const thrown = goodputErrorOf;

  test("a constant instrument names the column", () => {
    const error = thrown(() => estimateIv({ y: [1, 2, 3, 4], d: [0, 1, 0, 1], z: [1, 1, 1, 1], names: { instrument: "arm" } }));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/instrument "arm" is constant/);
  });

  test("an instrument unrelated to the treatment has no first stage", () => {
    const error = thrown(() => estimateIv({ y: [1, 2, 3, 4, 5, 6], d: [0, 1, 0, 0, 1, 0], z: [1, 1, 1, 0, 0, 0] }));
    expect(error.message).toMatch(/no first stage|collinear/);
  });

  test("a missing value names the column and row", () => {
    const error = thrown(() => estimateIv({ y: [1, Number.NaN, 3, 4], d: [0, 1, 0, 1], z: [0, 1, 0, 1], names: { outcome: "latency" } }));
    expect(error.message).toMatch(/latency\[1\] = NaN/);
  });
});
