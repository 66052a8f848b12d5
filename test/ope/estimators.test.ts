import { describe, expect, test } from "vitest";
import { GoodputError } from "../../src/errors.js";
import { estimateDirectMethod, estimateDoublyRobust, estimateIps, estimateSnips, evaluateOffPolicy, fitRewardModel, weightDiagnostics, type LoggedBandit } from "../../src/ope/index.js";

/**
 * Four rows, two actions, hand-computed below.
 * weights w = π(a|x)/p: 1/0.5 = 2, 0/0.5 = 0, 0.5/0.25 = 2, 0.5/0.75 = 2/3.
 */
const tiny: LoggedBandit = {
  actions: 2,
  loggedAction: [0, 1, 0, 1],
  propensity: [0.5, 0.5, 0.25, 0.75],
  reward: [1, 0, 2, 5],
  target: [1, 0, 1, 0, 0.5, 0.5, 0.5, 0.5],
  logging: [0.5, 0.5, 0.5, 0.5, 0.25, 0.75, 0.25, 0.75],
};

describe("OPE estimators on a hand-computed four-row log", () => {
  test("estimateIps() is the mean of w·r = (2 + 0 + 4 + 10/3)/4 = 7/3 with SE √(7/9)", () => {
    const ips = estimateIps(tiny);
    expect(ips.estimate).toBeCloseTo(7 / 3, 12);
    // terms 2, 0, 4, 10/3: squared deviations sum 84/9, variance 28/9, se² = 28/36.
    expect(ips.standardError).toBeCloseTo(Math.sqrt(7 / 9), 12);
    expect(ips.ci95[0]).toBeCloseTo(7 / 3 - 1.959963984540054 * Math.sqrt(7 / 9), 9);
  });

  test("estimateIps() with clip 1.5 caps weights 2 → 1.5: (1.5 + 0 + 3 + 10/3)/4 = 47/24", () => {
    expect(estimateIps(tiny, { clip: 1.5 }).estimate).toBeCloseTo(47 / 24, 12);
  });

  test("estimateSnips() is Σwr/Σw = (28/3)/(14/3) = 2 with delta-method SE √(Σw²(r−V)²)/Σw = √(18/49)", () => {
    const snips = estimateSnips(tiny);
    expect(snips.estimate).toBeCloseTo(2, 12);
    // Σ w²(r − 2)² = 4·1 + 0 + 4·0 + (4/9)·9 = 8; (Σw)² = 196/9.
    expect(snips.standardError).toBeCloseTo(Math.sqrt(18 / 49), 12);
  });

  test("estimateDirectMethod() with per-action means q̂(0) = 1.5, q̂(1) = 2.5 gives (1.5 + 1.5 + 2 + 2)/4 = 1.75", () => {
    const model = fitRewardModel(tiny);
    expect(Array.from(model.predictions)).toEqual([1.5, 2.5, 1.5, 2.5, 1.5, 2.5, 1.5, 2.5]);
    const dm = estimateDirectMethod(tiny, model);
    expect(dm.estimate).toBeCloseTo(1.75, 12);
    // ψ_i = ŷ_i + π̄(a_i)/f̂(a_i)·e_i with π̄ = (0.75, 0.25), f̂ = (0.5, 0.5): 0.75, 0.25, 2.75, 3.25 → var 6.5/3.
    expect(dm.standardError).toBeCloseTo(Math.sqrt(6.5 / 12), 12);
  });

  test("estimateDoublyRobust() adds w·(r − q̂(a)): terms 0.5, 1.5, 3, 11/3 → 13/6", () => {
    const dr = estimateDoublyRobust(tiny, fitRewardModel(tiny));
    expect(dr.estimate).toBeCloseTo(13 / 6, 12);
    // deviations −5/3, −2/3, 5/6, 3/2: Σ² = 222/36, variance 222/108, se² = 222/432.
    expect(dr.standardError).toBeCloseTo(Math.sqrt(222 / 432), 12);
  });

  test("weightDiagnostics(): ESS (14/3)²/(76/9) = 196/76, max 2, mean 7/6, full support", () => {
    const d = weightDiagnostics(tiny);
    expect(d.ess).toBeCloseTo(196 / 76, 12);
    expect(d.maxWeight).toBe(2);
    expect(d.meanWeight).toBeCloseTo(7 / 6, 12);
    expect(d.unsupportedMass).toBe(0);
    expect(d.supportSource).toBe("per-row");
    expect(weightDiagnostics(tiny, { clip: 1.5 }).clippedRows).toBe(2);
  });

  test("weightDiagnostics() counts the target's mass where the logger's probability is 0", () => {
    const data: LoggedBandit = { ...tiny, logging: [1, 0, 0.5, 0.5, 0.25, 0.75, 0.25, 0.75], propensity: [1, 0.5, 0.25, 0.75], target: [0.5, 0.5, 1, 0, 0.5, 0.5, 0.5, 0.5] };
    // Row 1 puts 0.5 on action 1, which the logger could not take there: 0.5 / 4 rows.
    expect(weightDiagnostics(data).unsupportedMass).toBeCloseTo(0.125, 12);
    // Without per-row probabilities a propensity-1 row is read as one-hot: same answer.
    expect(weightDiagnostics({ ...data, logging: null }).unsupportedMass).toBeCloseTo(0.125, 12);
    const evaluation = evaluateOffPolicy(data);
    expect(evaluation.warnings.some((warning) => warning.startsWith("No support"))).toBe(true);
  });

  test("a zero propensity is refused with the row and the fix", () => {
    expect(() => estimateIps({ ...tiny, propensity: [0.5, 0, 0.25, 0.75] })).toThrow(GoodputError);
    expect(() => estimateIps({ ...tiny, propensity: [0.5, 0, 0.25, 0.75] })).toThrow(/row 2: propensity 0/);
  });

  test("target probabilities that do not sum to 1 are refused", () => {
    expect(() => estimateSnips({ ...tiny, target: [1, 0, 1, 0, 0.5, 0.5, 0.5, 0.6] })).toThrow(/sum to 1.1/);
  });
});

