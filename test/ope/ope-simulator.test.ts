import { describe, expect, test } from "vitest";
import { evaluateOffPolicy, prefixAffinePolicy, prefixAffineReplica, targetProbabilities, type LoggedBandit, type OffPolicyEvaluation, type OpeRow } from "../../src/ope/index.js";
import type { RequestRecord } from "../../src/sim/log/request-record.js";
import { policyFor } from "../../src/sim/policy-for.js";
import { createRng } from "../../src/numeric/rng.js";
import type { Router } from "../../src/sim/routers/router.js";
import type { PolicySpec } from "../../src/sim/simulate-fleet.js";
import { pool, poissonSource, runSim } from "../sim/sim-fixtures.js";

/**
 * Ground truth for off-policy evaluation: log uniform-random routing over 4 replicas (propensity 1/4, every
 * candidate's probability logged), evaluate the prefix-affine rule offline, then run that rule in the simulator
 * on the same seed (common random numbers) for its true mean reward.
 */
const replicas = 4;
const requests = 2400;
const groups = 12;

/** The target as a simulator router: the same rule prefixAffinePolicy() expresses per row. */
const prefixAffineRouter = (): Router => ({
  name: "prefix-affine",
  route: (request, view, rng) => {
    const replica = request.prefixGroup === null ? Math.floor(rng.next() * view.length) : prefixAffineReplica(request.prefixGroup, view.length);
    return { replica, propensity: 1, candidateProbabilities: null, reason: "home replica of the prefix group", fallbackReason: null };
  },
});
const prefixAffineSpec: PolicySpec = { name: "prefix-affine", version: "1", createRouter: prefixAffineRouter };

/** KV for about three groups' 2048-token prefixes per replica, so random routing thrashes the prefix cache. */
function run(policy: PolicySpec): RequestRecord[] {
  return runSim({
    seed: 7,
    pools: [pool({ replicas, kvBlocks: 640 })],
    policies: [policy],
    requests: poissonSource({
      seed: 7,
      requests,
      ratePerSecond: 24,
      prompt: (_i, u) => 2048 + 64 + Math.floor(u() * 448),
      output: () => 32,
      prefixGroup: (_i, u) => `g${Math.floor(u() * groups)}`,
      prefixTokens: 2048,
    }),
  }).records;
}

const actionOf = (record: RequestRecord): number => Number((record.intended_action ?? "").replace("replica-", ""));

/** Per-request noise, fixed by request id, shared by both runs. */
const noise = (() => {
  const rng = createRng(99, "test/ope-noise");
  return Float64Array.from({ length: requests }, () => rng.next() - 0.5);
})();

/** A reward that depends only on the request's own features and action (no shared state): semi-synthetic. */
function syntheticReward(record: RequestRecord): number {
  const home = prefixAffineReplica(record.prefix_group ?? "", replicas);
  return (actionOf(record) === home ? 1 : 0.2) + record.prompt_tokens / 2500 + (noise[record.request_id] ?? 0);
}

function evaluate(records: readonly RequestRecord[], reward: (record: RequestRecord) => number): OffPolicyEvaluation {
  const rows: OpeRow[] = records.map((record) => ({ loggedAction: actionOf(record), prefixGroup: record.prefix_group, loggingProbabilities: record.action_probabilities === null ? null : (JSON.parse(record.action_probabilities) as number[]) }));
  const data: LoggedBandit = {
    actions: replicas,
    loggedAction: rows.map((row) => row.loggedAction),
    propensity: Float64Array.from(records, (record) => record.propensity ?? Number.NaN),
    reward: Float64Array.from(records, reward),
    target: targetProbabilities(prefixAffinePolicy(), rows, replicas),
    logging: Float64Array.from(rows.flatMap((row) => row.loggingProbabilities ?? new Array<number>(replicas).fill(Number.NaN))),
  };
  return evaluateOffPolicy(data, { features: { prompt_tokens: Float64Array.from(records, (record) => record.prompt_tokens) } });
}

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
const byMethod = (evaluation: OffPolicyEvaluation, method: string) => evaluation.estimates.find((estimate) => estimate.method === method)!;
const show = (label: string, truth: number, evaluation: OffPolicyEvaluation): void => {
  console.log(`${label}: truth ${truth.toFixed(4)}; ` + evaluation.estimates.map((e) => `${e.method} ${e.estimate.toFixed(4)} [${e.ci95[0].toFixed(4)}, ${e.ci95[1].toFixed(4)}]`).join("; ") + `; ESS ${evaluation.diagnostics.ess.toFixed(0)}`);
};

