import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { observationalFixture, readJson } from "./read-lalonde.js";

const lalonde = observationalFixture("lalonde.csv");
const covariates = ["age", "educ", "race", "married", "nodegree", "re74", "re75"].flatMap((name) => ["--covariate", name]);
const base = ["readout", lalonde, "--design", "observational", "--outcome", "re78", "--treatment", "treat", ...covariates];
const expected = readJson("lalonde.expected.json") as { untrimmed: { ate: { aipw: { estimate: number; standardError: number } }; att: { ipw: { estimate: number; standardError: number } } }; trim: { droppedControl: number } };
const directory = mkdtempSync(join(tmpdir(), "goodput-observational-"));
const csv = (name: string, text: string): string => {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
};

interface ReadoutJson {
  design: string;
  estimand: string;
  file: string;
  assumptions: string[];
  estimates: { method: string; estimand: string; estimate: number; standardError: number; ci95: number[] }[];
  diagnostics: { overlap: { from: number; to: number; treated: number; control: number }[]; balance: { covariate: string; before: number; after: number }[]; ess: { treated: number; control: number }; trimmed: { droppedTreated: number; droppedControl: number; rows: number[] } };
  sensitivity: { estimate: number; statement: string };
  decision: { claim: string; statement: string };
  warnings: string[];
}

