import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/numeric/rng.js";
import { readoutJson } from "./run-readout.js";

describe("bad-control lint and instrumentation (docs/design.md §7.3, §7.7)", () => {
  const rng = createRng(3, "test/lint");
  const path = join(mkdtempSync(join(tmpdir(), "goodput-readout-lint-")), "log.jsonl");
  writeFileSync(path, Array.from({ length: 400 }, (_, i) => JSON.stringify({
    request_id: i, arrival_s: i / 10, arm: i % 2 ? "B" : "A", assignment_unit: `request:${i}`, status: "ok",
    prompt_tokens: 100 + Math.floor(rng.next() * 500), queue_wait_s: rng.next(), ttft_s: 0.1 + rng.next() / 10, e2e_s: 1 + rng.next(), cost_usd: 0.001 * (1 + rng.next()),
  })).join("\n") + "\n");

  it("adjusts for pre-decision columns, refuses post-decision ones, and asks to instrument missing log fields", async () => {
    const readout = await readoutJson([path, "--covariate", "prompt_tokens", "--covariate", "queue_wait_s", "--permutations", "200", "--bootstrap", "100"]);
    expect(readout.lint.find((entry) => entry.column === "prompt_tokens")!.verdict).toBe("adjust");
    expect(readout.lint.find((entry) => entry.column === "queue_wait_s")!.verdict).toBe("refuse");
    expect(readout.checks.find((check) => check.check === "bad-controls")!.status).toBe("fail");
    const ols = readout.outcomes[0]!.estimates.find((entry) => entry.method === "OLS HC2")!;
    expect(ols.note).toMatch(/adjusted for prompt_tokens/);
    expect(ols.note).not.toMatch(/queue_wait_s/);
    expect(readout.outcomes.map((outcome) => outcome.outcome)).toEqual(["ttft_s", "e2e_s", "cost_usd"]);
    expect(readout.decision.action).toBe("instrument more");
    expect(readout.decision.reasons[0]).toMatch(/intended_action/);
  });
});
