import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/numeric/rng.js";
import { readoutJson, runReadout } from "./run-readout.js";

/** Truncated power law (Pareto α on [min, max]) by inversion. */
function truncatedPowerLaw(u: number, alpha: number, min: number, max: number): number {
  return min * (1 - u * (1 - (min / max) ** alpha)) ** (-1 / alpha);
}

describe("fat tails: one arm happens to receive a few huge requests", () => {
  // No true effect: both arms draw tokens from the same truncated power law; then the 4 largest requests land in arm B.
  const rng = createRng(7, "test/fat-tail");
  const n = 3000;
  const tokens = Array.from({ length: n }, () => Math.round(truncatedPowerLaw(rng.next(), 1.1, 100, 400_000)));
  const arms = Array.from({ length: n }, () => (rng.next() < 0.5 ? "A" : "B"));
  const largest = tokens.map((value, index) => ({ value, index })).sort((a, b) => b.value - a.value).slice(0, 4);
  for (const { index } of largest) arms[index] = "B";
  const path = join(mkdtempSync(join(tmpdir(), "goodput-readout-tail-")), "tail.csv");
  writeFileSync(path, "arm,total_tokens,cost_usd\n" + tokens.map((value, index) => `${arms[index] ?? "A"},${value},${(value * 2e-6).toFixed(8)}`).join("\n") + "\n");
  const args = [path, "--outcome", "cost_usd", "--permutations", "1000", "--bootstrap", "500"];

  it("shows raw and robust estimates side by side; the robust ones find no shift of the typical request", async () => {
    const readout = await readoutJson(args);
    const robust = readout.outcomes[0]!.robust;
    const get = (method: string) => robust.find((entry) => entry.method === method)!;
    const raw = get("raw mean difference");
    expect(robust[0]!.method).toBe("raw mean difference");
    for (const method of ["winsorized mean (pooled p99 cap)", "trimmed mean (Yuen 20%)", "QTE p50", "QTE p90", "QTE p99", "log effect (ratio of geometric means)", "randomization inference"]) expect(get(method)).toBeDefined();
    // The raw mean moves by the few huge rows; the capped, trimmed and median effects are several times smaller and cover 0.
    for (const method of ["winsorized mean (pooled p99 cap)", "trimmed mean (Yuen 20%)", "QTE p50"]) {
      const entry = get(method);
      expect(Math.abs(entry.estimate)).toBeLessThan(0.5 * Math.abs(raw.estimate));
      expect(entry.ci95[0]).toBeLessThanOrEqual(0);
      expect(entry.ci95[1]).toBeGreaterThanOrEqual(0);
      expect(entry.note).toMatch(/estimand/);
    }
    expect(raw.estimate).toBeGreaterThan(0);
    expect(readout.outcomes[0]!.robustSummary).toMatch(/driven by a few extreme rows/);
  });

  it("the text readout explains the difference", async () => {
    const result = await runReadout(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/raw mean first — it is the business cost/);
    expect(result.stdout).toMatch(/The robust estimates disagree with the raw mean/);
    expect(result.stdout).toMatch(/the business pays the tail/);
    expect(result.stdout).toMatch(/Main failure mode: tail-state risk/);
  });
});
