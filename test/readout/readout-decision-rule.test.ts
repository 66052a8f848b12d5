import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDecisionRule } from "../../src/readout/index.js";
import { createRng } from "../../src/numeric/rng.js";
import { readoutJson, runReadout } from "./run-readout.js";

const dir = mkdtempSync(join(tmpdir(), "goodput-readout-rule-"));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const lalonde = "test/fixtures/stats/lalonde-nsw.csv";
const fast = ["--permutations", "200", "--bootstrap", "200"];

/** 1 200 rows: earnings up by 2 (clear), latency_s up by 0.3 s in the treated arm (clear), noise N(0, 1) and N(0, 0.1). */
function tradeoffCsv(): string {
  const rng = createRng(7, "test/readout-rule");
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const lines = ["treated,earnings,latency_s"];
  for (let row = 0; row < 1200; row++) {
    const d = row % 2;
    lines.push(`${d},${(10 + 2 * d + normal()).toFixed(6)},${(1 + 0.3 * d + 0.1 * Math.abs(normal())).toFixed(6)}`);
  }
  return write("tradeoff.csv", lines.join("\n"));
}

describe("--decision-rule: the pre-registered rule drives the economic, guardrail and rollback checks and the decision", () => {
  it("the example rule file parses, and a bad rule names every bad field by path (exit 2)", async () => {
    const example = parseDecisionRule((await import("yaml")).parse((await import("node:fs")).readFileSync("examples/decision-rule.yaml", "utf8")), "examples/decision-rule.yaml");
    expect(example.primary.outcome).toBe("ttft_s");
    expect(example.guardrails.length).toBe(4);
    const bad = write("bad-rule.yaml", "primary:\n  outcome: re78\n  direction: up\nalpha: 2\nguardrails:\n  - metric: queue_depth\n    maxDegradation: -1\nextra: 1\n");
    const result = await runReadout([lalonde, "--treatment", "treat", "--decision-rule", bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad decision rule/);
    expect(result.stderr).toMatch(/primary\.direction/);
    expect(result.stderr).toMatch(/alpha/);
    expect(result.stderr).toMatch(/guardrails\.0\.maxDegradation/);
    expect(result.stderr).toMatch(/unrecognized key.*extra|extra/i);
  });

  it("on the NSW sample the default readout ships; a rule with minEffect 2500 (above the 1794 effect) holds (the docs/design.md §1 word for do not ship)", async () => {
    const defaults = await readoutJson([lalonde, "--outcome", "re78", "--treatment", "treat", ...fast]);
    expect(defaults.decision.action).toBe("ship");
    expect(defaults.rule).toBeNull();
    const rule = write("nsw-rule.json", JSON.stringify({ name: "job training", primary: { outcome: "re78", direction: "increase", minEffect: 2500 } }));
    const readout = await readoutJson([lalonde, "--treatment", "treat", "--decision-rule", rule, ...fast]);
    expect(readout.outcomes[0]!.outcome).toBe("re78"); // the rule's primary outcome is read without --outcome
    const economic = readout.checks.find((check) => check.check === "economic")!;
    expect(economic.status).toBe("fail");
    expect(economic.values!.gain).toBeCloseTo(1794.34, 1);
    expect(readout.decision.action).toBe("hold");
    expect(readout.decision.rule).toBe("below-economic-bar");
    expect(readout.rule!.name).toBe("job training");
  });

  it("alpha from the rule: the NSW effect (p ≈ 0.0079) ships at 0.05 but holds at alpha 0.005", async () => {
    const rule = write("nsw-strict.yaml", "primary: { outcome: re78, direction: increase }\nalpha: 0.005\n");
    const readout = await readoutJson([lalonde, "--treatment", "treat", "--decision-rule", rule, ...fast]);
    const primary = readout.outcomes[0]!.estimates.find((entry) => entry.primary)!;
    expect(primary.pValue).toBeGreaterThan(0.005);
    expect(primary.pValue).toBeLessThan(0.05);
    expect(readout.decision.action).toBe("hold");
    expect(readout.decision.summary).toMatch(/99\.5 % CI|100 % CI|99 % CI/);
  });

  it("a guardrail breach holds, a fired rollback trigger says roll back, where the defaults (earnings only) ship", async () => {
    const csv = tradeoffCsv();
    const defaults = await readoutJson([csv, "--outcome", "earnings", "--treatment", "treated", ...fast]);
    expect(defaults.decision.action).toBe("ship"); // latency is not an outcome without the rule
    const guardrail = write("guardrail.yaml", "primary: { outcome: earnings, direction: increase, minEffect: 1 }\nguardrails:\n  - { metric: latency_s, maxDegradation: 0.1 }\n");
    const guarded = await readoutJson([csv, "--treatment", "treated", "--decision-rule", guardrail, ...fast]);
    const check = guarded.checks.find((entry) => entry.check === "guardrail")!;
    expect(check.status).toBe("fail");
    expect(Number(check.values!.harm)).toBeGreaterThan(0.25);
    expect(guarded.decision.action).toBe("hold");
    expect(guarded.decision.rule).toBe("guardrail-breached");
    const tolerant = write("tolerant.yaml", "primary: { outcome: earnings, direction: increase }\nguardrails:\n  - { metric: latency_s, maxDegradation: 1 }\n");
    expect((await readoutJson([csv, "--treatment", "treated", "--decision-rule", tolerant, ...fast])).decision.action).toBe("ship");
    const rollback = write("rollback.yaml", "primary: { outcome: earnings, direction: increase }\nrollback:\n  - { metric: latency_s, statistic: p50, threshold: 0.2, action: roll back }\n");
    const rolled = await readoutJson([csv, "--treatment", "treated", "--decision-rule", rollback, ...fast]);
    expect(rolled.checks.find((entry) => entry.check === "rollback")!.status).toBe("fail");
    expect(rolled.decision.action).toBe("roll back");
    const text = (await runReadout([csv, "--treatment", "treated", "--decision-rule", rollback, ...fast])).stdout;
    expect(text).toMatch(/Decision rule: primary earnings should increase/);
    expect(text).toMatch(/Decision: ROLL BACK/);
  });

  it("a rule metric the log cannot measure is reported, not ignored", async () => {
    const rule = write("unmeasured.yaml", "primary: { outcome: re78, direction: increase }\nguardrails:\n  - { metric: queue_depth, maxDegradation: 1 }\n");
    const readout = await readoutJson([lalonde, "--treatment", "treat", "--decision-rule", rule, ...fast]);
    const check = readout.checks.find((entry) => entry.check === "guardrail")!;
    expect(check.status).toBe("warn");
    expect(check.message).toMatch(/no state_queue_depth column/);
  });
});
