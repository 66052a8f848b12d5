import { describe, expect, it } from "vitest";
import { runReadout } from "../run-readout.js";

/**
 * Held-out decision casebook (issue #11): tables from scripts/fixtures/make-heldout-casebook.mjs, written without reading
 * the main casebook. Each case's truth is the effect built into the generator; the expected word was written down from
 * that truth before the readout was run. Estimates must lie within ~3 hand-computed standard errors of the truth (the SE
 * from the generator's design, never a number the tool printed): e.g. a 0/1 success at 0.70 vs 0.75 with 2,500 rows per
 * arm has SE √(0.21/2500 + 0.1875/2500) = 0.0126, so the tolerance is 0.04.
 */
const dir = "test/fixtures/casebook-heldout";

type Json = Record<string, unknown> & { decision: { action: string; rule: string; primaryEstimate?: { estimate: number; method: string } } };

async function readout(file: string, ...args: string[]): Promise<Json> {
  const result = await runReadout([`${dir}/${file}`, ...args, "--json"]);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Json;
}
const primary = (json: Json): number => json.decision.primaryEstimate?.estimate ?? Number.NaN;
const field = (json: Json, key: string): { estimate: number } => json[key] as { estimate: number };

describe("held-out casebook: experiments", () => {
  it.each([
    // file, truth, tolerance (3 × the design SE), expected word
    ["rct-positive.csv", 0.05, 0.04, "ship"],
    ["rct-null.csv", 0, 0.04, "hold"], // SE √(2·0.21/2500) = 0.013
    ["rct-harm.csv", -0.06, 0.04, "roll back"], // SE √((0.21 + 0.2304)/2500) = 0.013
  ] as const)("%s: success moves by %s (tolerance %s) → %s", async (file, truth, tolerance, word) => {
    const json = await readout(file, "--outcome", "success");
    expect(json.decision.action).toBe(word);
    expect(Math.abs(primary(json) - truth)).toBeLessThan(tolerance);
  });

  it("request-level randomization with SEs clustered by user: CR2 by user_id, ship +0.06", async () => {
    const json = await readout("user-clustered.csv", "--outcome", "success", "--cluster", "user_id");
    expect(json.decision.action).toBe("ship");
    expect(json.decision.primaryEstimate?.method).toMatch(/CR2/);
    expect(Math.abs(primary(json) - 0.06)).toBeLessThan(0.045); // SE ≈ √(4·0.63·0.37/5000) = 0.014
  });

  it("8 pools, pool effect sd 0.08 s against a −0.01 s effect: CR2 by pool holds (the row-level test would not)", async () => {
    const json = await readout("pool-cluster.csv", "--outcome", "ttft_s", "--cluster", "pool");
    expect(json.decision.action).toBe("hold");
    expect(json.decision.primaryEstimate?.method).toMatch(/CR2/);
    expect(Math.abs(primary(json) - -0.01)).toBeLessThan(0.17); // SE ≈ 0.08·√(1/4 + 1/4) = 0.057
  });

  it("pre-period revenue: CUPED detects +0.1 that the raw difference (SE 0.096) cannot", async () => {
    const json = await readout("cuped.csv", "--outcome", "revenue", "--pre-period", "pre_revenue");
    expect(json.decision.action).toBe("ship");
    expect(json.decision.primaryEstimate?.method).toBe("CUPED");
    expect(Math.abs(primary(json) - 0.1)).toBeLessThan(0.05); // SE ≈ 0.5·√(4/4000) = 0.016
  });

  it("a mediator given as --covariate is left out of the total effect (+0.2 × 0.4 s = +0.08)", async () => {
    const json = await readout("mediator.csv", "--outcome", "success", "--covariate", "latency_after_routing");
    expect(json.decision.action).toBe("ship");
    expect(Math.abs(primary(json) - 0.08)).toBeLessThan(0.045); // SE ≈ √(4·0.22/4000) = 0.015; adjusting would give ≈ 0
  });

  it("success up but e2e_s up 0.3 s: not shipped (the default latency rollback trigger fires)", async () => {
    const json = await readout("guardrail.csv", "--outcome", "success", "--outcome", "e2e_s");
    expect(["hold", "roll back"]).toContain(json.decision.action);
    expect(Math.abs(primary(json) - 0.05)).toBeLessThan(0.05); // SE √((0.21 + 0.1875)/1500) = 0.016
  });

  it("value 0.2 × lift 0.03 = 0.006 per row below the incremental cost 0.01: hold", async () => {
    const json = await readout("net-value.csv", "--outcome", "success", "--value-per-unit", "0.2");
    expect(json.decision.action).toBe("hold");
    expect(json.decision.rule).toBe("below-economic-bar");
    expect(Math.abs(primary(json) - 0.03)).toBeLessThan(0.03); // SE √((0.21 + 0.2)/5000) = 0.009
  });

  it("intended ≠ executed: ITT 0.6 × 2 = 1.2 by the intended arm decides, LATE 2 by 2SLS", async () => {
    const json = await readout("noncompliance.csv", "--outcome", "goodput", "--treatment", "executed", "--intended", "intended");
    expect(json.decision.action).toBe("ship");
    // Var(y) 1.24 in A, 1 + 9·0.24 = 3.16 in B (12 vs 9 for compliers vs never-takers): SE √(4.4/2000) = 0.047.
    expect(Math.abs(primary(json) - 1.2)).toBeLessThan(0.15);
    const late = (json.noncompliance as { late: { estimate: number } }).late.estimate;
    expect(Math.abs(late - 2)).toBeLessThan(0.25); // SE ≈ 0.047 / 0.6
  });

  it("tokens_per_s is a rate, not a latency: +5 tok/s is a system-level benefit (ramp), not a p99 rollback", async () => {
    const json = await readout("throughput.csv", "--outcome", "tokens_per_s");
    expect(json.decision.action).toBe("ramp");
    expect(json.decision.rule).toBe("short-run-surrogate");
    expect(Math.abs(primary(json) - 5)).toBeLessThan(0.95); // SE 10·√(2/2000) = 0.32
  });
});

