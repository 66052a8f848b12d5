import { GoodputError } from "../../errors.js";
import type { Rng } from "../../numeric/rng.js";
import { sampleExponential, sampleGamma } from "./distributions.js";
import type { ArrivalConfig } from "./workload-schema.js";

/** A lazily generated arrival process. */
export interface ArrivalProcess {
  /** The next arrival time in seconds from 0: nondecreasing across calls; Infinity once exhausted. */
  next(): number;
}

/** Index of the first timestamp smaller than the one before it, or −1 when sorted nondecreasing. */
export function firstUnsortedIndex(timestamps: readonly number[]): number {
  for (let index = 1; index < timestamps.length; index++) {
    if ((timestamps[index] ?? 0) < (timestamps[index - 1] ?? 0)) return index;
  }
  return -1;
}

/**
 * An arrival process drawing only from `rng` (give it its own stream):
 * - constant: arrivals at k/rate, k = 1, 2, …;
 * - poisson: exponential gaps with mean 1/rate;
 * - gamma: Gamma(shape, 1/(rate·shape)) gaps — mean 1/rate, CV² = 1/shape (a renewal process;
 *   shape < 1 is burstier than Poisson, shape > 1 more regular);
 * - onoff: Poisson at onRate for onSeconds then offRate for offSeconds, repeating, starting on.
 *   Exact by regime: at a regime boundary the exponential clock restarts at the new rate, which
 *   memorylessness makes equivalent to the piecewise-constant-rate Poisson process;
 * - diurnal: non-homogeneous Poisson, λ(t) = mean·(1 + amplitude·sin(2π(t + phase)/period)), by
 *   thinning a rate-λmax Poisson stream (Lewis & Shedler 1979, "Simulation of nonhomogeneous
 *   Poisson processes by thinning", Naval Research Logistics Quarterly 26(3));
 * - trace: the given timestamps in order, then Infinity.
 * Throws BAD_INPUT for a non-positive rate or an unsorted trace (naming the first bad index).
 */
export function createArrivalProcess(config: ArrivalConfig, rng: Rng): ArrivalProcess {
  switch (config.process) {
    case "constant": {
      const rate = _positive("ratePerSecond", config.ratePerSecond);
      let count = 0;
      // k/rate rather than a running sum, so rounding error does not accumulate.
      return { next: () => ++count / rate };
    }
    case "poisson": {
      const rate = _positive("ratePerSecond", config.ratePerSecond);
      let timeSeconds = 0;
      return { next: () => (timeSeconds += sampleExponential(rng, rate)) };
    }
    case "gamma": {
      const shape = _positive("shape", config.shape);
      const scale = 1 / (_positive("ratePerSecond", config.ratePerSecond) * shape);
      let timeSeconds = 0;
      return { next: () => (timeSeconds += sampleGamma(rng, shape, scale)) };
    }
    case "onoff":
      return _onOff(config, rng);
    case "diurnal":
      return _diurnal(config, rng);
    case "trace": {
      const timestamps = config.timestamps.slice();
      const unsorted = firstUnsortedIndex(timestamps);
      if (unsorted >= 0) {
        throw new GoodputError(
          "BAD_INPUT",
          `Trace timestamps must be sorted nondecreasing: timestamps[${unsorted}] = ${timestamps[unsorted] ?? NaN} comes before timestamps[${unsorted - 1}] = ${timestamps[unsorted - 1] ?? NaN}; sort the trace.`,
          { where: `timestamps.${unsorted}` },
        );
      }
      let index = 0;
      return { next: () => timestamps[index++] ?? Infinity };
    }
  }
}

function _onOff(config: Extract<ArrivalConfig, { process: "onoff" }>, rng: Rng): ArrivalProcess {
  const onRate = _positive("onRatePerSecond", config.onRatePerSecond);
  const offRate = config.offRatePerSecond;
  if (!(offRate >= 0) || !Number.isFinite(offRate)) throw new GoodputError("BAD_INPUT", `Arrival offRatePerSecond is ${offRate}; it must be a finite number ≥ 0.`);
  const onSeconds = _positive("onSeconds", config.onSeconds);
  const offSeconds = _positive("offSeconds", config.offSeconds);
  let timeSeconds = 0;
  let on = true;
  let cycleStartSeconds = 0;
  let regimeEndSeconds = onSeconds;
  return {
    next: () => {
      for (;;) {
        const rate = on ? onRate : offRate;
        if (rate > 0) {
          const candidate = timeSeconds + sampleExponential(rng, rate);
          if (candidate < regimeEndSeconds) return (timeSeconds = candidate);
        }
        timeSeconds = regimeEndSeconds;
        if (on) {
          regimeEndSeconds = cycleStartSeconds + onSeconds + offSeconds;
        } else {
          cycleStartSeconds = regimeEndSeconds;
          regimeEndSeconds = cycleStartSeconds + onSeconds;
        }
        on = !on;
      }
    },
  };
}

function _diurnal(config: Extract<ArrivalConfig, { process: "diurnal" }>, rng: Rng): ArrivalProcess {
  const mean = _positive("meanRatePerSecond", config.meanRatePerSecond);
  const { amplitude, phaseSeconds } = config;
  if (!(amplitude >= 0 && amplitude <= 1)) throw new GoodputError("BAD_INPUT", `Diurnal amplitude ${amplitude} must lie in [0, 1].`);
  const angularPerSecond = (2 * Math.PI) / _positive("periodSeconds", config.periodSeconds);
  const rateMax = mean * (1 + amplitude);
  let timeSeconds = 0;
  return {
    next: () => {
      for (;;) {
        timeSeconds += sampleExponential(rng, rateMax);
        const rate = mean * (1 + amplitude * Math.sin(angularPerSecond * (timeSeconds + phaseSeconds)));
        if (rng.next() * rateMax < rate) return timeSeconds;
      }
    },
  };
}

function _positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new GoodputError("BAD_INPUT", `Arrival ${name} is ${value}; it must be a positive finite number.`);
  return value;
}
