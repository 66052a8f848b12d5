import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readoutJson, runReadout } from "../run-readout.js";
import { casebook, close, csvColumns, expected, welchByHand } from "./_casebook.js";

/**
 * The decision casebook (issue 11): one seeded table per case, the truth computed independently (estimatr via
 * scripts/fixtures/make-decision-casebook.R, or by hand here), asserting the decision word, the primary estimate and its SE.
 */
const fast = ["--permutations", "200", "--bootstrap", "50"];

describe("decision casebook: experiment readouts reach the call a careful analyst would", () => {
  it("1. classes randomized within schools, SEs clustered by school: CR2 and Bell–McCaffrey df equal estimatr; ship", async () => {
    const readout = await readoutJson([casebook("star-classes.csv"), "--outcome", "score", "--treatment", "small", "--cluster", "school", ...fast]);
    expect(readout.design.chosen).toBe("request");
    expect(readout.design.basis.join(" ")).toMatch(/treatment varies within its clusters/);
    const primary = readout.decision.primaryEstimate!;
    expect(primary.method).toBe("OLS CR2");
    close(primary.estimate, expected.star.estimate);
    close(primary.standardError, expected.star.standardError);
    close(primary.df, expected.star.df);
    close(primary.ci95[0], expected.star.ci95[0]);
    close(primary.ci95[1], expected.star.ci95[1]);
    // Row-level estimates are shown but never decide.
    expect(readout.outcomes[0]!.estimates.find((entry) => entry.method === "difference-in-means (Welch)")!.valid).toBe(false);
    expect(readout.decision.action).toBe("ship");
  });

  it("2. 8 pools, 4 treated: the row-level Welch is 'significant' (p ≈ 1e-18) but CR2 by pool decides: hold", async () => {
    for (const flag of ["--cluster", "--unit"]) {
      const readout = await readoutJson([casebook("pool-cluster.csv"), "--outcome", "ttft_s", "--treatment", "arm", flag, "pool", ...fast]);
      expect(readout.design.chosen).toBe("cluster");
      const primary = readout.decision.primaryEstimate!;
      expect(primary.method).toBe("OLS CR2");
      close(primary.estimate, expected.pools.cr2.estimate);
      close(primary.standardError, expected.pools.cr2.standardError);
      close(primary.df, expected.pools.cr2.df);
      const welch = readout.outcomes[0]!.estimates.find((entry) => entry.method === "difference-in-means (Welch)")!;
      expect(welch.pValue).toBeLessThan(1e-10);
      expect(welch.valid).toBe(false);
      expect(readout.decision.action).toBe("hold");
      expect(readout.decision.rule).toBe("no-detectable-effect");
      const ri = readout.outcomes[0]!.robust.find((entry) => entry.method === "randomization inference")!;
      close(ri.pValue, expected.pools.exactP, 1e-12);
      expect(ri.note).toMatch(/all 70 possible assignments \(exact\).*inverting the test/);
    }
  });

  it("3. a mediator given as a covariate is dropped from the total effect, shown as a mechanism, and the real lift ships", async () => {
    const data = csvColumns("mediator.csv");
    const truth = welchByHand(data.success!, data.arm!);
    const readout = await readoutJson([casebook("mediator.csv"), "--outcome", "success", "--treatment", "arm", "--covariate", "latency_after_routing", ...fast]);
    expect(readout.lint[0]!.verdict).toBe("refuse");
    const primary = readout.decision.primaryEstimate!;
    expect(primary.method).toBe("difference-in-means (Welch)");
    close(primary.estimate, truth.estimate);
    close(primary.standardError, truth.standardError);
    expect(readout.decision.action).toBe("ship");
    const mechanism = readout.mechanisms[0]!;
    expect(mechanism.column).toBe("latency_after_routing");
    close(mechanism.effectOnColumn!.estimate, welchByHand(data.latency_after_routing!, data.arm!).estimate);
    expect(mechanism.adjustedPrimary!.valid).toBe(false);
    // The adjusted contrast removes most of the effect: that is why it must never be the primary.
    expect(Math.abs(mechanism.adjustedPrimary!.estimate)).toBeLessThan(Math.abs(truth.estimate) / 2);
    expect(readout.decision.reasons.join(" ")).toMatch(/latency_after_routing.*left out of the total-effect estimate/);
    expect(readout.checks.find((check) => check.check === "balance")!.status).toBe("skipped");
  });

  it("4. CUPED is the primary with --pre-period, regression adjustment with --covariate: same call (ship) where the raw difference holds", async () => {
    const data = csvColumns("cuped.csv");
    const x = data.pre_cost!;
    const y = data.cost!;
    const meanX = x.reduce((a, b) => a + b, 0) / x.length;
    const meanY = y.reduce((a, b) => a + b, 0) / y.length;
    const theta = x.reduce((sum, value, index) => sum + (value - meanX) * ((y[index] ?? 0) - meanY), 0) / x.reduce((sum, value) => sum + (value - meanX) ** 2, 0);
    const cupedTruth = welchByHand(y.map((value, index) => value - theta * ((x[index] ?? 0) - meanX)), data.arm!);
    const raw = await readoutJson([casebook("cuped.csv"), "--outcome", "cost", "--treatment", "arm", ...fast]);
    expect(raw.decision.action).toBe("hold");
    const pre = await readoutJson([casebook("cuped.csv"), "--outcome", "cost", "--treatment", "arm", "--pre-period", "pre_cost", ...fast]);
    expect(pre.decision.primaryEstimate!.method).toBe("CUPED");
    close(pre.decision.primaryEstimate!.estimate, cupedTruth.estimate);
    close(pre.decision.primaryEstimate!.standardError, cupedTruth.standardError);
    const covariate = await readoutJson([casebook("cuped.csv"), "--outcome", "cost", "--treatment", "arm", "--covariate", "pre_cost", ...fast]);
    expect(covariate.decision.primaryEstimate!.method).toBe("OLS HC2");
    close(covariate.decision.primaryEstimate!.estimate, expected.cuped.hc2.estimate);
    close(covariate.decision.primaryEstimate!.standardError, expected.cuped.hc2.standardError);
    expect(pre.decision.action).toBe("ship");
    expect(covariate.decision.action).toBe(pre.decision.action);
  });

  it("6. value × lift below the incremental cost holds, and no segment that does not pay is targeted", async () => {
    const data = csvColumns("net-value.csv");
    const net = welchByHand(data.success!.map((value, index) => 0.1 * value - (data.cost_usd![index] ?? 0)), data.arm!);
    const readout = await readoutJson([casebook("net-value.csv"), "--outcome", "success", "--treatment", "arm", "--value-per-unit", "0.1", "--segment", "tier", ...fast]);
    expect(readout.decision.primaryEstimate!.ci95[0]).toBeGreaterThan(0); // the lift is real…
    close(readout.outcomes[0]!.netValue!.estimate, net.estimate);
    close(readout.outcomes[0]!.netValue!.standardError, net.standardError);
    expect(readout.decision.action).toBe("hold"); // …but not worth its cost
    expect(readout.decision.rule).toBe("below-economic-bar");
    expect(readout.decision.targetSegments).toEqual([]);
  });

  it("7. --treatment executed with an intended column: ITT by the intended arm decides, LATE by 2SLS, as-treated not valid", async () => {
    const readout = await readoutJson([casebook("noncompliance.csv"), "--outcome", "y", "--treatment", "executed", ...fast]);
    expect(readout.treatment.column).toBe("intended");
    const primary = readout.decision.primaryEstimate!;
    close(primary.estimate, expected.noncompliance.itt.estimate);
    close(primary.standardError, expected.noncompliance.itt.standardError);
    const late = readout.noncompliance!.late!;
    close(late.estimate, expected.noncompliance.late.estimate);
    close(late.standardError, expected.noncompliance.late.standardError);
    const asTreated = readout.noncompliance!.asTreated!;
    close(asTreated.estimate, expected.noncompliance.asTreated.estimate);
    expect(asTreated.valid).toBe(false);
    expect(readout.decision.estimand).toMatch(/intent-to-treat/);
    expect(readout.decision.action).toBe("ship");
  });

  it("8. TTFT improves but 30-day retention falls: hold; TTFT alone is a surrogate: conditional ramp with a durable holdout", async () => {
    const data = csvColumns("long-run-harm.csv");
    const retention = welchByHand(data.retained_30d!, data.arm!);
    expect(retention.estimate + 1.96 * retention.standardError).toBeLessThan(0);
    const both = await readoutJson([casebook("long-run-harm.csv"), "--outcome", "ttft_s", "--outcome", "retained_30d", "--treatment", "arm", ...fast]);
    expect(both.decision.primaryEstimate!.ci95[1]).toBeLessThan(0); // TTFT really improves
    expect(both.decision.action).toBe("hold");
    expect(both.decision.rule).toBe("harm-in-a-stated-outcome");
    expect(both.decision.summary).toMatch(/retained_30d falls/);
    const ttft = csvColumns("long-run-harm.csv");
    const ttftTruth = welchByHand(ttft.ttft_s!, ttft.arm!);
    const alone = await readoutJson([casebook("long-run-harm.csv"), "--outcome", "ttft_s", "--treatment", "arm", ...fast]);
    close(alone.decision.primaryEstimate!.estimate, ttftTruth.estimate);
    close(alone.decision.primaryEstimate!.standardError, ttftTruth.standardError);
    expect(alone.decision.action).toBe("ramp");
    expect(alone.decision.rule).toBe("short-run-surrogate");
    expect(alone.decision.holdout).toBe(true);
    expect(alone.decision.surrogate).toMatch(/system-level metric.*durable holdout/);
  });
});