describe("reward models and large-sample behaviour", () => {
  /** A seeded LCG (tests only): uniform in [0, 1). */
  function lcg(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    };
  }

  /** r = x·(a + 1) + ε, logged uniformly over 3 actions; the target takes action 2 when x > 0.5, else 0. */
  function linearWorld(n: number, seed: number): { data: LoggedBandit; truth: number; x: Float64Array } {
    const u = lcg(seed);
    const x = new Float64Array(n);
    const loggedAction: number[] = [];
    const reward = new Float64Array(n);
    const target = new Float64Array(n * 3);
    let truth = 0;
    for (let i = 0; i < n; i++) {
      x[i] = u();
      const a = Math.min(2, Math.floor(u() * 3));
      loggedAction.push(a);
      reward[i] = x[i]! * (a + 1) + (u() - 0.5);
      const chosen = x[i]! > 0.5 ? 2 : 0;
      target[i * 3 + chosen] = 1;
      truth += x[i]! * (chosen + 1);
    }
    return { data: { actions: 3, loggedAction, propensity: new Float64Array(n).fill(1 / 3), reward, target }, truth: truth / n, x };
  }

  test("ridge DM on the feature recovers a linear reward the per-action mean cannot (n = 6000)", () => {
    const { data, truth, x } = linearWorld(6000, 11);
    const ridge = estimateDirectMethod(data, fitRewardModel(data, { features: { x } }));
    const means = estimateDirectMethod(data, fitRewardModel(data));
    expect(Math.abs(ridge.estimate - truth)).toBeLessThan(3 * ridge.standardError + 0.01);
    // Per-action means ignore that the target picks action 2 for large x: q̂ = (0.5, 1, 1.5) gives 0.5·0.5 + 0.5·1.5 = 1.0
    // against the closed-form value ∫₀^½ x dx + ∫½^1 3x dx = 1.25.
    expect(means.estimate).toBeCloseTo(1.0, 1);
    expect(truth).toBeCloseTo(1.25, 1);
  });

  test("IPS, SNIPS and DR 95 % intervals cover the closed-form value 1.25 in about 95 % of 200 seeded replications", () => {
    const covered = { IPS: 0, SNIPS: 0, DR: 0 };
    const truth = 1.25;
    for (let seed = 1; seed <= 200; seed++) {
      const { data } = linearWorld(400, seed);
      for (const estimate of evaluateOffPolicy(data).estimates) {
        if (estimate.method === "DM") continue;
        if (estimate.ci95[0] <= truth && truth <= estimate.ci95[1]) covered[estimate.method]++;
      }
    }
    console.log(`coverage of 1.25 in 200 replications: ${JSON.stringify(covered)}`);
    for (const count of Object.values(covered)) {
      expect(count).toBeGreaterThanOrEqual(180);
      expect(count).toBeLessThanOrEqual(199);
    }
  });
});
