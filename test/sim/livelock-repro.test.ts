import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

describe("issue 18.1 repro: fat-tailed tokens on a 500-block KV pool", () => {
  it("finishes with --out, counts every request and keeps the series small", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-livelock-"));
    const scenario = join(dir, "f.yaml");
    writeFileSync(scenario, readFileSync("examples/fat-tailed-tokens.yaml", "utf8").replace("kvBlocks: 6000", "kvBlocks: 500"));
    const out = join(dir, "run");
    const result = await runCli(["sim", "--scenario", scenario, "--requests", "1500", "--out", out, "--json"]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { requests: number; unfinished: number; completed: number; rejected: number; dropped: number; failed: number; rejectedByReason: { exceedsKvCapacity: number } };
    expect(summary.requests).toBe(1500);
    expect(summary.unfinished).toBe(0);
    expect(summary.completed + summary.rejected + summary.dropped + summary.failed).toBe(1500);
    expect(summary.rejectedByReason.exceedsKvCapacity).toBeGreaterThan(0);
    expect(readFileSync(join(out, "requests.jsonl"), "utf8").trim().split("\n")).toHaveLength(1500);
    expect(statSync(join(out, "series.jsonl")).size).toBeLessThan(1_000_000);
  }, 60_000);
});
