import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const scratch = (): string => mkdtempSync(join(tmpdir(), "goodput-sim-"));

describe("goodput sim", () => {
  it.each(["naive-vs-batched", "batched", "shared-prompts-8-replicas", "tiered-fleet", "fat-tailed-tokens"])(
    "runs examples/%s.yaml; the JSON summary has the documented keys and Little's law holds within 1 %",
    async (name) => {
      const result = await runCli(["sim", "--scenario", `examples/${name}.yaml`, "--requests", "1500", "--json"]);
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout) as Record<string, unknown> & { meanInSystem: number; arrivalRatePerSecond: number; meanSojournSeconds: number; requests: number };
      for (const key of ["requests", "completed", "successful", "dropped", "goodputPerSecond", "sloAttainment", "latencySeconds", "ttftSeconds", "tpotSeconds", "meanQueueWaitSeconds", "costPer1kSuccessful", "lcpr", "prefixCacheHitRate", "preemptions", "simulatedSeconds", "wallSeconds"]) {
        expect(summary).toHaveProperty(key);
      }
      expect(summary.requests).toBeGreaterThanOrEqual(1500);
      expect(Math.abs(summary.meanInSystem - summary.arrivalRatePerSecond * summary.meanSojournSeconds) / summary.meanInSystem).toBeLessThan(0.01);
    },
  );

  it("the naive profile drops work that batching serves", async () => {
    const naive = JSON.parse((await runCli(["sim", "--scenario", "examples/naive-vs-batched.yaml", "--json"])).stdout) as { dropped: number; successful: number; costPer1kSuccessful: number };
    const batched = JSON.parse((await runCli(["sim", "--scenario", "examples/batched.yaml", "--json"])).stdout) as { dropped: number; successful: number; costPer1kSuccessful: number };
    expect(naive.dropped).toBeGreaterThan(1000);
    expect(batched.dropped).toBe(0);
    expect(naive.costPer1kSuccessful / batched.costPer1kSuccessful).toBeGreaterThan(3);
  });

  it("writes the request log (JSONL and Parquet), the series and the summary with --out", async () => {
    const dir = scratch();
    const result = await runCli(["sim", "--scenario", "examples/batched.yaml", "--requests", "300", "--out", dir]);
    expect(result.code).toBe(0);
    const lines = readFileSync(join(dir, "requests.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(300);
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ schema_version: 1, status: "ok", policy: "round-robin" });
    expect(readFileSync(join(dir, "requests.parquet")).subarray(0, 4).toString()).toBe("PAR1");
    expect(readFileSync(join(dir, "series.jsonl"), "utf8")).toContain('"replica":0');
    expect((JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { interrupted: boolean }).interrupted).toBe(false);
  });

  it("a counterfactual reports the true global effect on every summary metric", async () => {
    const result = await runCli(["sim", "--scenario", "examples/shared-prompts-8-replicas.yaml", "--requests", "3000", "--json"]);
    const summary = JSON.parse(result.stdout) as { counterfactual: { trueGlobalEffect: { metric: string; a: number; b: number; difference: number }[] } };
    const hit = summary.counterfactual.trueGlobalEffect.find((effect) => effect.metric === "prefixCacheHitRate");
    expect(hit?.b).toBeGreaterThan(hit?.a ?? 1);
    expect(summary.counterfactual.trueGlobalEffect.length).toBeGreaterThan(30);
  });

  it("rejects a bad scenario with every problem listed by path (exit 2)", async () => {
    const path = join(scratch(), "bad.yaml");
    writeFileSync(
      path,
      [
        "pools:",
        "  - { name: a, gpu: h100-sxm, model: llama-3-70b }",
        "  - { name: b, gpu: h100-sxm, model: llama-3-8b, engine: { maxNumSeqs: 256, maxNumBatchedTokens: 64 } }",
        "workload:",
        "  arrivals: { process: poisson, ratePerSecond: 5 }",
        "  promptTokens: { dist: fixed, value: 100 }",
        "  outputTokens: { dist: fixed, value: 10 }",
        "policies:",
        "  router: { type: tiered, premiumPool: gold, fallbackPool: b }",
        "disturbances:",
        "  failures: [{ replica: 9, atSeconds: 1, recoverAfterSeconds: 1 }]",
      ].join("\n"),
    );
    const result = await runCli(["sim", "--scenario", path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pools\.0: .*does not fit/);
    expect(result.stderr).toMatch(/pools\.1\.engine\.maxNumBatchedTokens: 64 is below maxNumSeqs 256/);
    expect(result.stderr).toMatch(/policies\.router: .*unknown pool "gold"/);
    expect(result.stderr).toMatch(/disturbances\.failures\.0\.replica: 9 does not exist/);
  });

  it("rejects unknown keys and negative rates by path", async () => {
    const path = join(scratch(), "typo.yaml");
    writeFileSync(path, "pools: [{ name: a, gpu: h100-sxm, model: llama-3-8b, replcas: 2 }]\nworkload: { arrivals: { process: poisson, ratePerSecond: -3 }, promptTokens: { dist: fixed, value: 1 }, outputTokens: { dist: fixed, value: 1 } }\npolicies: { router: { type: round-robin } }\n");
    const result = await runCli(["sim", "--scenario", path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pools\.0: .*replcas/);
    expect(result.stderr).toMatch(/workload\.arrivals\.ratePerSecond/);
  });

  it("Ctrl-C keeps the finished records and marks the partial summary interrupted", async () => {
    const dir = scratch();
    const child = spawn(process.execPath, ["bin/goodput.js", "sim", "--scenario", "examples/bench-1m.yaml", "--out", dir], { stdio: "pipe" });
    // Interrupt once records are on disk (the handler is installed before the run starts), not after a fixed delay:
    // on a loaded machine the process may not have started the run yet.
    const log = join(dir, "requests.jsonl");
    for (let waited = 0; !(existsSync(log) && statSync(log).size > 2_000_000); waited += 50) {
      if (waited > 60_000) throw new Error("the simulator wrote no records within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { interrupted: boolean; requests: number };
    expect(summary.interrupted).toBe(true);
    const lines = readFileSync(join(dir, "requests.jsonl"), "utf8").trim().split("\n");
    expect(lines.length).toBeGreaterThan(1000);
    expect(lines.length).toBeLessThan(1_000_000);
    for (const line of lines.slice(-5)) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });
});
