import { GoodputError } from "../errors.js";
import type { ArrivalSpec } from "./arrival-spec.js";
import type { LoadResult } from "./load-result.js";
import { hasSlo, type SloGates } from "./request-metrics.js";
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
  /** Measured requests and seconds the probe was held. */
  readonly requests: number;
  readonly durationSeconds: number;
  /** Latency growth from the first to the last third (ms) and whether the probe reached a steady state. */
  readonly latencyGrowthMs: number;
  readonly steady: boolean;
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
  /** Each probe sends at least rate × this many seconds of requests (or runs this long with --duration). Default 30. */
  readonly minProbeSeconds?: number;
}

/** Default minimum probe length: long enough that a rate above capacity shows its growing queue. */
export const defaultMinProbeSeconds = 30;

/**
 * The request count and duration of one probe: at least minProbeSeconds at the probed rate, so
 * a rate above capacity is held long enough for its queue to grow past the SLO — a short probe
 * at 62/s against a 52/s server ends before the backlog shows (issue #12).
 */
export function probeLength(ratePerSecond: number, base: { readonly requests?: number; readonly durationSeconds?: number }, minProbeSeconds: number): { readonly requests?: number; readonly durationSeconds?: number } {
  if (base.durationSeconds !== undefined) return { durationSeconds: Math.max(base.durationSeconds, minProbeSeconds), ...(base.requests === undefined ? {} : { requests: Math.max(base.requests, Math.ceil(ratePerSecond * minProbeSeconds)) }) };
  return { requests: Math.max(base.requests ?? 100, Math.ceil(ratePerSecond * minProbeSeconds)) };
}

/**
 * Steady state of a probe: in a stable queue the latency from the intended send is the same early
 * and late; a queue that grows makes it climb with arrival time. The probe is not steady when the
 * median TTFT from intended (E2E when no TTFT gate) of the last third of its successful measured
 * requests exceeds the first third's by more than a quarter of the gate: held four times longer it
 * would drift past the gate. Returns the growth (ms) and the verdict; too few requests (< 9) → steady.
 */
export function probeSteadiness(results: readonly LoadResult[], slo: SloGates): { readonly steady: boolean; readonly growthMs: number } {
  const useTtft = slo.ttftSeconds !== undefined || slo.e2eSeconds === undefined;
  const gateMs = ((useTtft ? slo.ttftSeconds : slo.e2eSeconds) ?? Infinity) * 1000;
  const ordered = results.filter((result) => !result.warmup && result.outcome.status === "ok").sort((a, b) => a.scheduledMs - b.scheduledMs);
  const fromIntended = ordered.map((result) => ((useTtft ? result.firstContentMs : result.lastContentMs) ?? NaN) - result.scheduledMs);
  const third = Math.floor(fromIntended.length / 3);
  if (third < 3) return { steady: true, growthMs: 0 };
  const growthMs = _median(fromIntended.slice(-third)) - _median(fromIntended.slice(0, third));
  return { steady: !(growthMs > gateMs / 4), growthMs };
}

function _median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/**
 * Highest open-loop rate whose SLO attainment meets the target: double from the start rate
 * until a probe fails (or halve until one passes), then bisect between the highest pass and the
 * lowest fail. At most maxScalingSteps + bisectionSteps + 1 probes; each is a full run held at
 * least minProbeSeconds (probeLength) and passes only at steady state (probeSteadiness).
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
    const run = await runLoad({ ...base, ...probeLength(ratePerSecond, base, search.minProbeSeconds ?? defaultMinProbeSeconds), mode, label, firstRequestId: nextId });
    nextId += run.sent;
    runs.push(run);
    status.interrupted = run.interrupted;
    const attainment = run.summary.sloAttainment ?? 0;
    const steadiness = probeSteadiness(run.results, base.slo ?? {});
    // A probe passes only at steady state: a queue still growing at its end is not a sustainable rate.
    const passed = !run.interrupted && attainment >= search.attainmentTarget && steadiness.steady;
    probes.push({ ratePerSecond, sloAttainment: attainment, goodputRequestsPerSecond: run.summary.goodputRequestsPerSecond, passed, requests: run.summary.requests, durationSeconds: run.summary.durationSeconds, latencyGrowthMs: steadiness.growthMs, steady: steadiness.steady });
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
