import { GoodputError } from "../errors.js";
import type { ArrivalSpec } from "./arrival-spec.js";
import { hasSlo } from "./request-metrics.js";
import { runLoad, type LoadMode, type LoadOptions, type LoadRun } from "./run-load.js";

/** Everything of a run except the mode and label, which a sweep sets per point. */
export type SweepBase = Omit<LoadOptions, "mode" | "label" | "firstRequestId">;

/** Hooks a sweep calls between points (the shell labels server-metrics rows with them). */
export interface SweepHooks {
  readonly onPointStart?: (label: string, mode: LoadMode) => void;
}

/** A readable label for a sweep point: "rate=4/s" or "concurrency=8". */
export function pointLabel(mode: LoadMode): string {
  return mode.kind === "open" ? `rate=${mode.ratePerSecond}/s` : `concurrency=${mode.concurrency}`;
}

/** Runs one point after another (request ids continue across points); stops early when interrupted. */
export async function runSweep(base: SweepBase, modes: readonly LoadMode[], hooks: SweepHooks = {}): Promise<LoadRun[]> {
  const runs: LoadRun[] = [];
  let nextId = 0;
  for (const mode of modes) {
    if (base.signal?.aborted) break;
    const label = pointLabel(mode);
    hooks.onPointStart?.(label, mode);
    const run = await runLoad({ ...base, mode, label, firstRequestId: nextId });
    nextId += run.sent;
    runs.push(run);
    if (run.interrupted) break;
  }
  return runs;
}

/** One probe of the SLO-max-rate search. */
export interface RateProbe {
  readonly ratePerSecond: number;
  readonly sloAttainment: number;
  readonly goodputRequestsPerSecond: number;
  readonly passed: boolean;
}

export interface MaxRateSearch {
  /** Highest probed rate whose SLO attainment met the target; null when none did. */
  readonly maxRatePerSecond: number | null;
  readonly attainmentTarget: number;
  readonly probes: readonly RateProbe[];
  readonly runs: readonly LoadRun[];
}

export interface MaxRateOptions {
  readonly arrivals: ArrivalSpec;
  readonly startRatePerSecond: number;
  /** Share of measured requests that must meet every SLO gate (e.g. 0.9). */
  readonly attainmentTarget: number;
  /** Doublings (or halvings, when the start fails) before giving up. Default 8. */
  readonly maxScalingSteps?: number;
  /** Bisection steps between the last passing and first failing rate. Default 4. */
  readonly bisectionSteps?: number;
}

/**
 * Highest open-loop rate whose SLO attainment meets the target: double from the start rate
 * until a probe fails (or halve until one passes), then bisect between the highest pass and the
 * lowest fail. At most maxScalingSteps + bisectionSteps + 1 probes; each is a full run.
 */
export async function findMaxRate(base: SweepBase, search: MaxRateOptions, hooks: SweepHooks = {}): Promise<MaxRateSearch> {
  if (!hasSlo(base.slo ?? {})) {
    throw new GoodputError("BAD_USAGE", "--find-max-rate needs an SLO: set --slo-ttft, --slo-tpot or --slo-e2e (seconds), e.g. --slo-ttft 0.5.", { where: "--find-max-rate" });
  }
  const probes: RateProbe[] = [];
  const runs: LoadRun[] = [];
  let nextId = 0;
  const status = { interrupted: false };
  const probe = async (ratePerSecond: number): Promise<boolean> => {
    const mode: LoadMode = { kind: "open", ratePerSecond, arrivals: search.arrivals };
    const label = pointLabel(mode);
    hooks.onPointStart?.(label, mode);
    const run = await runLoad({ ...base, mode, label, firstRequestId: nextId });
    nextId += run.sent;
    runs.push(run);
    status.interrupted = run.interrupted;
    const attainment = run.summary.sloAttainment ?? 0;
    const passed = !run.interrupted && attainment >= search.attainmentTarget;
    probes.push({ ratePerSecond, sloAttainment: attainment, goodputRequestsPerSecond: run.summary.goodputRequestsPerSecond, passed });
    return passed;
  };
  const scalingSteps = search.maxScalingSteps ?? 8;
  let low: number | null = null;
  let high: number | null = null;
  let rate = search.startRatePerSecond;
  for (let step = 0; step <= scalingSteps && !status.interrupted; step++) {
    if (await probe(rate)) {
      low = rate;
      if (high !== null) break;
      rate *= 2;
    } else {
      high = rate;
      if (low !== null) break;
      rate /= 2;
    }
  }
  for (let step = 0; step < (search.bisectionSteps ?? 4) && !status.interrupted && low !== null && high !== null; step++) {
    const middle = (low + high) / 2;
    if (await probe(middle)) low = middle;
    else high = middle;
  }
  return { maxRatePerSecond: low, attainmentTarget: search.attainmentTarget, probes, runs };
}
