import { GoodputError } from "../errors.js";
import type { Rng } from "../numeric/rng.js";
import { createArrivalProcess } from "../sim/workload/arrivals.js";
import type { ArrivalSpec, TraceEntry } from "./arrival-spec.js";

/** Most arrivals one schedule may hold (a duration-bounded schedule at a huge rate). */
export const maxScheduledRequests = 10_000_000;

/** Intended send offsets (ms from the run start, first at 0) and the trace rows they came from. */
export interface Schedule {
  readonly offsetsMs: Float64Array;
  readonly trace: readonly TraceEntry[] | null;
}

export interface ScheduleLimits {
  /** Requests/s for constant, poisson and gamma. */
  readonly ratePerSecond: number;
  /** At most this many arrivals. */
  readonly count?: number;
  /** Only arrivals before this offset. */
  readonly durationSeconds?: number;
  /** Draws for poisson and gamma (give it its own stream). */
  readonly rng: Rng;
}

/**
 * Precomputes the open-loop schedule, so sends never depend on responses (no coordinated
 * omission). Constant, poisson and gamma reuse the simulator's arrival processes, shifted so the
 * first arrival is at 0. Ramp is deterministic with rate r(t) = from + (to − from)·t/D over
 * [0, D] (D = --duration, else the span that holds --requests: 2N/(from + to)), arrival k at
 * Λ⁻¹(k) with Λ(t) = from·t + (to − from)·t²/(2D), then `to` after D. Onoff and diurnal are the
 * simulator's processes at their own rates, not shifted (offset 0 is the start of the first on
 * period / of the cycle, so whole-cycle windows stay aligned). Trace replays its times shifted to
 * start at 0.
 */
export function buildSchedule(spec: ArrivalSpec, limits: ScheduleLimits): Schedule {
  const count = Math.min(limits.count ?? Infinity, maxScheduledRequests);
  const endSeconds = limits.durationSeconds ?? Infinity;
  if (!Number.isFinite(count) && !Number.isFinite(endSeconds)) throw new GoodputError("BAD_USAGE", "A schedule needs --requests or --duration; for example --requests 200.", { where: "--requests" });
  const times: number[] = [];
  const accept = (seconds: number): boolean => {
    if (times.length >= count || seconds >= endSeconds) return false;
    times.push(seconds);
    return true;
  };
  let trace: TraceEntry[] | null = null;
  switch (spec.kind) {
    case "constant":
    case "poisson":
    case "gamma": {
      const process = createArrivalProcess(
        spec.kind === "gamma" ? { process: "gamma", ratePerSecond: limits.ratePerSecond, shape: spec.shape } : { process: spec.kind, ratePerSecond: limits.ratePerSecond },
        limits.rng,
      );
      const first = process.next();
      while (accept(times.length === 0 ? 0 : process.next() - first));
      if (times.length >= maxScheduledRequests && (limits.count ?? Infinity) > maxScheduledRequests) _tooMany();
      break;
    }
    case "onoff":
    case "diurnal": {
      const process = createArrivalProcess(
        spec.kind === "onoff"
          ? { process: "onoff", onRatePerSecond: spec.onRatePerSecond, offRatePerSecond: spec.offRatePerSecond, onSeconds: spec.onSeconds, offSeconds: spec.offSeconds }
          : { process: "diurnal", meanRatePerSecond: spec.meanRatePerSecond, amplitude: spec.amplitude, periodSeconds: spec.periodSeconds, phaseSeconds: spec.phaseSeconds },
        limits.rng,
      );
      while (accept(process.next()));
      if (times.length >= maxScheduledRequests && (limits.count ?? Infinity) > maxScheduledRequests) _tooMany();
      break;
    }
    case "ramp": {
      const { fromPerSecond: from, toPerSecond: to } = spec;
      const spanSeconds = Number.isFinite(endSeconds) ? endSeconds : (2 * count) / (from + to);
      const curvature = (to - from) / (2 * spanSeconds);
      const rampArrivals = from * spanSeconds + curvature * spanSeconds * spanSeconds;
      for (let k = 0; ; k++) {
        let seconds: number;
        if (k <= rampArrivals) seconds = Math.abs(curvature) < 1e-12 ? k / from : (-from + Math.sqrt(Math.max(0, from * from + 4 * curvature * k))) / (2 * curvature);
        else if (to > 0) seconds = spanSeconds + (k - rampArrivals) / to;
        else break;
        if (!accept(seconds)) break;
      }
      if (times.length >= maxScheduledRequests && (limits.count ?? Infinity) > maxScheduledRequests) _tooMany();
      break;
    }
    case "trace": {
      trace = [];
      const first = spec.entries[0]?.atSeconds ?? 0;
      for (const entry of spec.entries) {
        if (!accept(entry.atSeconds - first)) break;
        trace.push(entry);
      }
      break;
    }
  }
  const offsetsMs = new Float64Array(times.length);
  times.forEach((seconds, index) => (offsetsMs[index] = seconds * 1000));
  return { offsetsMs, trace };
}

function _tooMany(): never {
  throw new GoodputError("BAD_USAGE", `The schedule would exceed ${maxScheduledRequests.toLocaleString("en-US")} requests; lower --rate or --duration, or set --requests.`, { where: "--duration" });
}
