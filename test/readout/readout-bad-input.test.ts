import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runReadout } from "./run-readout.js";

const dir = mkdtempSync(join(tmpdir(), "goodput-readout-bad-"));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const rows = (make: (i: number) => string, n = 40): string => Array.from({ length: n }, (_, i) => make(i)).join("\n");

describe("goodput readout rejects bad input with exit 2, naming the file, column and row", () => {
  it("a missing column lists the available ones", async () => {
    const path = file("missing.csv", "arm,latency_s\n" + rows((i) => `${i % 2 ? "B" : "A"},${0.1 + i / 100}`));
    const result = await runReadout([path, "--outcome", "ttft_s"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing.csv");
    expect(result.stderr).toMatch(/no column "ttft_s".*available columns: arm, latency_s/);
  });

  it("a non-numeric outcome names the row and the value", async () => {
    const path = file("text.csv", "arm,cost\n" + rows((i) => `${i % 2 ? "B" : "A"},${i === 7 ? "oops" : String(i)}`));
    const result = await runReadout([path, "--outcome", "cost"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/text\.csv.*"cost" is not numeric.*"oops" at row 8 \(line 9\)/);
  });

  it("a NaN latency and a negative latency name the row", async () => {
    const nan = file("nan.jsonl", rows((i) => JSON.stringify({ arm: i % 2 ? "B" : "A", ttft_s: i === 5 ? "NaN" : 0.2 })));
    const nanResult = await runReadout([nan, "--outcome", "ttft_s"]);
    expect(nanResult.code).toBe(2);
    expect(nanResult.stderr).toMatch(/nan\.jsonl.*"ttft_s".*(NaN|nan).*row 6/i);
    const negative = file("negative.csv", "arm,ttft_s\n" + rows((i) => `${i % 2 ? "B" : "A"},${i === 11 ? -0.5 : 0.2}`));
    const negativeResult = await runReadout([negative, "--outcome", "ttft_s"]);
    expect(negativeResult.code).toBe(2);
    expect(negativeResult.stderr).toMatch(/negative\.csv.*latency column "ttft_s" is negative \(-0\.5\) at row 12/);
  });

  it("one arm only", async () => {
    const path = file("one-arm.csv", "arm,cost\n" + rows((i) => `A,${i}`));
    const result = await runReadout([path, "--outcome", "cost"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/one-arm\.csv.*"arm" has one arm only \("A" on all 40 rows\)/);
  });

  it("all units in one cluster", async () => {
    const path = file("one-cluster.csv", "arm,cost,pool\n" + rows((i) => `${i % 2 ? "B" : "A"},${i},p1`));
    const result = await runReadout([path, "--outcome", "cost", "--cluster", "pool"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/one-cluster\.csv.*all 40 rows are in one cluster of "pool"/);
  });

  it("an assignment unit in both arms, an unknown --design, and a missing file; a --cluster in both arms only clusters the SEs", async () => {
    const mixed = file("mixed.csv", "arm,cost,pool\n" + rows((i) => `${i % 2 ? "B" : "A"},${i},p${i % 4 === 0 ? 1 : 2}`));
    const mixedResult = await runReadout([mixed, "--outcome", "cost", "--unit", "pool"]);
    expect(mixedResult.code).toBe(2);
    expect(mixedResult.stderr).toMatch(/assignment unit "pool" = "p\d".*appears in both arms.*pass it as --cluster/);
    const clustered = await runReadout([mixed, "--outcome", "cost", "--cluster", "pool", "--permutations", "50", "--bootstrap", "20", "--json"]);
    expect(clustered.code).toBe(0);
    expect((JSON.parse(clustered.stdout) as { design: { chosen: string } }).design.chosen).toBe("request");
    expect((await runReadout([mixed, "--outcome", "cost", "--design", "rct"])).code).toBe(2);
    const absent = await runReadout([join(dir, "absent.parquet")]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toMatch(/absent\.parquet: no such file/);
  });

  it('refuses a "completed requests only" extract of a request log', async () => {
    const path = file("completed.jsonl", rows((i) => JSON.stringify({ request_id: i * 3, arrival_s: i, policy: "round-robin", arm: i % 2 ? "B" : "A", status: "ok", ttft_s: 0.1, e2e_s: 1, cost_usd: 0.001 })));
    const result = await runReadout([path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/completed requests only/);
  });
});
