import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { externalReferences, svgsOf } from "./svg-marks.js";

describe("every readout design is stored and renders through `goodput report ID`", () => {
  it("an RDD readout of senate.csv is kept in the store; its report carries the published jump", async () => {
    const home = mkdtempSync(join(tmpdir(), "goodput-quasi-"));
    const env = { GOODPUT_HOME: home };
    const readout = await runCli(["readout", "test/fixtures/causal/senate.csv", "--design", "rdd", "--running", "margin", "--cutoff", "0", "--outcome", "vote", "--bandwidth", "17.754", "--json"], env);
    expect(readout.code).toBe(0);
    const id = /readout stored as (\S+)/.exec(readout.stderr)?.[1];
    expect(id).toMatch(/^readout-senate\.csv-/);

    const list = await runCli(["report", "--list"], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id ?? "missing");

    const out = join(home, "rdd.html");
    const report = await runCli(["report", id ?? "missing", "--out", out], env);
    expect(report.code).toBe(0);
    const html = readFileSync(out, "utf8");
    // rdrobust's triangular-kernel estimate at h = 17.754 (Cattaneo, Frandsen & Titiunik 2015; issue #6): 7.4141.
    expect(html).toContain("7.414");
    expect(svgsOf(html).length).toBeGreaterThan(0);
    expect(externalReferences(html)).toEqual([]);
  });
});
