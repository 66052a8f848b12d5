import { describe, expect, it } from "vitest";
import { createAssignment } from "../../src/sim/designs/assignment.js";
import { policyFor } from "../../src/sim/policy-for.js";
import type { StepTrace } from "../../src/sim/simulate-fleet.js";
import { pool, poissonSource, runSim } from "./sim-fixtures.js";

const source = (seed: number, requests = 2000, ratePerSecond = 20) =>
  poissonSource({ seed, requests, ratePerSecond, prompt: () => 300, output: () => 40 });

describe("assignment designs inside one simulated system", () => {
  const control = policyFor({ type: "round-robin" });
  const treatment = policyFor({ type: "least-outstanding" });

  it("user-level RCT: every request of a user shares the user's arm, and the log records policy and unit", () => {
    const { records } = runSim({ pools: [pool({ replicas: 2 })], requests: source(1), policies: [control, treatment], assign: createAssignment({ type: "user-rct", treatmentShare: 0.5 }, { seed: 1, pools: ["main"] }) });
    const armOfUser = new Map<string, string | null>();
    for (const record of records) {
      expect(record.assignment_unit).toBe(`user:${record.user_id}`);
      expect(record.policy).toBe(record.arm === "B" ? "least-outstanding" : "round-robin");
      const seen = armOfUser.get(record.user_id);
      if (seen !== undefined) expect(record.arm).toBe(seen);
      armOfUser.set(record.user_id, record.arm);
    }
    const arms = [...armOfUser.values()];
    expect(arms.filter((arm) => arm === "B").length).toBeGreaterThan(10);
    expect(arms.filter((arm) => arm === "A").length).toBeGreaterThan(10);
  });

  it("switchback: the whole fleet runs one arm per time block, and a block's first seconds are labelled washout", () => {
    const { records } = runSim({ pools: [pool({ replicas: 2 })], requests: source(2), policies: [control, treatment], assign: createAssignment({ type: "switchback", blockSeconds: 10, washoutSeconds: 2 }, { seed: 2, pools: ["main"] }) });
    const armOfBlock = new Map<number, string | null>();
    for (const record of records) {
      const block = Math.floor(record.arrival_s / 10);
      expect(record.time_block).toBe(block);
      const seen = armOfBlock.get(block);
      if (seen !== undefined) expect(record.arm).toBe(seen);
      armOfBlock.set(block, record.arm);
      expect(record.assignment_unit).toBe(record.arrival_s - block * 10 < 2 ? `block:${block}:washout` : `block:${block}`);
    }
    expect(new Set(armOfBlock.values()).size).toBe(2);
  });

  it("pool-cluster: each pool is one arm and a request never leaves its pool", () => {
    const pools = ["p0", "p1", "p2", "p3"];
    const fleet = pools.map((name) => pool({ name, replicas: 2 }));
    const assign = createAssignment({ type: "pool-cluster" }, { seed: 3, pools });
    const { records } = runSim({ pools: fleet, requests: source(3), policies: pools.map((name) => policyFor({ type: "round-robin" }, name)), assign });
    const armOfPool = new Map<string, string | null>();
    for (const record of records) {
      expect(record.assignment_unit).toBe(`pool:${record.pool ?? ""}`);
      const seen = armOfPool.get(record.pool ?? "");
      if (seen !== undefined) expect(record.arm).toBe(seen);
      armOfPool.set(record.pool ?? "", record.arm);
    }
    expect([...armOfPool.values()].sort()).toEqual(["A", "A", "B", "B"]);
  });
});

describe("disturbances", () => {
  it("a failed replica fails its in-flight requests, clients retry with backoff, and the retries succeed elsewhere", () => {
    const { records, summary } = runSim({
      pools: [pool({ replicas: 2, maxNumSeqs: 32 })],
      requests: source(4, 1500, 15),
      policies: [policyFor({ type: "least-outstanding" })],
      signalRefreshSeconds: 0,
      disturbances: { failures: [{ replica: 0, atSeconds: 20, recoverAfterSeconds: 15 }], slowdowns: [], retries: { maxAttempts: 3, backoffSeconds: 0.5 } },
    });
    const failed = records.filter((record) => record.status === "error");
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((record) => record.http_status === 503 && record.replica === 0)).toBe(true);
    const retried = records.filter((record) => record.attempt === 2);
    expect(retried.length).toBe(failed.length);
    for (const retry of retried) {
      const first = failed.find((record) => record.request_id === retry.request_id);
      expect(retry.arrival_s - (first?.arrival_s ?? 0)).toBeGreaterThanOrEqual(0.5);
      expect(retry.status).toBe("ok");
    }
    expect(summary.failed).toBe(0); // every failure was retried successfully
    // While replica 0 is down, fresh signals keep new requests away from it.
    expect(records.filter((record) => record.attempt === 1 && record.arrival_s > 20.01 && record.arrival_s < 35 && record.replica === 0)).toHaveLength(0);
  });

  it("a slowdown multiplies step times on that replica only, for its window", () => {
    const steps: StepTrace[] = [];
    runSim({ pools: [pool({ replicas: 2 })], requests: source(5, 600, 10), policies: [policyFor({ type: "round-robin" })], disturbances: { failures: [], slowdowns: [{ replica: 1, fromSeconds: 10, toSeconds: 30, factor: 2 }], retries: null }, onStep: (step) => steps.push(step) });
    const decodeOnly = (replica: number, inside: boolean) =>
      steps.filter((step) => step.replica === replica && step.composition.prefillNewTokens === 0 && step.composition.decodeSequences === 1 && (step.start_s > 10 && step.start_s < 30) === inside).map((step) => step.duration_s);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(decodeOnly(1, true)) / mean(decodeOnly(1, false))).toBeCloseTo(2, 1);
    expect(mean(decodeOnly(0, true)) / mean(decodeOnly(0, false))).toBeCloseTo(1, 1);
  });
});
