import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { eValueForRiskRatio } from "../../src/observational/e-value.js";
import { runCli } from "../cli/run-cli.js";

const directory = mkdtempSync(join(tmpdir(), "goodput-observational-edge-"));
const env = { GOODPUT_HOME: join(directory, "lab") };
function csv(name: string, header: string, rows: readonly string[]): string {
  const path = join(directory, name);
  writeFileSync(path, [header, ...rows].join("\n") + "\n");
  return path;
}
/** `count` rows of the same values. */
const repeat = (count: number, row: string): string[] => Array.from({ length: count }, () => row);

interface ObservationalJson {
  estimates: { method: string; estimate: number }[];
  diagnostics: { doubleMl: unknown };
  sensitivity: { scale: string; riskRatio: number; estimate: number; standardizedEffect: number | null };
  decision: { claim: string; reasons?: string[]; statement: string };
  warnings: string[];
}

describe("observational readout edge cases", () => {
  test("a 0/1 outcome gets its E-value from the risk ratio of the standardized risks (VanderWeele & Ding 2017)", async () => {
    // One binary confounder x, P(x = 1) = 1/2. Risks: x=0 treated 12/20, control 9/30; x=1 treated 21/30, control 8/20.
    // Saturated models make AIPW the standardized (g-formula) estimate: p1 = ½·0.6 + ½·0.7 = 0.65, p0 = ½·0.3 + ½·0.4 = 0.35.
    const rows = [
      ...repeat(12, "1,0,1"), ...repeat(8, "1,0,0"), ...repeat(9, "0,0,1"), ...repeat(21, "0,0,0"),
      ...repeat(21, "1,1,1"), ...repeat(9, "1,1,0"), ...repeat(8, "0,1,1"), ...repeat(12, "0,1,0"),
    ];
    const file = csv("binary.csv", "t,x,y", rows);
    const result = await runCli(["readout", file, "--design", "observational", "--outcome", "y", "--treatment", "t", "--covariate", "x", "--trim", "0", "--folds", "2", "--json"], env);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as ObservationalJson;
    const aipw = json.estimates.find((estimate) => estimate.method === "aipw");
    expect(aipw?.estimate).toBeCloseTo(0.3, 10);
    const riskRatio = 0.65 / 0.35;
    expect(json.sensitivity.scale).toBe("risk ratio");
    expect(json.sensitivity.riskRatio).toBeCloseTo(riskRatio, 10);
    expect(json.sensitivity.estimate).toBeCloseTo(riskRatio + Math.sqrt(riskRatio * (riskRatio - 1)), 10);
    expect(json.sensitivity.standardizedEffect).toBeNull();
  });

  test("eValueForRiskRatio: RR below 1 is inverted; a CI through zero gives 1", () => {
    // p1 = 0.02, p0 = 0.06 → RR = 1/3 → inverted 3 → E = 3 + √6 = 5.449.
    const protective = eValueForRiskRatio(0.02, 0.06, -0.04, [-0.06, -0.02]);
    expect(protective.estimate).toBeCloseTo(3 + Math.sqrt(6), 12);
    // Near limit −0.02: RR = (0.06 − 0.02)/0.06 = 2/3 → inverted 1.5 → E = 1.5 + √0.75.
    expect(protective.ciLimit).toBeCloseTo(1.5 + Math.sqrt(0.75), 12);
    expect(eValueForRiskRatio(0.5, 0.4, 0.1, [-0.01, 0.21]).ciLimit).toBe(1);
  });

  test("a tiny sample skips double ML with a warning instead of failing, and equal weights in a small arm are not 'weak overlap'", async () => {
    // 4 treated, 4 control, x unrelated to t: every propensity is 1/2, so all weights are equal (each row 1/4 of its arm).
    const file = csv("tiny.csv", "t,x,y", ["1,1,3", "1,2,4", "1,3,6", "1,4,6", "0,1,1", "0,2,2", "0,3,2", "0,4,4"]);
    const result = await runCli(["readout", file, "--design", "observational", "--outcome", "y", "--treatment", "t", "--covariate", "x", "--trim", "0", "--json"], env);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as ObservationalJson;
    expect(json.estimates.map((estimate) => estimate.method)).toEqual(["ols-adjustment", "regression-imputation", "ipw", "aipw"]);
    expect(json.diagnostics.doubleMl).toBeNull();
    expect(json.warnings.join(" ")).toMatch(/Double ML skipped: 8 rows are too few for 5-fold cross-fitting/);
    expect(JSON.stringify(json.decision)).not.toMatch(/weak overlap/);
  });

  test("a numeric covariate with one stray text cell is an error naming the cell, not a silent factor", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 2},${i === 17 ? "n/a" : String(i % 7)},${(i * 3) % 5}`);
    const result = await runCli(["readout", csv("stray.csv", "t,x,y", rows), "--design", "observational", "--outcome", "y", "--treatment", "t", "--covariate", "x"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/covariate "x" is numeric on 39 of 40 rows but "n\/a" at row 18/);
  });
});
