import { describe, expect, it } from "vitest";
import { isGoodputError } from "../../../src/errors.js";
import { createRng } from "../../../src/numeric/rng.js";
import { createArrivalProcess } from "../../../src/sim/workload/arrivals.js";
import { arrivalSchema, type ArrivalConfig } from "../../../src/sim/workload/workload-schema.js";

/** Times of the first `count` arrivals. */
function arrivalTimes(config: ArrivalConfig, count: number, seed = 11): Float64Array {
  const process = createArrivalProcess(config, createRng(seed, "test/arrivals"));
  const times = new Float64Array(count);
  for (let index = 0; index < count; index++) times[index] = process.next();
  return times;
}

/** Mean and squared coefficient of variation of the gaps between consecutive times (from 0). */
function gapStats(times: Float64Array): { mean: number; cv2: number } {
  let previous = 0;
  let sum = 0;
  let sumSquares = 0;
  for (const time of times) {
    const gap = time - previous;
    previous = time;
    sum += gap;
    sumSquares += gap * gap;
  }
  const mean = sum / times.length;
  const variance = sumSquares / times.length - mean * mean;
  return { mean, cv2: variance / (mean * mean) };
}

/** Arrivals counted in consecutive windows of `windowSeconds` up to `endSeconds`. */
function windowCounts(config: ArrivalConfig, windowSeconds: number, endSeconds: number): number[] {
  const process = createArrivalProcess(config, createRng(5, "test/windows"));
  const counts = new Array<number>(Math.round(endSeconds / windowSeconds)).fill(0);
  for (let time = process.next(); time < endSeconds; time = process.next()) {
    const window = Math.floor(time / windowSeconds);
    counts[window] = (counts[window] ?? 0) + 1;
  }
  return counts;
}

