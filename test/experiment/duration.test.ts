import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requestsWithinDuration } from "../../src/experiment/duration-requests.js";
import { experimentSchema } from "../../src/experiment/experiment-schema.js";
import { runCli } from "../cli/run-cli.js";
import { tinyExperimentYaml } from "./tiny-experiment.js";

describe("time-bounded cells (durationSeconds)", () => {
  it("constant arrivals at 5/s for 10 s are exactly 50 requests (k/5 ≤ 10 for k = 1…50)", () => {
    const testCase = experimentSchema.shape.cases.element.parse({ name: "c", durationSeconds: 10, workload: { arrivals: { process: "constant", ratePerSecond: 5 }, promptTokens: { dist: "fixed", value: 8 }, outputTokens: { dist: "fixed", value: 8 } } });
    expect(requestsWithinDuration(testCase, { seed: 1, durationSeconds: 10 })).toBe(50);
  });

  it("a Poisson case runs every arrival of its first 30 s and no later one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-duration-"));
    const file = join(dir, "tiny.yaml");
    writeFileSync(file, tinyExperimentYaml().replace("  - name: quiet\n", "  - name: quiet\n    durationSeconds: 30\n"));
    const env = { GOODPUT_HOME: join(dir, "home") };
    const arrivals = async (extra: string[]): Promise<{ requests: number; times: number[] }> => {
      const run = await runCli(["experiment", "run", "--experiment", file, "--case", "quiet", "--profile", "batched", "--json", ...extra], env);
      expect(run.code).toBe(0);
      const [row] = JSON.parse(run.stdout) as { runId: string; requests: number }[];
      const log = readFileSync(join(env.GOODPUT_HOME, "runs", row?.runId ?? "", "requests.jsonl"), "utf8").trim().split("\n");
      return { requests: row?.requests ?? 0, times: log.map((line) => (JSON.parse(line) as { arrival_s: number }).arrival_s) };
    };
    const bounded = await arrivals([]);
    expect(bounded.requests).toBeGreaterThan(15); // ≈ 30 at 1/s
    expect(Math.max(...bounded.times)).toBeLessThanOrEqual(30);
    // One request more, same seed: the next arrival is after the 30 s bound.
    const longer = await arrivals(["--requests", String(bounded.requests + 1)]);
    expect(Math.max(...longer.times)).toBeGreaterThan(30);
  });
});
