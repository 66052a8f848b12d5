import { describe, expect, it } from "vitest";
import { createRng } from "../../src/numeric/rng.js";
import { quantileTreatmentEffects } from "../../src/stats/quantile-treatment-effects.js";
import { randomizationInference } from "../../src/stats/randomization-inference.js";
import { closeTo, labels, numbers, readCsvColumns, readExpected } from "./_fixtures.js";

const rct = readCsvColumns("clustered-rct.csv");
const qteExpected = (readExpected("clustered-rct.expected.json") as { qteRowLevel: { quantiles: number[]; estimates: number[] } }).qteRowLevel;

/** Every k-subset of {0..n−1} (as bit masks), for exact enumeration of small randomizations. */
function subsets(n: number, k: number): number[] {
  const masks: number[] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    for (let i = 0; i < n; i++) bits += (mask >> i) & 1;
    if (bits === k) masks.push(mask);
  }
  return masks;
}

function logNormalSample(seed: number, n: number): number[] {
  const rng = createRng(seed, "test-data");
  return Array.from({ length: n }, () => Math.exp(1.5 * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())));
}

/** Exact bootstrap variance of the sample median (odd n): P(X*_(m) ≤ x_(j)) = P(Binomial(n, j/n) ≥ m) (Efron 1979, §3). */
function exactBootstrapMedianVariance(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const m = (n + 1) / 2;
  const binomialAtLeast = (p: number): number => {
    let total = 0;
    let coefficient = 1;
    for (let i = 0; i <= n; i++) {
      if (i >= m) total += coefficient * p ** i * (1 - p) ** (n - i);
      coefficient = (coefficient * (n - i)) / (i + 1);
    }
    return total;
  };
  let mean = 0;
  let square = 0;
  let previous = 0;
  sorted.forEach((value, index) => {
    const cumulative = binomialAtLeast((index + 1) / n);
    const probability = cumulative - previous;
    previous = cumulative;
    mean += probability * value;
    square += probability * value * value;
  });
  return square - mean * mean;
}

describe("quantileTreatmentEffects()", () => {
  const cost = numbers(rct, "cost");
  const treated = numbers(rct, "treated");
  it("point estimates are differences of R's type-7 quantiles per arm", () => {
    const results = quantileTreatmentEffects(cost, treated, qteExpected.quantiles, { bootstrap: 50, seed: 1 });
    results.forEach((result, index) => {
      expect(result.probability).toBe(qteExpected.quantiles[index]);
      expect(closeTo(result.estimate, qteExpected.estimates[index]!, 1e-12)).toBe(true);
      expect(result.ci95[0]).toBeLessThanOrEqual(result.ci95[1]);
    });
  });
  it("is deterministic under a seed and changes with the seed", () => {
    const options = { bootstrap: 300, seed: 42, units: labels(rct, "cluster") };
    const first = quantileTreatmentEffects(cost, treated, [0.5, 0.9], options);
    const second = quantileTreatmentEffects(cost, treated, [0.5, 0.9], options);
    expect(second).toEqual(first);
    const other = quantileTreatmentEffects(cost, treated, [0.5, 0.9], { ...options, seed: 43 });
    expect(other[0]!.standardError).not.toBe(first[0]!.standardError);
  });
  it("labelling each row as its own unit reproduces the row bootstrap exactly", () => {
    const rows = cost.map((_, index) => `r${index}`);
    const byRow = quantileTreatmentEffects(cost, treated, [0.5, 0.95], { bootstrap: 200, seed: 7 });
    const byUnit = quantileTreatmentEffects(cost, treated, [0.5, 0.95], { bootstrap: 200, seed: 7, units: rows });
    expect(byUnit.map((r) => [r.standardError, ...r.ci95])).toEqual(byRow.map((r) => [r.standardError, ...r.ci95]));
  });
  it("the bootstrap SE of the median difference agrees with the exact bootstrap variance within Monte Carlo error", () => {
    const control = logNormalSample(11, 25);
    const treatedValues = logNormalSample(12, 21).map((value) => value * 1.3);
    const y = [...control, ...treatedValues];
    const arm = [...control.map(() => 0), ...treatedValues.map(() => 1)];
    const exact = Math.sqrt(exactBootstrapMedianVariance(control) + exactBootstrapMedianVariance(treatedValues));
    const [median] = quantileTreatmentEffects(y, arm, [0.5], { bootstrap: 4000, seed: 2024 });
    console.log(`bootstrap SE ${median!.standardError.toFixed(4)} vs exact ${exact.toFixed(4)}`);
    expect(Math.abs(median!.standardError / exact - 1)).toBeLessThan(0.08);
  });
  it("rejects a unit in both arms and an out-of-range probability", () => {
    expect(() => quantileTreatmentEffects([1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 1, 1], [0.5], { seed: 1, units: ["a", "b", "c", "c", "d", "e"] })).toThrow(/row 3 puts unit/);
    expect(() => quantileTreatmentEffects([1, 2, 3, 4], [0, 0, 1, 1], [1.5], { seed: 1 })).toThrow(/probabilities\[0\] = 1.5/);
  });
});