describe("createArrivalProcess()", () => {
  it("poisson: gaps have mean 1/λ and CV 1 (n = 200,000: mean within 1 %, CV² within 3 %)", () => {
    const { mean, cv2 } = gapStats(arrivalTimes({ process: "poisson", ratePerSecond: 20 }, 200_000));
    // Standard errors: mean 0.05/√n ≈ 0.22 %; CV² ≈ √(8/n) ≈ 0.63 % (exponential excess kurtosis 6).
    expect(Math.abs(mean - 1 / 20) / (1 / 20)).toBeLessThan(0.01);
    expect(Math.abs(cv2 - 1)).toBeLessThan(0.03);
  });

  it("poisson: counts in 1 s windows have mean λ and variance λ (10,000 windows, within 1.5 % and 6 %)", () => {
    const counts = windowCounts({ process: "poisson", ratePerSecond: 20 }, 1, 10_000);
    const mean = counts.reduce((sum, count) => sum + count, 0) / counts.length;
    const variance = counts.reduce((sum, count) => sum + (count - mean) ** 2, 0) / (counts.length - 1);
    // se(mean) = √(20/10⁴) = 0.045 (0.22 %); se(variance) ≈ √((λ + 2λ²)/n) = 0.29 (1.4 %).
    expect(Math.abs(mean - 20) / 20).toBeLessThan(0.015);
    expect(Math.abs(variance - 20) / 20).toBeLessThan(0.06);
  });

  it.each([0.25, 1, 4])("gamma with shape %s: gap mean 1/rate and CV² = 1/shape (within 1.5 % and 6 %)", (shape) => {
    const { mean, cv2 } = gapStats(arrivalTimes({ process: "gamma", ratePerSecond: 10, shape }, 200_000));
    // Worst case shape 0.25: excess kurtosis 6/shape = 24, so se(variance)/variance ≈ √(26/n) ≈ 1.1 %.
    expect(Math.abs(mean - 0.1) / 0.1).toBeLessThan(0.015);
    expect(Math.abs(cv2 - 1 / shape) / (1 / shape)).toBeLessThan(0.06);
  });

  it("constant: arrivals exactly at k/rate", () => {
    const times = arrivalTimes({ process: "constant", ratePerSecond: 4 }, 1000);
    expect(times[0]).toBe(0.25);
    expect(times[999]).toBe(250);
    expect(gapStats(times).cv2).toBeLessThan(1e-20);
  });

  it("diurnal (Lewis–Shedler thinning): the mean rate over whole periods, and 1/2 + a/π of arrivals in the rising half", () => {
    const config: ArrivalConfig = { process: "diurnal", meanRatePerSecond: 10, amplitude: 0.8, periodSeconds: 100, phaseSeconds: 0 };
    const process = createArrivalProcess(config, createRng(3, "test/diurnal"));
    const endSeconds = 100 * 100;
    let total = 0;
    let firstHalf = 0;
    for (let time = process.next(); time < endSeconds; time = process.next()) {
      total++;
      if (time % 100 < 50) firstHalf++;
    }
    // ∫₀^{T} λ = mean·T = 100,000 (se 316, 0.3 %). ∫₀^{P/2} mean(1 + a sin(2πt/P)) dt = mean(P/2 + aP/π),
    // so the first-half share is 1/2 + a/π = 0.75465 (se √(p(1−p)/n) ≈ 0.0014).
    expect(Math.abs(total - 100_000) / 100_000).toBeLessThan(0.012);
    expect(firstHalf / total).toBeCloseTo(0.5 + 0.8 / Math.PI, 2);
  });

  it("onoff: mean rate (on·onRate + off·offRate)/(on + off) and the on-phase share", () => {
    const config: ArrivalConfig = { process: "onoff", onRatePerSecond: 50, offRatePerSecond: 5, onSeconds: 2, offSeconds: 3 };
    const process = createArrivalProcess(config, createRng(9, "test/onoff"));
    let total = 0;
    let inOn = 0;
    for (let time = process.next(); time < 10_000; time = process.next()) {
      total++;
      if (time % 5 < 2) inOn++;
    }
    // (2·50 + 3·5)/5 = 23/s → 230,000 expected (se 480, 0.2 %); on share 100/115 = 0.8696.
    expect(Math.abs(total - 230_000) / 230_000).toBeLessThan(0.01);
    expect(inOn / total).toBeCloseTo(100 / 115, 2);
  });

  it("onoff with a silent off phase never arrives during it", () => {
    const process = createArrivalProcess({ process: "onoff", onRatePerSecond: 100, offRatePerSecond: 0, onSeconds: 1, offSeconds: 4 }, createRng(1, "test/silent"));
    let inOff = 0;
    for (let index = 0; index < 10_000; index++) if (process.next() % 5 >= 1) inOff++;
    expect(inOff).toBe(0);
  });

  it("trace: replays the timestamps, then Infinity", () => {
    const process = createArrivalProcess({ process: "trace", timestamps: [0, 0.5, 0.5, 2] }, createRng(1));
    expect([process.next(), process.next(), process.next(), process.next(), process.next()]).toEqual([0, 0.5, 0.5, 2, Infinity]);
  });

  it("trace: an unsorted trace is BAD_INPUT naming the index (and the schema reports its path)", () => {
    let caught: unknown;
    try {
      createArrivalProcess({ process: "trace", timestamps: [0, 3, 2] }, createRng(1));
    } catch (error) {
      caught = error;
    }
    expect(isGoodputError(caught) && caught.code === "BAD_INPUT").toBe(true);
    expect(String(caught)).toContain("timestamps[2] = 2");
    const parsed = arrivalSchema.safeParse({ process: "trace", timestamps: [0, 3, 2] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([["timestamps", 2]]);
  });

  it("every process is nondecreasing", () => {
    const configs: ArrivalConfig[] = [
      { process: "poisson", ratePerSecond: 3 },
      { process: "gamma", ratePerSecond: 3, shape: 0.1 },
      { process: "onoff", onRatePerSecond: 9, offRatePerSecond: 1, onSeconds: 0.5, offSeconds: 0.25 },
      { process: "diurnal", meanRatePerSecond: 3, amplitude: 1, periodSeconds: 7, phaseSeconds: 2 },
    ];
    for (const config of configs) {
      const times = arrivalTimes(config, 20_000);
      let decreases = 0;
      for (let index = 1; index < times.length; index++) if ((times[index] ?? 0) < (times[index - 1] ?? 0)) decreases++;
      expect(decreases).toBe(0);
    }
  });
});
