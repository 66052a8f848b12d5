import { describe, expect, it } from "vitest";
import { decide, decisionTable, decisionWords, surrogateRung, type DecisionFacts } from "../../src/readout/decision-table.js";

/** A clean randomized readout whose primary clearly improves: every rule is tested by breaking one fact of it. */
const base: DecisionFacts = {
  design: { name: "request", evidence: "randomized", invalidReason: null, stronger: null },
  checks: { missingFields: [], assignmentBroken: null, designFailures: [] },
  primary: { outcome: "success", method: "Welch", estimate: 0.05, standardError: 0.01, ci: [0.03, 0.07], ciLabel: "95 % CI", verdict: "better" },
  guardrails: { rollbackFired: [], breached: [], uncleared: [], harms: [] },
  economics: { belowBar: null },
  surrogates: { primaryRung: "session", shortRunOnly: false },
  targetSegments: [],
};
const withFacts = (change: (facts: DecisionFacts) => DecisionFacts): DecisionFacts => change(base);

describe("the decision table (src/readout/decision-table.ts)", () => {
  it("a clean randomized benefit ships; every word it returns is a docs/design.md §1 decision word", () => {
    expect(decide(base)).toMatchObject({ action: "ship", rule: "benefit", holdout: false });
    expect(decisionTable.every((row) => typeof row.action === "function" || (decisionWords as readonly string[]).includes(row.action))).toBe(true);
  });

  const cases: [string, DecisionFacts, string, string][] = [
    ["missing fields beat everything", withFacts((f) => ({ ...f, checks: { ...f.checks, missingFields: ["intended_action"], assignmentBroken: "SRM" } })), "instrument more", "missing-log-fields"],
    ["broken assignment pauses", withFacts((f) => ({ ...f, checks: { ...f.checks, assignmentBroken: "SRM p = 1e-9" } })), "pause", "assignment-broken"],
    ["an invalid design asks for a stronger one, even with a 'significant' estimate", withFacts((f) => ({ ...f, design: { ...f.design, invalidReason: "shared state", stronger: "a switchback" } })), "run a stronger design", "design-invalid"],
    ["a fired 'roll back' trigger rolls back", withFacts((f) => ({ ...f, guardrails: { ...f.guardrails, rollbackFired: [{ text: "p99 up", action: "roll back" }] } })), "roll back", "rollback-trigger"],
    ["a fired 'do not ship' trigger holds", withFacts((f) => ({ ...f, guardrails: { ...f.guardrails, rollbackFired: [{ text: "p99 up", action: "do not ship" }] } })), "hold", "rollback-trigger"],
    ["a breached guardrail holds", withFacts((f) => ({ ...f, guardrails: { ...f.guardrails, breached: ["latency"] } })), "hold", "guardrail-breached"],
    ["primary harm rolls back", withFacts((f) => ({ ...f, primary: { ...f.primary!, verdict: "worse" } })), "roll back", "primary-harm"],
    ["harm in another stated outcome blocks the ship", withFacts((f) => ({ ...f, guardrails: { ...f.guardrails, harms: ["retained_30d falls"] } })), "hold", "harm-in-a-stated-outcome"],
    ["no valid estimate holds", withFacts((f) => ({ ...f, primary: null })), "hold", "no-valid-estimate"],
    ["a failed design check downgrades", withFacts((f) => ({ ...f, design: { ...f.design, evidence: "quasi" }, checks: { ...f.checks, designFailures: ["pre-trends p = 0.001"] } })), "run a stronger design", "design-check-failed"],
    ["a significant move whose good direction is unknown holds (neither ship nor roll back)", withFacts((f) => ({ ...f, design: { ...f.design, evidence: "quasi" }, primary: { ...f.primary!, outcome: "y", verdict: "direction unknown" } })), "hold", "direction-unknown"],
    ["a segment that pays is targeted", withFacts((f) => ({ ...f, primary: { ...f.primary!, verdict: "unclear" }, targetSegments: ["pro"] })), "target a segment", "segment-pays"],
    ["an observational benefit asks for a randomized test", withFacts((f) => ({ ...f, design: { ...f.design, evidence: "observational" } })), "run a stronger design", "observational-only"],
    ["noise holds", withFacts((f) => ({ ...f, primary: { ...f.primary!, verdict: "unclear" } })), "hold", "no-detectable-effect"],
    ["below the economic bar holds", withFacts((f) => ({ ...f, economics: { belowBar: "net value −0.004" } })), "hold", "below-economic-bar"],
    ["an uncleared guardrail ramps with a holdout", withFacts((f) => ({ ...f, guardrails: { ...f.guardrails, uncleared: ["e2e"] } })), "ramp", "guardrail-not-cleared"],
    ["a short-run surrogate ramps with a holdout", withFacts((f) => ({ ...f, surrogates: { primaryRung: "system", shortRunOnly: true } })), "ramp", "short-run-surrogate"],
    ["a quasi-experimental benefit ramps with a holdout", withFacts((f) => ({ ...f, design: { ...f.design, evidence: "quasi" } })), "ramp", "quasi-experimental-benefit"],
  ];
  for (const [name, facts, action, rule] of cases) {
    it(name, () => {
      const decision = decide(facts);
      expect(decision.action).toBe(action);
      expect(decision.rule).toBe(rule);
      expect(decision.reasons[0]!.length).toBeGreaterThan(10);
    });
  }

  it("every row of the table is reached by one case above", () => {
    const reached = new Set(cases.map((entry) => entry[3]).concat("benefit"));
    expect(decisionTable.map((row) => row.id).filter((id) => !reached.has(id))).toEqual([]);
  });

  it("the surrogate ladder reads outcome names: system → session → user → business; cost is read directly", () => {
    expect(["ttft_s", "e2e_s", "error_rate", "queue_wait_s"].map(surrogateRung)).toEqual(["system", "system", "system", "system"]);
    expect(["success", "task_completed", "slo_met"].map(surrogateRung)).toEqual(["session", "session", "session"]);
    expect(["retained_30d", "retention", "dau"].map(surrogateRung)).toEqual(["user", "user", "user"]);
    expect(["revenue", "conversion", "churned"].map(surrogateRung)).toEqual(["business", "business", "business"]);
    expect(["cost_usd", "cost"].map(surrogateRung)).toEqual(["cost", "cost"]);
  });
});
