import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulatedServer } from "../src/serve/start-simulated-server.js";
import { runCli } from "./cli/run-cli.js";

const experiment = `
name: live-small
question: What does a tiny request cost on the live endpoint?
decision: Whether the endpoint is cheap enough for tiny requests.
evidenceBoundary: serving GPU only
seed: 3
requests: 30
deployment: { gpu: h100-sxm, model: llama-3-8b, priceUsdPerGpuHour: 3 }
slo: { p95LatencySeconds: 2 }
cases:
  - name: steady
    workload: { arrivals: { process: constant, ratePerSecond: 20 }, promptTokens: { dist: fixed, value: 64 }, outputTokens: { dist: fixed, value: 8 } }
  - name: bursty
    workload: { arrivals: { process: onoff, onRatePerSecond: 50, onSeconds: 1, offSeconds: 1 }, promptTokens: { dist: fixed, value: 64 }, outputTokens: { dist: fixed, value: 8 } }
  - name: long
    requests: 8
    workload: { arrivals: { process: constant, ratePerSecond: 4 }, promptTokens: { dist: fixed, value: 64 }, outputTokens: { dist: fixed, value: 256 } }
profiles:
  - name: as-deployed
  - name: other
`;

describe("experiment run --target URL (through the load generator)", () => {
  let server: Awaited<ReturnType<typeof startSimulatedServer>>;
  const dir = mkdtempSync(join(tmpdir(), "goodput-live-"));
  const file = join(dir, "live-small.yaml");
  const env = { GOODPUT_HOME: join(dir, "home") };
  beforeAll(async () => {
    writeFileSync(file, experiment);
    server = await startSimulatedServer({ port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it("measures a cell on the endpoint, stores the run and its canonical log", async () => {
    const result = await runCli(["experiment", "run", "--experiment", file, "--case", "steady", "--profile", "as-deployed", "--target", server.url, "--target-time-scale", "1", "--json"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const [row] = JSON.parse(result.stdout) as { successful: number; requests: number; generatedTokens: number; costUsd: number; p95LatencySeconds: number; sloPassed: boolean; runId: string }[];
    expect(row?.requests).toBe(30);
    expect(row?.successful).toBe(30);
    expect(row?.generatedTokens).toBe(30 * 8);
    expect(row?.costUsd).toBeGreaterThan(0);
    expect(row?.sloPassed).toBe(true);
    const log = readFileSync(join(env.GOODPUT_HOME, "runs", row?.runId ?? "", "requests.jsonl"), "utf8").trim().split("\n");
    expect(log).toHaveLength(30);
    expect(JSON.parse(log[0] ?? "{}")).toMatchObject({ status: "ok", output_tokens: 8 });
    const shown = JSON.parse((await runCli(["experiment", "show", "live-small", "--json"], { ...env })).stdout) as unknown[];
    expect(shown).toHaveLength(1);
  });

  it("refuses a goodput serve without --target-time-scale, and scales a time-scaled serve's latencies back", async () => {
    const unscaled = await runCli(["experiment", "run", "--experiment", file, "--case", "steady", "--profile", "as-deployed", "--target", server.url], env);
    expect(unscaled.code).toBe(2);
    expect(unscaled.stderr).toMatch(/goodput serve.*optimistically.*--target-time-scale/);
    const fast = await startSimulatedServer({ port: 0, timeScale: 10 });
    try {
      const scaled = await runCli(["experiment", "run", "--experiment", file, "--case", "long", "--profile", "as-deployed", "--target", fast.url, "--target-time-scale", "10", "--json"], env);
      expect(scaled.code).toBe(0);
      const [row] = JSON.parse(scaled.stdout) as { p50LatencySeconds: number; requestsPerSecond: number }[];
      const realTime = JSON.parse((await runCli(["experiment", "run", "--experiment", file, "--case", "long", "--profile", "as-deployed", "--target", server.url, "--target-time-scale", "1", "--json"], env)).stdout) as { p50LatencySeconds: number }[];
      // Same simulated server, ten times faster: once scaled back, latency is that of real time, not 10× better
      // (unscaled it would be ≈ 0.1×; wall-clock overhead on a busy machine only adds, ×10, so no tight upper bound).
      expect(row?.p50LatencySeconds ?? 0).toBeGreaterThan((realTime[0]?.p50LatencySeconds ?? 0) * 0.5);
      expect(row?.p50LatencySeconds ?? 0).toBeLessThan((realTime[0]?.p50LatencySeconds ?? 0) * 5);
      // The case's 4 requests/s are in the target's seconds: 8 requests over ≈ 2 s plus the last one's latency
      // (sent at 4/s of wall clock they would span ≈ 20 target seconds: ≈ 0.4/s).
      expect(row?.requestsPerSecond ?? 0).toBeGreaterThan(1);
      expect(row?.requestsPerSecond ?? 0).toBeLessThan(4.5);
    } finally {
      await fast.close();
    }
  });

  it("refuses several profiles for one endpoint", async () => {
    const many = await runCli(["experiment", "run", "--experiment", file, "--case", "steady", "--target", server.url], env);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/one serving configuration; pass --profile/);
  });

  it("runs the burst (on/off) case against the live endpoint: every send falls in an on window", async () => {
    const result = await runCli(["experiment", "run", "--experiment", file, "--case", "bursty", "--profile", "as-deployed", "--target", server.url, "--target-time-scale", "1", "--json"], env);
    expect(result.code).toBe(0);
    const [row] = JSON.parse(result.stdout) as { requests: number; successful: number; runId: string }[];
    expect(row?.requests).toBe(30);
    const log = readFileSync(join(env.GOODPUT_HOME, "runs", row?.runId ?? "", "requests.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { arrival_s: number });
    // On 1 s, off 1 s, starting on: the intended send times are the schedule's own (a property of the schedule, not of timing).
    expect(log.every((record) => record.arrival_s % 2 < 1)).toBe(true);
  });

  it("an unreachable target is an error, not a stored cell of 0 served; credentials in the URL are never printed or stored", async () => {
    const refused = await runCli(["experiment", "run", "--experiment", file, "--case", "steady", "--profile", "as-deployed", "--target", "http://u:pw@127.0.0.1:1/?api_key=QSECRET"], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/nothing answers at/);
    expect(refused.stderr + refused.stdout).not.toMatch(/pw@|QSECRET/);
    const withSecret = server.url.replace("http://", "http://u:pw@") + "/?api_key=QSECRET";
    const run = await runCli(["experiment", "run", "--experiment", file, "--case", "steady", "--profile", "as-deployed", "--target", withSecret, "--target-time-scale", "1"], env);
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(/pw@|QSECRET/);
    const items = await runCli(["report", "--list", "--json"], env);
    expect(items.code).toBe(0);
    expect(items.stdout).toContain("127.0.0.1");
    expect(items.stdout).not.toMatch(/pw@|QSECRET/);
  });
});