describe("randomizationInference()", () => {
  it("the Monte Carlo p-value agrees with exact enumeration of all 70 assignments of 4 of 8 rows", () => {
    const y = [3.1, 0.4, 7.9, 2.2, 5.5, 9.1, 1.0, 6.3];
    const treated = [1, 0, 1, 0, 0, 1, 0, 1];
    const observed = (6.3 + 3.1 + 7.9 + 9.1) / 4 - (0.4 + 2.2 + 5.5 + 1.0) / 4;
    const masks = subsets(8, 4);
    const extreme = masks.filter((mask) => {
      let t = 0;
      let c = 0;
      y.forEach((value, i) => ((mask >> i) & 1 ? (t += value) : (c += value)));
      return Math.abs(t / 4 - c / 4) >= Math.abs(observed) - 1e-12;
    }).length;
    const exactP = extreme / masks.length;
    const result = randomizationInference(y, treated, { permutations: 20_000, seed: 9 });
    expect(result.estimate).toBeCloseTo(observed, 12);
    expect(Math.abs(result.pValue - exactP)).toBeLessThan(4 * result.pValueMonteCarloError + 1 / 20_001);
  });
  it("permutes whole clusters within blocks: agrees with enumerating the 36 blocked cluster assignments", () => {
    // 8 clusters of unequal size; blocks {0..3} and {4..7}, 2 treated clusters per block.
    const clusterSizes = [1, 3, 2, 4, 2, 1, 3, 2];
    const clusterTreated = [1, 0, 0, 1, 0, 1, 1, 0];
    const y: number[] = [];
    const treated: number[] = [];
    const units: string[] = [];
    const blocks: string[] = [];
    clusterSizes.forEach((size, cluster) => {
      for (let row = 0; row < size; row++) {
        y.push(Math.sin(cluster * 3.7 + row) * 4 + cluster + (clusterTreated[cluster] ?? 0) * 1.5);
        treated.push(clusterTreated[cluster] ?? 0);
        units.push(`c${cluster}`);
        blocks.push(cluster < 4 ? "b0" : "b1");
      }
    });
    const differenceFor = (assignment: readonly number[]): number => {
      let ts = 0;
      let tn = 0;
      let cs = 0;
      let cn = 0;
      y.forEach((value, row) => {
        const cluster = Number((units[row] ?? "c0").slice(1));
        if (assignment[cluster] === 1) {
          ts += value;
          tn++;
        } else {
          cs += value;
          cn++;
        }
      });
      return ts / tn - cs / cn;
    };
    const observed = differenceFor(clusterTreated);
    let extreme = 0;
    let total = 0;
    for (const low of subsets(4, 2)) {
      for (const high of subsets(4, 2)) {
        const assignment = Array.from({ length: 8 }, (_, cluster) => (cluster < 4 ? (low >> cluster) & 1 : (high >> (cluster - 4)) & 1));
        total++;
        if (Math.abs(differenceFor(assignment)) >= Math.abs(observed) - 1e-12) extreme++;
      }
    }
    const result = randomizationInference(y, treated, { permutations: 20_000, seed: 5, units, blocks });
    expect(total).toBe(36);
    expect(result.unitCount).toBe(8);
    expect(result.estimate).toBeCloseTo(observed, 12);
    expect(Math.abs(result.pValue - extreme / total)).toBeLessThan(4 * result.pValueMonteCarloError + 1 / 20_001);
  });
  it("is deterministic under a seed", () => {
    const options = { permutations: 500, seed: 3, units: labels(rct, "cluster") };
    const first = randomizationInference(numbers(rct, "cost"), numbers(rct, "treated"), options);
    expect(randomizationInference(numbers(rct, "cost"), numbers(rct, "treated"), options)).toEqual(first);
  });
  it("rejects units that cross blocks or arms", () => {
    expect(() => randomizationInference([1, 2, 3, 4], [0, 0, 1, 1], { seed: 1, units: ["a", "a", "b", "b"], blocks: ["x", "y", "x", "x"] })).toThrow(/units must be nested in blocks/);
    expect(() => randomizationInference([1, 2, 3, 4], [0, 1, 1, 1], { seed: 1, units: ["a", "a", "b", "b"] })).toThrow(/row 1 puts unit/);
  });
});