describe("held-out casebook: designs", () => {
  it("staged rollout in two waves, effect +1: Callaway–Sant'Anna, ramp with a holdout", async () => {
    const json = await readout("staged-rollout.csv", "--design", "did", "--outcome", "goodput", "--unit", "unit", "--time", "time", "--treatment", "treated");
    expect(json.decision.action).toBe("ramp");
    // Hand SE of the simple aggregation with σ = 0.5, 10 units per group: √0.0314 = 0.18.
    expect(Math.abs(field(json, "callawaySantAnna").estimate - 1)).toBeLessThan(0.55);
  });

  it("priority at a usage cutoff, jump +0.1 in retention: RDD ramps", async () => {
    const json = await readout("cutoff.csv", "--design", "rdd", "--running", "usage_score", "--cutoff", "0", "--outcome", "retention");
    expect(json.decision.action).toBe("ramp");
    // σ 0.1, 1,500 rows per unit of score; even at h = 0.2 the triangular-kernel SE ≈ √(4.8·0.01/(3000·0.5·0.2)) = 0.013.
    expect(Math.abs(field(json, "estimate").estimate - 0.1)).toBeLessThan(0.04);
  });

  it("router log with logged propensities: always-fast is worth +0.10 slo_met over logging (0.90 vs 0.80), ramp", async () => {
    const json = await readout("router-log.csv", "--design", "ope", "--reward", "slo_met", "--target-file", `${dir}/always-fast.json`);
    expect(json.decision.action).toBe("ramp");
    expect(Math.abs(field(json, "improvement").estimate - 0.1)).toBeLessThan(0.02); // IPS SE ≈ √((0.5·0.09/0.3 + 0.5·0.09/0.7)/6000) = 0.006
  });

  it("IV on an outcome named y (LATE −0.5): direction unknown holds; --direction decides either way", async () => {
    const args = ["--design", "iv", "--outcome", "y", "--treatment", "d", "--instrument", "z"];
    const unknown = await readout("iv-unnamed.csv", ...args);
    expect(unknown.decision.action).toBe("hold");
    expect(unknown.decision.rule).toBe("direction-unknown");
    // Wald SE ≈ √(Var y · 4/n) / first stage = √(1.06·4/3000) / 0.5 = 0.075.
    expect(Math.abs(field(unknown, "late").estimate - -0.5)).toBeLessThan(0.23);
    expect((await readout("iv-unnamed.csv", ...args, "--direction", "lower")).decision.action).toBe("ramp");
    expect((await readout("iv-unnamed.csv", ...args, "--direction", "higher")).decision.action).toBe("roll back");
  });

  it("--direction is refused where it would be ignored, and a bad value names the flag", async () => {
    const rct = await runReadout([`${dir}/rct-null.csv`, "--outcome", "success", "--direction", "higher"]);
    expect(rct.code).toBe(2);
    expect(rct.stderr).toMatch(/--direction applies to --design iv, did, rdd and synthetic-control/);
    const bad = await runReadout([`${dir}/iv-unnamed.csv`, "--design", "iv", "--outcome", "y", "--treatment", "d", "--instrument", "z", "--direction", "up"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--direction "up" is not higher or lower/);
  });
});
