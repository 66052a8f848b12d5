import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/numeric/rng.js";
import { runReadout } from "../readout/run-readout.js";

/**
 * OPE on real logs (issue 11 item 12): any action labels, the target policy from a file or a column, the value of the target
 * minus the logging policy with a CI, and a decision — checked against a hand calculation of the DR difference.
 */
const dir = mkdtempSync(join(tmpdir(), "goodput-ope-real-"));
const rng = createRng(21, "test/ope-real");
const rows = Array.from({ length: 1200 }, (_, i) => {
  const tier = i % 2 ? "pro" : "free";
  const large = rng.next() < 0.3;
  const success = rng.next() < (large ? 0.8 : 0.6) ? 1 : 0;
  return { request_id: i, model: large ? "large" : "small", propensity: large ? 0.3 : 0.7, tier, success, target: JSON.stringify({ large: 1 }) };
});
const logPath = join(dir, "router.jsonl");
writeFileSync(logPath, rows.map((row) => JSON.stringify({ request_id: row.request_id, intended_action: row.model, propensity: row.propensity, tier: row.tier, success: row.success, target: row.target })).join("\n") + "\n");

async function ope(args: readonly string[]): Promise<{ improvement: { estimate: number; standardError: number; ci95: [number, number]; loggingValue: number }; decision: { action: string; rule: string }; actionLabels: string[] }> {
  const result = await runReadout([logPath, "--design", "ope", "--reward", "success", ...args, "--json"]);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Awaited<ReturnType<typeof ope>>;
}

/** DR terms by hand: q̂(a) = the action's mean logged reward (no covariates); ψ_i = Σ_a π(a) q̂(a) + w_i (r_i − q̂(a_i)). */
function handImprovement(target: (row: (typeof rows)[number]) => Record<string, number>): { estimate: number; standardError: number } {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const q: Record<string, number> = { large: mean(rows.filter((r) => r.model === "large").map((r) => r.success)), small: mean(rows.filter((r) => r.model === "small").map((r) => r.success)) };
  const d = rows.map((row) => {
    const pi = target(row);
    const plugIn = Object.entries(pi).reduce((sum, [action, p]) => sum + p * (q[action] ?? 0), 0);
    return plugIn + ((pi[row.model] ?? 0) / row.propensity) * (row.success - (q[row.model] ?? 0)) - row.success;
  });
  const m = mean(d);
  return { estimate: m, standardError: Math.sqrt(d.reduce((sum, value) => sum + (value - m) ** 2, 0) / (d.length - 1) / d.length) };
}

describe("OPE on real logs: labels, file / column targets, target − logging with a CI, a decision", () => {
  it("a target file {probabilities: {large: 1}} on labelled actions: DR improvement equals the hand calculation; ramp", async () => {
    const file = join(dir, "always-large.json");
    writeFileSync(file, JSON.stringify({ name: "always large", probabilities: { large: 1 } }));
    const result = await ope(["--target-file", file]);
    expect(result.actionLabels).toEqual(["large", "small"]);
    const truth = handImprovement(() => ({ large: 1 }));
    expect(result.improvement.estimate).toBeCloseTo(truth.estimate, 6);
    expect(result.improvement.standardError).toBeCloseTo(truth.standardError, 6);
    expect(result.improvement.ci95[0]).toBeGreaterThan(0);
    expect(result.decision.action).toBe("ramp");
  });

  it("the same policy as a column of per-row JSON probabilities gives the same answer", async () => {
    const result = await ope(["--target-column", "target"]);
    const truth = handImprovement(() => ({ large: 1 }));
    expect(result.improvement.estimate).toBeCloseTo(truth.estimate, 6);
  });

  it("a policy by tier (pro → large, free → small) from a file", async () => {
    const file = join(dir, "by-tier.yaml");
    writeFileSync(file, "by: tier\nrules:\n  pro: { large: 1 }\n  free: { small: 1 }\n");
    const result = await ope(["--target-file", file]);
    const truth = handImprovement((row) => (row.tier === "pro" ? { large: 1 } : { small: 1 }));
    expect(result.improvement.estimate).toBeCloseTo(truth.estimate, 6);
    expect(result.improvement.standardError).toBeCloseTo(truth.standardError, 6);
  });

  it("target mass on an action the logger never took: no support → run a stronger design (exploration first)", async () => {
    const file = join(dir, "xl.json");
    writeFileSync(file, JSON.stringify({ probabilities: { large: 0.5, xl: 0.5 } }));
    const result = await ope(["--target-file", file]);
    expect(result.actionLabels).toContain("xl");
    expect(result.decision.action).toBe("run a stronger design");
  });

  it("probabilities that do not sum to 1 are refused with the file and the values", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ probabilities: { large: 0.5, small: 0.2 } }));
    const result = await runReadout([logPath, "--design", "ope", "--reward", "success", "--target-file", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/sum to 0\.7, not 1/);
  });
});