describe("goodput readout --design observational", () => {
  test("--json has a stable shape and, with race coded by the CLI, reproduces R's AIPW ATE on lalonde (--trim 0)", async () => {
    const result = await runCli([...base, "--trim", "0", "--json"]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as ReadoutJson;
    expect(json.design).toBe("observational");
    expect(json.estimand).toBe("ate");
    expect(json.assumptions[0]).toMatch(/^No unmeasured confounding/);
    expect(json.estimates.map((estimate) => estimate.method)).toEqual(["ols-adjustment", "regression-imputation", "ipw", "aipw", "double-ml"]);
    const aipw = json.estimates.find((estimate) => estimate.method === "aipw");
    expect(aipw?.estimate).toBeCloseTo(expected.untrimmed.ate.aipw.estimate, 6);
    expect(aipw?.standardError).toBeCloseTo(expected.untrimmed.ate.aipw.standardError, 6);
    expect(Object.keys(json).sort()).toEqual(["assumptions", "decision", "design", "diagnostics", "estimand", "estimates", "file", "lint", "n", "nControl", "nTreated", "names", "propensityModel", "readoutDecision", "sensitivity", "warnings"]);
    expect(Object.keys(json.diagnostics).sort()).toEqual(["balance", "doubleMl", "ess", "essShare", "maxWeight", "maxWeightShare", "overlap", "propensityRange", "trimmed"]);
    expect(Object.keys(json.estimates[0] ?? {}).sort()).toEqual(["assumptions", "ci95", "df", "estimand", "estimate", "label", "method", "n", "pValue", "standardError", "standardErrorMethod"]);
    expect(json.diagnostics.overlap).toHaveLength(20);
    expect(json.diagnostics.overlap.reduce((sum, bin) => sum + bin.treated + bin.control, 0)).toBe(614);
    expect(json.diagnostics.balance.map((row) => row.covariate)).toEqual(["age", "educ", "race=hispan", "race=white", "married", "nodegree", "re74", "re75"]);
    expect(json.sensitivity.statement).toMatch(/Unobserved confounding remains possible/);
    expect(json.decision.statement).toMatch(/only if no unmeasured confounder/);
    expect(json.warnings.join("\n")).toMatch(/"race" is categorical: 2 dummies, reference level "black"/);
  });

  test("--estimand att gives R's Hájek IPW ATT; the default trim 0.01 reports the dropped control row", async () => {
    const att = JSON.parse((await runCli([...base, "--estimand", "att", "--trim", "0", "--json"])).stdout) as ReadoutJson;
    expect(att.estimates.find((estimate) => estimate.method === "ipw")?.estimate).toBeCloseTo(expected.untrimmed.att.ipw.estimate, 6);
    const trimmed = JSON.parse((await runCli([...base, "--json"])).stdout) as ReadoutJson;
    expect(trimmed.diagnostics.trimmed.droppedControl).toBe(expected.trim.droppedControl);
    expect(trimmed.diagnostics.trimmed.rows).toHaveLength(expected.trim.droppedControl);
    expect(trimmed.warnings.join("\n")).toMatch(/Trimming removed 1 row/);
  });

  test("the text readout puts the identification assumptions first, then diagnostics, estimates, sensitivity and decision", async () => {
    const { code, stdout } = await runCli(base);
    expect(code).toBe(0);
    const order = ["Identification assumptions", "Diagnostics", "Estimates", "Sensitivity", "Decision"].map((heading) => stdout.indexOf(heading));
    expect(order.every((position, index) => position >= 0 && (index === 0 || position > (order[index - 1] ?? 0)))).toBe(true);
  });

  test("a two-valued text treatment (arm A/B) is coded by --control, default A; otherwise --control is asked for", async () => {
    const rows = "arm,y,x\nA,1,1\nB,2,2\nA,3,1.5\nB,4,2.5\nA,2,3\nB,5,1\nA,1,2\nB,3,3.5\nA,2,0.5\nB,4,2.2\n";
    const path = csv("arm-ab.csv", rows);
    const argv = ["readout", path, "--design", "observational", "--outcome", "y", "--treatment", "arm", "--covariate", "x", "--folds", "2", "--json"];
    const json = JSON.parse((await runCli(argv)).stdout) as ReadoutJson & { nTreated: number };
    expect(json.nTreated).toBe(5);
    expect(json.warnings[0]).toBe('treatment "arm": control "A", treated "B"');
    const flipped = JSON.parse((await runCli([...argv, "--control", "B"])).stdout) as ReadoutJson;
    const aipw = (result: ReadoutJson): number => result.estimates.find((estimate) => estimate.method === "aipw")?.estimate ?? Number.NaN;
    expect(aipw(flipped)).toBeCloseTo(-aipw(json), 10);
    const unknown = await runCli(["readout", csv("arm-xy.csv", rows.replaceAll("A,", "X,")), "--design", "observational", "--outcome", "y", "--treatment", "arm", "--covariate", "x"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/treatment "arm" has the values "B" and "X"; say which one is the control with --control VALUE/);
  });

  test("bad input is exit 2 naming the column, the row or the fix", async () => {
    const cases: [string[], RegExp][] = [
      [["readout", lalonde, "--design", "observational", "--outcome", "re78", "--treatment", "treat"], /--covariate COL/],
      [[...base, "--estimand", "atc"], /--estimand "atc" is not ate or att/],
      [[...base, "--trim", "0.6"], /--trim 0.6 would drop every row/],
      [["readout", lalonde, "--design", "observational", "--outcome", "re78", "--treatment", "treat", "--covariate", "income"], /no column "income" \(from --covariate\)/],
      [["readout", csv("arm.csv", "t,y,x\n0,1,1\n2,2,2\n1,3,3\n0,4,1\n1,5,2\n"), "--design", "observational", "--outcome", "y", "--treatment", "t", "--covariate", "x"], /treatment "t" is 2 at row 2; it must be 0 \(control\) or 1 \(treated\)/],
      [["readout", csv("missing.csv", "t,y,x\n0,1,1\n1,,2\n1,3,3\n0,4,1\n"), "--design", "observational", "--outcome", "y", "--treatment", "t", "--covariate", "x"], /column "y" \(from --outcome\) is missing at row 2/],
      [["readout", csv("separated.csv", "t,y,x\n0,1,1\n0,2,2\n0,3,3\n1,4,4\n1,5,5\n1,6,6\n"), "--design", "observational", "--outcome", "y", "--treatment", "t", "--covariate", "x"], /separated\.csv: .*covariate "x" perfectly separates the arms: every control row has x ≤ 3 and every treated row has x ≥ 4/],
    ];
    for (const [argv, message] of cases) {
      const result = await runCli(argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});
