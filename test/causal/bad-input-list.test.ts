import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { fixturePath, seededUniform } from "./read-fixture.js";

// Issue 6's bad-input list, end to end through `goodput readout`: each is exit 2 naming the column/value and the fix,
// or an explicitly downgraded claim — never a silent number.
const directory = mkdtempSync(join(tmpdir(), "goodput-bad-input-"));
const csv = (name: string, header: string, rows: readonly (readonly (string | number)[])[]): string => {
  const path = join(directory, name);
  writeFileSync(path, [header, ...rows.map((row) => row.join(","))].join("\n") + "\n");
  return path;
};

describe("readout bad-input list (issue 6)", () => {
  test("observational: perfect separation by a combination of covariates → exit 2 naming the covariates and the fix", async () => {
    const random = seededUniform(21);
    const rows = Array.from({ length: 120 }, () => {
      const x1 = random();
      const x2 = random();
      return [x1 + x2 > 1 ? 1 : 0, random(), x1, x2];
    });
    const result = await runCli(["readout", csv("combination.csv", "t,y,x1,x2", rows), "--design", "observational", "--outcome", "y", "--treatment", "t", "--covariate", "x1", "--covariate", "x2"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/combination\.csv: .*(propensity of 0 or 1|did not converge)/);
    expect(result.stderr).toMatch(/"x1".*"x2"|"x2".*"x1"/);
    expect(result.stderr).toMatch(/restrict the rows/);
  });

  test("ope: a logged propensity of 0 → exit 2 with the file row and the fix", async () => {
    const path = csv("zero-propensity.csv", "intended_action,propensity,ttft_s", [["replica-0", 0.5, 0.1], ["replica-1", 0, 0.2], ["replica-0", 0.5, 0.3]]);
    const result = await runCli(["readout", path, "--design", "ope", "--reward", "ttft_s", "--reward-sign=-1", "--target-policy", "uniform"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/propensity outside \(0, 1\] \(row 2: 0\).*fix the router's logging/);
  });

  test("synthetic control: a donor pool of one → exit 2 naming the donor", async () => {
    const rows = ["T", "A", "B"].flatMap((unit, u) => Array.from({ length: 12 }, (_, t) => [unit, 2000 + t, 10 + u + 0.5 * t + (unit === "T" && t >= 8 ? 3 : 0)]));
    const path = csv("panel.csv", "unit,year,y", rows);
    const result = await runCli(["readout", path, "--design", "synthetic-control", "--unit", "unit", "--time", "year", "--outcome", "y", "--treated-unit", "T", "--treatment-start", "2008", "--pre-period", "2000-2007", "--exclude-unit", "B"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/donor pool has 1 usable unit\(s\) \("A"\).*at least 2 donors/);
  });

  test("rdd: no observations on one side of the cutoff → exit 2 naming the cutoff", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i + 1, 2 * i]);
    const result = await runCli(["readout", csv("one-side.csv", "score,y", rows), "--design", "rdd", "--running", "score", "--cutoff", "0", "--outcome", "y"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/0 observation\(s\) below and 40 at or above the cutoff 0/);
  });

  test("iv: a weak instrument (F < 10) → the claim is explicitly downgraded in JSON and text", async () => {
    const random = seededUniform(7);
    const rows = Array.from({ length: 200 }, () => {
      const z = random() < 0.5 ? 1 : 0;
      const d = random() < 0.3 + 0.05 * z ? 1 : 0;
      return [z, d, d + random()];
    });
    const path = csv("weak-iv.csv", "z,d,y", rows);
    const argv = ["readout", path, "--design", "iv", "--outcome", "y", "--treatment", "d", "--instrument", "z"];
    const json = JSON.parse((await runCli([...argv, "--json"])).stdout) as { claim: string; firstStage: { F: number; strength: string } };
    expect(json.firstStage.F).toBeLessThan(10);
    expect(json.firstStage.strength).toBe("weak");
    expect(json.claim).toBe("downgraded");
    const text = (await runCli(argv)).stdout;
    expect(text).toMatch(/DOWNGRADED: weak instrument — not a usable effect size/);
    const strong = JSON.parse((await runCli(["readout", fixturePath("encouragement.csv"), "--design", "iv", "--outcome", "y", "--treatment", "d", "--instrument", "z", "--json"])).stdout) as { claim: string; firstStage: { F: number } };
    expect(strong.firstStage.F).toBeGreaterThan(10);
    expect(strong.claim).toBe("supported");
  });
});
