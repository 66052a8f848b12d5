import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { labHome } from "../../src/store/calibration-store.js";
import { LabStore } from "../../src/store/lab-store.js";
import { runCli } from "../cli/run-cli.js";
import { tinyExperimentYaml } from "./tiny-experiment.js";

interface Row { case: string; profile: string; runId: string; requests: number; runSet: string | null; runSetStatus: string | null }

function setUp(yaml: string): { file: string; env: { GOODPUT_HOME: string }; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "goodput-evidence-"));
  const file = join(dir, "tiny.yaml");
  writeFileSync(file, yaml);
  return { file, dir, env: { GOODPUT_HOME: join(dir, "home") } };
}

describe("experiment evidence is never mixed (issue #12, #18 item 6)", () => {
  it("show keeps the decision's evidence: a later 10-request cell is listed as not mixed in, not swapped into the matrix", async () => {
    const { file, env } = setUp(tinyExperimentYaml());
    expect((await runCli(["experiment", "run", "--experiment", file, "--json"], env)).code).toBe(0);
    const one = await runCli(["experiment", "run", "--experiment", file, "--case", "steady", "--profile", "batched", "--requests", "10", "--json"], env);
    expect(one.code).toBe(0);
    const shown = JSON.parse((await runCli(["experiment", "show", "tiny", "--json"], env)).stdout) as Row[];
    expect(shown).toHaveLength(4);
    expect(shown.every((row) => row.requests === 40)).toBe(true);
    const text = (await runCli(["experiment", "show", "tiny"], env)).stdout;
    expect(text).toMatch(/Evidence: target sim, 40 requests per cell, seed 5/);
    expect(text).toMatch(/not mixed in: steady × batched .*requests 10 vs 40/);
  });

  it("cells left by a killed run are marked incomplete in show, and no decision is drawn from them", async () => {
    const { file, env } = setUp(tinyExperimentYaml());
    expect((await runCli(["experiment", "run", "--experiment", file], env)).code).toBe(0);
    const complete = JSON.parse((await runCli(["experiment", "show", "tiny", "--json"], env)).stdout) as Row[];
    // What kill -9 after one cell leaves behind: a run set opened, one run stored and tagged, never finished.
    const store = await LabStore.open(labHome(process.cwd(), env));
    try {
      const [stored] = await store.storedCells("tiny");
      if (!stored?.evidenceKey) throw new Error("no stored evidence key");
      await store.startRunSet("killed-run", "tiny", "2999-01-01T00:00:00.000Z", stored.evidenceKey);
      const runId = "killed-cell";
      await store.saveRun({ runId, experiment: "tiny", case: "steady", profile: "single", target: "sim", seed: 5, requests: 40, toolVersion: stored.evidenceKey.toolVersion, configJson: "{}", summaryJson: "{}", row: { ...stored.row, case: "steady", profile: "single", runId }, startedAt: "2999-01-01T00:00:00.000Z", wallSeconds: 1, logPath: join(env.GOODPUT_HOME, "runs", complete[0]?.runId ?? "", "requests.jsonl") });
      await store.tagRun(runId, "killed-run", stored.evidenceKey);
    } finally {
      store.close();
    }
    const shown = JSON.parse((await runCli(["experiment", "show", "tiny", "--json"], env)).stdout) as Row[];
    expect(shown.find((row) => row.case === "steady" && row.profile === "single")).toMatchObject({ runId: "killed-cell", runSet: "killed-run", runSetStatus: "incomplete" });
    expect(shown.filter((row) => row.runSetStatus === "complete")).toHaveLength(3);
    const text = (await runCli(["experiment", "show", "tiny"], env)).stdout;
    expect(text).toMatch(/run killed-run: 1 cell\(s\), INCOMPLETE/);
    expect(text).toMatch(/carry no decision/);
  });

  it("duplicate case or profile names are refused with the index of each", async () => {
    const profile = setUp(tinyExperimentYaml({ extraProfile: "\n  - name: single\n    engine: { maxNumSeqs: 2 }" }));
    const refused = await runCli(["experiment", "run", "--experiment", profile.file], profile.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/profiles\.2\.name: duplicate profile name "single" \(also profile 1\)/);
    const testCase = setUp(tinyExperimentYaml({ extraCase: "\n  - name: quiet\n    workload: { arrivals: { process: poisson, ratePerSecond: 2 }, promptTokens: { dist: fixed, value: 8 }, outputTokens: { dist: fixed, value: 8 } }" }));
    const refusedCase = await runCli(["experiment", "run", "--experiment", testCase.file], testCase.env);
    expect(refusedCase.code).toBe(2);
    expect(refusedCase.stderr).toMatch(/cases\.2\.name: duplicate case name "quiet"/);
  });

  it("an experiment named ../../pwn/a=b (traversal, /, =) writes one safe folder under the lab home and nothing outside it", async () => {
    const { file, env, dir } = setUp(tinyExperimentYaml({ name: "../../pwn/a=b" }));
    const run = await runCli(["experiment", "run", "--experiment", file, "--case", "quiet", "--profile", "batched", "--json"], env);
    expect(run.code).toBe(0);
    const [row] = JSON.parse(run.stdout) as Row[];
    expect(row?.runId).toMatch(/^[a-z0-9-]+$/);
    expect(readdirSync(join(env.GOODPUT_HOME, "runs"))).toEqual([row?.runId]);
    expect(existsSync(join(env.GOODPUT_HOME, "runs", row?.runId ?? "", "requests.jsonl"))).toBe(true);
    // Nothing escaped: the temp folder holds only the experiment file and the lab home.
    expect(readdirSync(dir).sort()).toEqual(["home", "tiny.yaml"]);
    expect(existsSync(join(dir, "..", "pwn"))).toBe(false);
  });
});
