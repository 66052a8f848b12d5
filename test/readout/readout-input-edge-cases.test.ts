import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runReadout } from "./run-readout.js";

const directory = mkdtempSync(join(tmpdir(), "goodput-readout-edge-"));
function write(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe("readout input edge cases: refused with the reason, never dropped or pooled", () => {
  it("more segments than can be tested is refused, not cut to the first 30", async () => {
    const rows = Array.from({ length: 350 }, (_, i) => `${i % 2},s${i % 35},${(i * 7) % 11}`);
    const result = await runReadout([write("seg35.csv", ["t,seg,y", ...rows].join("\n")), "--outcome", "y", "--treatment", "t", "--segment", "seg"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/segment column has 35 distinct values \(more than 30\)/);
  });

  it("an empty assignment-unit cell is an error naming the row, not a pooled \"\" unit in both arms", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 2},${i === 7 ? "" : `u${i}`},${i % 5}`);
    const result = await runReadout([write("units.csv", ["t,user,y", ...rows].join("\n")), "--outcome", "y", "--treatment", "t", "--unit", "user"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/assignment-unit column "user" is empty at row 8 \(line 9\)/);
  });

  it("a request log with text request ids reads (the id-gap check needs integer ids)", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `req-${i},${i % 2 === 0 ? "A" : "B"},ok,${i * 0.5},${0.1 + (i % 3) * 0.01}`);
    const result = await runReadout([write("uuid.csv", ["request_id,arm,status,arrival_s,ttft_s", ...rows].join("\n")), "--outcome", "ttft_s", "--json"]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
  });

  it("a decision rule asking for a quantile of a built-in metric is refused by field path", async () => {
    const rule = write("rule.yaml", "primary: { outcome: y, direction: decrease }\nguardrails:\n  - { metric: queue_depth, statistic: p99, maxDegradation: 1 }\n");
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 2},${i % 5}`);
    const result = await runReadout([write("rule-data.csv", ["t,y", ...rows].join("\n")), "--outcome", "y", "--treatment", "t", "--decision-rule", rule]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/guardrails\.0\.statistic: "p99" of the built-in queue_depth is not computed/);
  });
});
