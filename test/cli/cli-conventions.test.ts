import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

describe("CLI conventions", () => {
  it("--help works at every level and exits 0", async () => {
    for (const argv of [["--help"], ["calc", "--help"], ["calc", "roofline", "--help"]]) {
      const result = await runCli(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: goodput/);
    }
    expect((await runCli(["calc", "roofline", "--help"])).stdout).toContain("--json");
  });

  it("an unknown command or option is bad usage (exit 2) with the fix", async () => {
    const unknown = await runCli(["calc", "rooflne"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/BAD_USAGE.*rooflne.*known: .*roofline/);
    const option = await runCli(["calc", "roofline", "--gpu", "h100-sxm", "--model", "llama-3-8b", "--bogus"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/--bogus/);
  });

  it("unknown GPU and model name the nearest known entries (exit 2)", async () => {
    const gpu = await runCli(["calc", "roofline", "--gpu", "h100", "--model", "llama-3-8b"]);
    expect(gpu.code).toBe(2);
    expect(gpu.stderr).toMatch(/UNKNOWN_GPU.*"h100".*h100-sxm/);
    const model = await runCli(["calc", "roofline", "--gpu", "h100-sxm", "--model", "llama3-8b"]);
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(/UNKNOWN_MODEL.*"llama3-8b".*llama-3-8b/);
  });

  it.each(["0", "-1", "2.5", "x"])("batch %s is rejected with the flag, the value and an example (exit 2)", async (bad) => {
    const result = await runCli(["calc", "roofline", "--gpu", "h100-sxm", "--model", "llama-3-8b", "--batch", `1,${bad}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--batch: "${bad}"`);
    expect(result.stderr).toContain("for example --batch 1,2,4,8");
  });

  it("a model that does not fit in HBM is exit 2 with the shortfall and GPUs needed", async () => {
    const result = await runCli(["calc", "roofline", "--gpu", "h100-sxm", "--model", "llama-3-70b"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/MODEL_DOES_NOT_FIT.*short by .* GiB.*--tp 2/s);
  });

  it("a config.json missing a needed field is exit 2 naming the file and field", async () => {
    const result = await runCli(["calc", "roofline", "--gpu", "h100-sxm", "--model-config", "package.json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/package\.json.*num_hidden_layers: missing/s);
  });

  it("roofline --json prints one object per batch (under points) with the fields other tools rely on", async () => {
    const result = await runCli(["calc", "roofline", "--gpu", "h100-sxm", "--model", "llama-3-8b", "--batch", "1,2,4,8", "--context", "2048", "--json"]);
    expect(result.code).toBe(0);
    const { points } = JSON.parse(result.stdout) as { points: Record<string, unknown>[] };
    expect(points.map((point) => point.batch)).toEqual([1, 2, 4, 8]);
    for (const point of points) {
      for (const field of ["batch", "stepSeconds", "tokensPerSecond", "bottleneck", "costUsdPerMTok", "feasible"]) expect(point).toHaveProperty(field);
    }
  });

  it("GPU figures can be overridden per run: halving bandwidth roughly doubles a memory-bound step", async () => {
    const args = ["calc", "roofline", "--gpu", "h100-sxm", "--model", "llama-3-8b", "--batch", "1", "--json"];
    const base = (JSON.parse((await runCli(args)).stdout) as { points: { stepSeconds: number }[] }).points;
    const slow = (JSON.parse((await runCli([...args, "--mem-bandwidth", "1675"])).stdout) as { points: { stepSeconds: number }[] }).points;
    const ratio = (slow[0]?.stepSeconds ?? 0) / (base[0]?.stepSeconds ?? 1);
    expect(ratio).toBeGreaterThan(1.7);
    expect(ratio).toBeLessThan(2);
  });

  it("the installed bin runs as a real process with exit codes", () => {
    const ok = execFileSync(process.execPath, ["bin/goodput.js", "calc", "roofline", "--gpu", "a100-80gb", "--model", "llama-3-8b", "--batch", "1", "--json"], { encoding: "utf8" });
    expect((JSON.parse(ok) as { points: unknown[] }).points).toHaveLength(1);
    const bad = spawnSync(process.execPath, ["bin/goodput.js", "calc", "roofline", "--gpu", "nope", "--model", "llama-3-8b"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("UNKNOWN_GPU");
  });
});