describe("decision casebook: fat tails (item 11)", () => {
  it("one huge treated request carries the effect: leave-top-k-out says so, by hand", async () => {
    const y = Array.from({ length: 200 }, (_, i) => 1 + (i % 7) / 10 + (i === 3 ? 400 : 0));
    const arm = y.map((_, i) => i % 2);
    const path = join(mkdtempSync(join(tmpdir(), "goodput-casebook-")), "tail.csv");
    writeFileSync(path, "arm,cost\n" + y.map((value, i) => `${arm[i]},${value}`).join("\n") + "\n");
    const readout = await readoutJson([path, "--outcome", "cost", "--treatment", "arm", ...fast]);
    const tail = readout.outcomes[0]!.tail!;
    const withoutTop = welchByHand(y.filter((_, i) => i !== 3), arm.filter((_, i) => i !== 3)).estimate;
    const all = welchByHand(y, arm).estimate;
    const top1 = tail.leaveTopOut.find((entry) => entry.k === 1)!;
    close(top1.estimate, withoutTop, 1e-9);
    close(top1.shareOfEffect, 1 - withoutTop / all, 1e-9);
    expect(top1.treatedAmongTop).toBe(1);
    expect(readout.decision.reasons.join(" ")).toMatch(/tail-state risk: The top 1 rows/);
  });
});

describe("decision casebook: values the readout must refuse rather than decide on (issue 18.7)", () => {
  it("one 1e308 value is refused with the file, column, row and the fix (no NaN interval, no 'robust and raw agree')", async () => {
    const result = await runReadout([casebook("huge-value.csv"), "--outcome", "cost", "--treatment", "arm"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/huge-value\.csv: outcome column "cost" has 1e\+?308 at row 8 \(line 9\).*overflow the variance/);
  });

  it("a request log without ttft_s does not silently make e2e_s the primary", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "goodput-casebook-")), "no-ttft.jsonl");
    writeFileSync(path, Array.from({ length: 40 }, (_, i) => JSON.stringify({ request_id: i, arrival_s: i, arm: i % 2 ? "B" : "A", status: "ok", e2e_s: 1 + (i % 3) / 10, cost_usd: 0.001 })).join("\n") + "\n");
    const result = await runReadout([path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no ttft_s column.*will not silently make e2e_s primary.*--outcome e2e_s/);
    expect((await runReadout([path, "--outcome", "e2e_s", "--permutations", "50", "--bootstrap", "20"])).code).toBe(0);
  });
});
