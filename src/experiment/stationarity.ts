import type { ExperimentCase } from "./experiment-schema.js";

/** Requests in the system (queued + running) at one sample time. */
export interface BacklogSample {
  readonly tSeconds: number;
  readonly inSystem: number;
}

export interface StationarityVerdict {
  readonly verdict: "steady" | "growing" | "not judged";
  readonly windowSeconds: number;
  /** Mean requests in the system per whole window, first to last. */
  readonly meanInSystemByWindow: readonly number[];
  readonly reason: string;
}

/**
 * The window a case's backlog is compared over: one whole cycle for periodic arrivals (an on/off
 * burst or a diurnal period, so a burst is never compared with a lull), else a fifth of the span.
 */
export function stationarityWindowSeconds(workload: ExperimentCase["workload"], arrivalSpanSeconds: number): number {
  return arrivalCycleSeconds(workload) ?? arrivalSpanSeconds / 5;
}

/** The period of a periodic arrival process (on + off, or the diurnal period); null when not periodic. */
export function arrivalCycleSeconds(workload: ExperimentCase["workload"]): number | null {
  const arrivals = workload.arrivals;
  if (arrivals.process === "onoff") return arrivals.onSeconds + arrivals.offSeconds;
  if (arrivals.process === "diurnal") return arrivals.periodSeconds;
  return null;
}

/**
 * A warning when a periodic case's arrivals end part-way through a cycle: its percentiles then
 * weigh the last partial burst or lull more than the whole cycles (null when whole or not periodic).
 */
export function partialCycleWarning(workload: ExperimentCase["workload"], arrivalSpanSeconds: number): string | null {
  const cycle = arrivalCycleSeconds(workload);
  if (cycle === null) return null;
  const cycles = arrivalSpanSeconds / cycle;
  const fraction = cycles - Math.floor(cycles);
  if (fraction < 0.02 || fraction > 0.98) return null;
  return `arrivals cover ${cycles.toFixed(2)} cycles of ${cycle} s: the percentiles weigh a partial cycle; set the case's durationSeconds to a multiple of ${cycle} s`;
}

const growth = { ratio: 1.2, requests: 1 };

/**
 * Is the backlog still growing when arrivals end? Means over whole windows of [0, endSeconds]
 * (a partial last window is left out); growing when each of the last two steps rises by more than
 * 20 % and one request (with only two windows, the one step). A run that is still filling its
 * queue measured a transient, not the steady state its percentiles claim, so it is not a pass.
 */
export function judgeStationarity(samples: readonly BacklogSample[], options: { readonly endSeconds: number; readonly windowSeconds: number }): StationarityVerdict {
  const { endSeconds, windowSeconds } = options;
  const windows = windowSeconds > 0 && Number.isFinite(windowSeconds) ? Math.floor(endSeconds / windowSeconds + 1e-9) : 0;
  const sums = new Array<number>(windows).fill(0);
  const counts = new Array<number>(windows).fill(0);
  for (const sample of samples) {
    // A sample at t describes the second ending at t: window k holds t in (k·W, (k+1)·W].
    const index = Math.ceil(sample.tSeconds / windowSeconds) - 1;
    if (sample.tSeconds > endSeconds || index >= windows || index < 0) continue;
    sums[index] = (sums[index] ?? 0) + sample.inSystem;
    counts[index] = (counts[index] ?? 0) + 1;
  }
  const means = sums.map((sum, index) => sum / Math.max(1, counts[index] ?? 0));
  const base = { windowSeconds, meanInSystemByWindow: means };
  if (windows < 2 || counts.some((count) => count === 0)) {
    return { ...base, verdict: "not judged", reason: `arrivals span ${endSeconds.toFixed(0)} s: fewer than two whole ${windowSeconds.toFixed(0)} s windows with samples` };
  }
  const rises = (from: number, to: number): boolean => to > from * growth.ratio && to - from > growth.requests;
  const last = means.length - 1;
  const growing = rises(means[last - 1] ?? 0, means[last] ?? 0) && (windows === 2 || rises(means[last - 2] ?? 0, means[last - 1] ?? 0));
  const trail = means.slice(-3).map((mean) => mean.toFixed(1)).join(" → ");
  return growing
    ? { ...base, verdict: "growing", reason: `requests in the system still growing when arrivals end (${trail} per ${windowSeconds.toFixed(0)} s window): not a steady state` }
    : { ...base, verdict: "steady", reason: `backlog not growing over the last windows (${trail} per ${windowSeconds.toFixed(0)} s window)` };
}
