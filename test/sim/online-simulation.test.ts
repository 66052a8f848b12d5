import { describe, expect, it } from "vitest";
import { policyFor } from "../../src/sim/policy-for.js";
import { startFleetSimulation } from "../../src/sim/simulate-fleet.js";
import type { SimRequestSpec } from "../../src/sim/sim-request.js";
import { pool } from "./sim-fixtures.js";

const request = (id: number, arrivalSeconds: number, outputTokens: number): SimRequestSpec => ({
  id, arrivalSeconds, promptTokens: 200, outputTokens, tenant: "t", tier: "standard", latencySensitive: false, userId: "u", sessionId: null, turn: 0, prefixGroup: null, prefixTokens: 0, historyTokens: 0, workloadClass: "short", preUsage: 0,
});

describe("online simulation (for real-time serving)", () => {
  it("injected requests stream every token in time order and finish with a record", () => {
    const tokens = new Map<number, number[]>();
    const records: number[] = [];
    const simulation = startFleetSimulation({
      runId: "online", seed: 1, pools: [pool()], requests: { next: () => null }, policies: [policyFor({ type: "round-robin" })], routerReplicas: 1,
      signalRefreshSeconds: 0, slo: {}, disturbances: { failures: [], slowdowns: [], retries: null }, admission: {}, seriesIntervalSeconds: 0,
      onRecord: (record) => records.push(record.request_id),
      onToken: (id, _attempt, generated, now) => tokens.set(id, [...(tokens.get(id) ?? []), now + generated * 0]),
    });
    simulation.advanceUntil(0);
    simulation.inject(request(0, 0.1, 20));
    simulation.advanceUntil(0.05);
    expect(tokens.size).toBe(0); // nothing before its arrival
    simulation.inject(request(1, 0.12, 5));
    simulation.advanceUntil(10);
    expect(tokens.get(0)).toHaveLength(20);
    expect(tokens.get(1)).toHaveLength(5);
    const times = tokens.get(0) ?? [];
    expect(times.every((time, index) => index === 0 || time > (times[index - 1] ?? 0))).toBe(true);
    expect(records.sort()).toEqual([0, 1]);
    expect(simulation.nextEventSeconds()).toBe(Infinity);
    expect(simulation.replicaStates()[0]).toMatchObject({ running: 0, waiting: 0 });
  });
});
