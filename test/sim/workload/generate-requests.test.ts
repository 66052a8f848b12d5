import { describe, expect, it } from "vitest";
import { createRequestStream, type SimRequestSpec } from "../../../src/sim/workload/generate-requests.js";
import { workloadSchema, type WorkloadConfig, type WorkloadInput } from "../../../src/sim/workload/workload-schema.js";

const richInput: WorkloadInput = {
  arrivals: { process: "poisson", ratePerSecond: 20 },
  promptTokens: { dist: "lognormal", median: 300, sigma: 0.8, max: 6000 },
  outputTokens: { dist: "powerlaw", alpha: 1.8, min: 16, max: 4096 },
  tenants: [
    { name: "acme", weight: 3, tier: "premium", latencySensitive: true },
    { name: "batchco", weight: 1, tier: "standard", latencySensitive: false },
  ],
  users: { count: 1000, zipf: 1.1 },
  prefixGroups: { count: 8, tokens: { dist: "fixed", value: 1024 }, zipf: 1, share: 0.9 },
  sessions: { share: 0.3, turns: { dist: "uniform", min: 2, max: 6 }, thinkSeconds: { dist: "exponential", mean: 10 } },
};
const rich = workloadSchema.parse(richInput);

function take(config: WorkloadConfig, count: number, seed = 7): SimRequestSpec[] {
  return [...createRequestStream(config, { seed, requests: count })];
}