describe("off-policy evaluation against the simulator's ground truth (random logger → prefix-affine target)", () => {
  const logged = run(policyFor({ type: "random" }));
  const truthRun = run(prefixAffineSpec);

  test("the logs carry propensity 1/4 and every candidate's probability; all requests complete", () => {
    expect(logged).toHaveLength(requests);
    expect(truthRun).toHaveLength(requests);
    expect(logged.every((record) => record.status === "ok" && record.propensity === 0.25 && record.action_probabilities === "[0.25,0.25,0.25,0.25]")).toBe(true);
    expect(truthRun.every((record) => actionOf(record) === prefixAffineReplica(record.prefix_group ?? "", replicas))).toBe(true);
  });

  test("semi-synthetic reward (own features and action only): IPS, SNIPS and DR 95 % CIs cover the truth; misspecified DM does not", () => {
    const truth = mean(truthRun.map(syntheticReward));
    const evaluation = evaluate(logged, syntheticReward);
    show("synthetic", truth, evaluation);
    for (const method of ["IPS", "SNIPS", "DR"]) {
      const estimate = byMethod(evaluation, method);
      expect(estimate.ci95[0]).toBeLessThanOrEqual(truth);
      expect(estimate.ci95[1]).toBeGreaterThanOrEqual(truth);
    }
    // DM's reward model (per action, on prompt_tokens) cannot see "action = home(prefix group)": misspecified, so its
    // interval misses; DR keeps IPS's unbiasedness and is tighter than IPS.
    expect(byMethod(evaluation, "DM").ci95[1]).toBeLessThan(truth);
    expect(byMethod(evaluation, "DR").standardError).toBeLessThan(byMethod(evaluation, "IPS").standardError);
    expect(evaluation.diagnostics.unsupportedMass).toBe(0);
    // Weights are 4 where the logger happened to pick the home replica and 0 elsewhere: ESS = that row count.
    const matches = logged.filter((record) => actionOf(record) === prefixAffineReplica(record.prefix_group ?? "", replicas)).length;
    expect(evaluation.diagnostics.ess).toBeCloseTo(matches, 9);
    expect(evaluation.diagnostics.meanWeight).toBeGreaterThan(0.9);
    expect(evaluation.warnings).toEqual([]);
  });

  test("cache-sensitive reward −TTFT: OPE from random-routing logs is biased (interference through the prefix cache)", () => {
    const reward = (record: RequestRecord): number => -(record.ttft_s ?? Number.NaN);
    const truth = mean(truthRun.map(reward));
    const loggingValue = mean(logged.map(reward));
    const evaluation = evaluate(logged, reward);
    show("-TTFT", truth, evaluation);
    console.log(`-TTFT under the logging policy ${loggingValue.toFixed(4)}; cached share: logged ${mean(logged.map((r) => r.cached_prompt_tokens / r.prompt_tokens)).toFixed(3)}, target ${mean(truthRun.map((r) => r.cached_prompt_tokens / r.prompt_tokens)).toFixed(3)}`);
    const dr = byMethod(evaluation, "DR");
    // The target is far faster than the logs can show: every interval misses the truth, from below.
    for (const estimate of evaluation.estimates) expect(estimate.ci95[1]).toBeLessThan(truth);
    // The OPE estimate sits near the logging policy's own value: what the logs saw was random routing's cache state.
    expect(Math.abs(dr.estimate - loggingValue)).toBeLessThan(Math.abs(dr.estimate - truth));
  });

  test("cache-hit share (cached / prompt tokens) is likewise under-estimated", () => {
    const reward = (record: RequestRecord): number => record.cached_prompt_tokens / record.prompt_tokens;
    const truth = mean(truthRun.map(reward));
    const evaluation = evaluate(logged, reward);
    show("cache share", truth, evaluation);
    expect(byMethod(evaluation, "DR").ci95[1]).toBeLessThan(truth);
  });
});

describe("support diagnostics on simulator logs", () => {
  test("a small-ε exploration logger around round-robin: weak support is flagged", () => {
    const logged = run(policyFor({ type: "round-robin", explorationRate: 0.05 }));
    const evaluation = evaluate(logged, syntheticReward);
    console.log(`ε = 0.05 logger: ESS ${evaluation.diagnostics.ess.toFixed(1)} of ${logged.length}, max weight ${evaluation.diagnostics.maxWeight.toFixed(1)}, rare mass ${evaluation.diagnostics.rareMass.toFixed(3)}`);
    expect(evaluation.diagnostics.maxWeight).toBeCloseTo(1 / (0.05 / 4), 6);
    expect(evaluation.warnings.some((warning) => warning.startsWith("Weak support"))).toBe(true);
    expect(evaluation.warnings.some((warning) => warning.startsWith("Rare support"))).toBe(true);
  });

  test("a deterministic round-robin logger: the target's mass off the logged replica has no support", () => {
    const logged = run(policyFor({ type: "round-robin" }));
    const evaluation = evaluate(logged, syntheticReward);
    console.log(`round-robin logger: unsupported mass ${evaluation.diagnostics.unsupportedMass.toFixed(3)} (${evaluation.diagnostics.supportSource})`);
    expect(evaluation.diagnostics.unsupportedMass).toBeGreaterThan(0.6);
    expect(evaluation.warnings.some((warning) => warning.startsWith("No support"))).toBe(true);
  });
});
