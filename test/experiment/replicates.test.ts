import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replicateInterval } from "../../src/experiment/replicates.js";
import { runCli } from "../cli/run-cli.js";
import { tinyExperimentYaml } from "./tiny-experiment.js";

describe("replicateInterval()", () => {
  it("matches scipy.stats.t.interval (scripts/fixtures/make-replicate-interval-fixture.py)", () => {
    const five = replicateInterval([1, 2, 3, 4, 5]);
    expect(five.mean).toBe(3);
    expect(five.ci95[0]).toBeCloseTo(1.0367568385224428, 10);
    expect(five.ci95[1]).toBeCloseTo(4.963243161477557, 10);
    const three = replicateInterval([3.8, 4.1, 4.6]);
    expect(three.ci95[0]).toBeCloseTo(3.162714363058459, 10);
    expect(three.ci95[1]).toBeCloseTo(5.170618970274875, 10);
  });
  it("gives no interval for one replicate", () => {
    expect(replicateInterval([2]).ci95.every(Number.isNaN)).toBe(true);
  });
});

describe("experiment run --replicates", () => {
  it("runs each cell on seeds S, S+1, S+2 and gives every percentile a CI across the seeds' own summaries", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-replicates-"));
    const file = join(dir, "tiny.yaml");
    writeFileSync(file, tinyExperimentYaml());
    const env = { GOODPUT_HOME: join(dir, "home") };
    const run = await runCli(["experiment", "run", "--experiment", file, "--case", "steady", "--profile", "batched", "--replicates", "3", "--json"], env);
    expect(run.code).toBe(0);
    const [row] = JSON.parse(run.stdout) as { runId: string; replicates: { seeds: number[]; runIds: string[]; p95LatencySeconds: { n: number; mean: number; ci95: [number, number] } } }[];
    expect(row?.replicates.seeds).toEqual([5, 6, 7]);
    // Each replicate's p95 as its own run recorded it in summary.json.
    const p95s = (row?.replicates.runIds ?? []).map((runId) => (JSON.parse(readFileSync(join(env.GOODPUT_HOME, "runs", runId, "summary.json"), "utf8")) as { latencySeconds: { p95: number } }).latencySeconds.p95);
    expect(new Set(p95s).size).toBe(3);
    const mean = p95s.reduce((sum, value) => sum + value, 0) / 3;
    const sd = Math.sqrt(p95s.reduce((sum, value) => sum + (value - mean) ** 2, 0) / 2);
    const half = (4.302652729911275 * sd) / Math.sqrt(3); // t(0.975, 2) = 0.95 / √(2 · 0.975 · 0.025), the df = 2 closed form
    expect(row?.replicates.p95LatencySeconds.mean).toBeCloseTo(mean, 12);
    expect(row?.replicates.p95LatencySeconds.ci95[0]).toBeCloseTo(mean - half, 9);
    expect(row?.replicates.p95LatencySeconds.ci95[1]).toBeCloseTo(mean + half, 9);
    // The extra replicates are stored but never stand in for the cell.
    const shown = JSON.parse((await runCli(["experiment", "show", "tiny", "--json"], env)).stdout) as { runId: string }[];
    expect(shown.map((entry) => entry.runId)).toEqual([row?.runId]);
    expect((await runCli(["experiment", "run", "--experiment", file, "--case", "steady", "--profile", "batched", "--replicates", "3"], env)).stdout).toMatch(/3 seeds \(5, 6, 7\) × 40 requests — 95 % CI p50/);
  });
});
