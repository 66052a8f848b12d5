import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { onePoolScenarioYaml } from "./one-pool-scenario.js";

// Issue #14 item 9: `calc goodput --records` must read the tool's own requests.jsonl (canonical
// log schema, docs/design.md §8) and read CSV through DuckDB; issue #18: no hive partitioning on file reads.
const scenario = onePoolScenarioYaml({
  name: "canon", seed: 11, requests: 60, gpu: "h100-sxm", modelLine: "model: llama-3-8b", maxNumSeqs: 8, maxNumBatchedTokens: 4096,
  prefixCaching: false, maxQueueSeconds: 2, ratePerSecond: 40, promptTokens: 1024, outputTokens: 128, e2eSloSeconds: 3,
});

describe("calc goodput --records on the canonical request log", () => {
  it("reads sim's requests.jsonl: accepted = status ok with e2e_s within the gate, counted from the file by hand", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-canon-"));
    writeFileSync(join(dir, "s.yaml"), scenario);
    const sim = await runCli(["sim", "--scenario", join(dir, "s.yaml"), "--out", join(dir, "run")], { GOODPUT_HOME: join(dir, "home") }, dir);
    expect(sim.code, sim.stderr).toBe(0);
    const log = join(dir, "run", "requests.jsonl");
    const rows = readFileSync(log, "utf8").trim().split("\n").map((line) => JSON.parse(line) as { status: string; e2e_s: number | null; arrival_s: number });
    const accepted = rows.filter((row) => row.status === "ok" && row.e2e_s !== null && row.e2e_s <= 1.5).length;
    const result = await runCli(["calc", "goodput", "--records", log, "--slo-e2e", "1.5", "--json"], {}, dir);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { attempts: number; accepted: number; successful: number };
    expect(json.attempts).toBe(rows.length);
    expect(json.successful).toBe(rows.filter((row) => row.status === "ok").length);
    expect(json.accepted).toBe(accepted);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(rows.length); // the gate bites, so the count is a real check
  });

  it("a CSV under a folder named status=ok keeps its own status column (hive_partitioning = false)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-hive-"));
    mkdirSync(join(dir, "status=ok"));
    const file = join(dir, "status=ok", "r.csv");
    writeFileSync(file, "status,startSeconds,endSeconds\nerror,0,1\nerror,1,2\nok,2,3\n");
    const result = await runCli(["calc", "goodput", "--records", file, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ attempts: 3, successful: 1, errors: 2 });
  });
});