describe("createRequestStream()", () => {
  it("is deterministic: the same seed gives identical first 1000 requests; another seed does not", () => {
    expect(take(rich, 1000)).toEqual(take(rich, 1000));
    expect(take(rich, 1000, 8).map((request) => request.arrivalSeconds)).not.toEqual(take(rich, 1000).map((request) => request.arrivalSeconds));
  });

  it("emits exactly `requests` requests with ids 0, 1, 2, … in nondecreasing arrival order", () => {
    const requests = take(rich, 20_000);
    expect(requests).toHaveLength(20_000);
    let bad = 0;
    requests.forEach((request, index) => {
      if (request.id !== index) bad++;
      if (index > 0 && request.arrivalSeconds < (requests[index - 1]?.arrivalSeconds ?? 0)) bad++;
    });
    expect(bad).toBe(0);
  });

  it("common random numbers: changing only output lengths leaves arrivals and every other attribute's draws alone", () => {
    const other = workloadSchema.parse({ ...richInput, outputTokens: { dist: "fixed", value: 64 } });
    const strip = (request: SimRequestSpec) => [request.arrivalSeconds, request.tenant, request.userId, request.sessionId, request.turn, request.prefixGroup, request.prefixTokens];
    const a = take(rich, 5000);
    const b = take(other, 5000);
    expect(b.map(strip)).toEqual(a.map(strip));
    // First turns carry no history, so their prompts are identical too.
    expect(b.filter((request) => request.turn === 0).map((request) => request.promptTokens)).toEqual(a.filter((request) => request.turn === 0).map((request) => request.promptTokens));
    expect(b.map((request) => request.outputTokens)).not.toEqual(a.map((request) => request.outputTokens));
  });

  it("common random numbers: changing the arrival rate leaves the attribute sequence alone", () => {
    const single = { promptTokens: { dist: "uniform", min: 10, max: 5000 }, outputTokens: { dist: "powerlaw", alpha: 1.2, min: 1, max: 8000 }, users: { count: 50, zipf: 1 } } as const;
    const slow = workloadSchema.parse({ ...single, arrivals: { process: "poisson", ratePerSecond: 1 } });
    const bursty = workloadSchema.parse({ ...single, arrivals: { process: "gamma", ratePerSecond: 100, shape: 0.2 } });
    const attributes = (request: SimRequestSpec) => [request.promptTokens, request.outputTokens, request.userId];
    expect(take(bursty, 3000).map(attributes)).toEqual(take(slow, 3000).map(attributes));
  });

  it("builds prompts as prefix + session history + new message, and history from earlier turns (reference recomputation)", () => {
    const requests = take(rich, 30_000);
    const historyBySession = new Map<string, { history: number; turn: number; prefixGroup: string | null; userId: string; tenant: string }>();
    let bad = 0;
    let followUps = 0;
    for (const request of requests) {
      if (request.promptTokens < request.prefixTokens + request.historyTokens + 1) bad++;
      if ((request.prefixGroup === null) !== (request.prefixTokens === 0)) bad++;
      if (request.prefixGroup !== null && request.prefixTokens !== 1024) bad++;
      if (request.workloadClass !== (request.promptTokens >= 2048 ? "long" : "short")) bad++;
      if (request.tier !== (request.tenant === "acme" ? "premium" : "standard") || request.latencySensitive !== (request.tenant === "acme")) bad++;
      if (request.sessionId === null) {
        if (request.turn !== 0 || request.historyTokens !== 0) bad++;
        continue;
      }
      const previous = historyBySession.get(request.sessionId);
      if (previous === undefined) {
        if (request.turn !== 0 || request.historyTokens !== 0) bad++;
      } else {
        followUps++;
        if (request.turn !== previous.turn + 1 || request.historyTokens !== previous.history) bad++;
        if (request.prefixGroup !== previous.prefixGroup || request.userId !== previous.userId || request.tenant !== previous.tenant) bad++;
      }
      const newMessage = request.promptTokens - request.prefixTokens - request.historyTokens;
      historyBySession.set(request.sessionId, {
        history: request.historyTokens + newMessage + request.outputTokens,
        turn: request.turn,
        prefixGroup: request.prefixGroup,
        userId: request.userId,
        tenant: request.tenant,
      });
    }
    expect(bad).toBe(0);
    expect(followUps).toBeGreaterThan(1000);
  });

  it("draws tenants by weight, sessions by share with the configured turns, and preUsage = requests · tenant share · Zipf probability", () => {
    const requests = take(rich, 100_000);
    const first = requests.filter((request) => request.turn === 0);
    const acmeShare = first.filter((request) => request.tenant === "acme").length / first.length;
    // se = √(0.75·0.25/n) with n ≈ 53,000 conversations ≈ 0.0019.
    expect(acmeShare).toBeCloseTo(0.75, 2);
    const sessions = first.filter((request) => request.sessionId !== null);
    expect(sessions.length / first.length).toBeCloseTo(0.3, 2);
    // Turns uniform on 2…6: mean 4 (runs cut off at the end are few against ~16,000 sessions).
    const turns = new Map<string, number>();
    for (const request of requests) if (request.sessionId !== null) turns.set(request.sessionId, request.turn + 1);
    const meanTurns = [...turns.values()].reduce((sum, count) => sum + count, 0) / turns.size;
    expect(Math.abs(meanTurns - 4)).toBeLessThan(0.1);
    let harmonic = 0;
    for (let rank = 1; rank <= 1000; rank++) harmonic += rank ** -1.1;
    const top = requests.find((request) => request.userId === "acme/u0");
    expect(top?.preUsage).toBeCloseTo((100_000 * 0.75) / harmonic, 6);
  });

  it("ends a session before a follow-up that would overflow maxContextTokens", () => {
    const capped = workloadSchema.parse({ ...richInput, sessions: { ...richInput.sessions, turns: { dist: "fixed", value: 50 }, maxContextTokens: 8192 } });
    const followUps = take(capped, 20_000).filter((request) => request.turn > 0);
    expect(followUps.length).toBeGreaterThan(100);
    expect(followUps.every((request) => request.promptTokens + request.outputTokens <= 8192)).toBe(true);
  });

  it("anonymous users without a users section; a trace ends the stream when it runs out", () => {
    const config = workloadSchema.parse({ arrivals: { process: "trace", timestamps: [0, 1, 1, 4] }, promptTokens: { dist: "fixed", value: 8 }, outputTokens: { dist: "fixed", value: 2 } });
    const requests = take(config, 10);
    expect(requests.map((request) => [request.arrivalSeconds, request.userId, request.tenant, request.preUsage])).toEqual([
      [0, "anon0", "default", 0],
      [1, "anon1", "default", 0],
      [1, "anon2", "default", 0],
      [4, "anon3", "default", 0],
    ]);
  });

  it("generates 200,000 requests lazily: nothing accumulates but the open sessions", () => {
    const stream = createRequestStream(rich, { seed: 3, requests: 200_000 });
    let count = 0;
    let maxPending = 0;
    let lastId = -1;
    for (let request = stream.next(); request !== null; request = stream.next()) {
      count++;
      lastId = request.id;
      if (stream.pendingSessions > maxPending) maxPending = stream.pendingSessions;
    }
    expect(count).toBe(200_000);
    expect(lastId).toBe(199_999);
    expect(stream.next()).toBeNull();
    // Little's law: 20/s · 0.3 sessions · ~30 s open (3 gaps of 10 s) ≈ 180 open sessions.
    expect(maxPending).toBeLessThan(600);
    // The stream's own fields are fixed-size (config tables, streams, the session heap).
    const arrays = Object.values(stream as unknown as Record<string, unknown>).filter((value) => Array.isArray(value) && value.length > 100);
    expect(arrays).toEqual([]);
  });
});
