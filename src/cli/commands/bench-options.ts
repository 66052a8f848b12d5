import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { GoodputError } from "../../errors.js";
import { parseArrivalFlag, parseTraceText, type ArrivalSpec } from "../../loadgen/arrival-spec.js";
import { traceFormats, type TraceFormat } from "../../sim/workload/trace-parse.js";
import { parseTraceWindow, traceArrivals } from "../../sim/workload/trace-replay.js";
import { readTraceFile } from "../read-trace-file.js";
import type { SloGates } from "../../loadgen/request-metrics.js";
import { defaultSloAttainment, type BenchOptions, type BenchPrice } from "../../loadgen/run-bench.js";
import type { LoadMode } from "../../loadgen/run-load.js";
import { maxScheduledRequests } from "../../loadgen/schedule.js";
import { parseSessionsFlag, type SessionSpec } from "../../loadgen/session-spec.js";
import type { CommandContext } from "../command.js";
import { numberListOption, numberOption, stringOption } from "../parse-values.js";

type Rule = "positive" | "nonnegative" | "probability" | "positive-int";

/**
 * Upper bound of every numeric bench flag (README, `bench --help`): beyond it a run cannot be
 * meant (or would overflow: Node timers hold at most 2³¹−1 ms ≈ 24.8 days, so --timeout stops at a day).
 */
export const benchFlagBounds: Readonly<Record<string, number>> = {
  requests: maxScheduledRequests,
  warmup: 1_000_000,
  "prompt-tokens": 2_000_000,
  "output-tokens": 2_000_000,
  "prefix-groups": 1_000_000,
  "prefix-tokens": 2_000_000,
  concurrency: 100_000,
  "sweep-concurrency": 100_000,
  rate: 1_000_000,
  "sweep-rates": 1_000_000,
  duration: 7 * 86_400,
  timeout: 86_400,
  "think-seconds": 86_400,
  "metrics-interval": 3_600,
  "min-probe-seconds": 3_600,
  seed: 4_294_967_295,
  gpus: 100_000,
  "gpu-price": 10_000,
};

function _tooLarge(name: string, raw: unknown, max: number): GoodputError {
  return new GoodputError("BAD_INPUT", `--${name}: "${String(raw)}" is above the largest accepted value ${max.toLocaleString("en-US")}; give at most --${name} ${max}.`, { where: `--${name}` });
}

/** A numeric flag checked against its rule and its bound in benchFlagBounds. */
export function boundedOption(values: CommandContext["values"], name: string, rule: Rule, example: string): number | undefined {
  const value = numberOption(values, name, { rule, example });
  const max = benchFlagBounds[name];
  if (value !== undefined && max !== undefined && value > max) throw _tooLarge(name, values[name], max);
  return value;
}

function _boundedList(values: CommandContext["values"], name: string, rule: Rule, example: string): number[] | undefined {
  const list = numberListOption(values, name, { rule, example });
  const max = benchFlagBounds[name] ?? Infinity;
  const over = list?.find((value) => value > max);
  if (over !== undefined) throw _tooLarge(name, over, max);
  return list;
}

function _exclusive(values: CommandContext["values"], names: readonly string[]): void {
  const given = names.filter((name) => values[name] !== undefined && values[name] !== false);
  if (given.length > 1) {
    throw new GoodputError("BAD_USAGE", `--${given[0] ?? ""} and --${given[1] ?? ""} cannot be combined; pick one of ${names.map((name) => `--${name}`).join(", ")}.`, { where: `--${given[1] ?? ""}` });
  }
}

/** A whole number ≥ 0 within its bound (--warmup, --seed). */
export function wholeNonnegative(values: CommandContext["values"], name: string, example: string): number | undefined {
  const value = boundedOption(values, name, "nonnegative", example);
  if (value !== undefined && !Number.isInteger(value)) throw new GoodputError("BAD_INPUT", `--${name}: "${String(values[name])}" is not a whole number of 0 or more; for example --${name} ${example}.`, { where: `--${name}` });
  return value;
}

export function benchArrivals(context: CommandContext): ArrivalSpec {
  const flag = parseArrivalFlag(stringOption(context.values, "arrivals") ?? "poisson");
  const format = stringOption(context.values, "trace-format");
  const speedFlag = numberOption(context.values, "trace-speed", { rule: "positive", example: "10" });
  const windowFlag = stringOption(context.values, "trace-window");
  if (flag.kind !== "trace" && (format ?? speedFlag ?? windowFlag) !== undefined) throw new GoodputError("BAD_USAGE", "--trace-format, --trace-speed and --trace-window go with --arrivals trace:FILE.", { where: "--trace-format" });
  if (flag.kind !== "trace") return flag;
  const path = resolve(context.cwd, flag.path);
  if (format !== undefined) {
    if (!(traceFormats as readonly string[]).includes(format)) throw new GoodputError("BAD_USAGE", `--trace-format: "${format}" is not a known trace format; use ${traceFormats.join(" or ")}.`, { where: "--trace-format" });
    // Production traces (Mooncake, Azure 2023): their timestamps and lengths, sped up and windowed.
    const trace = readTraceFile(path, format as TraceFormat);
    const window = windowFlag === undefined ? null : parseTraceWindow(windowFlag, "--trace-window");
    const entries = traceArrivals(trace, { speed: speedFlag ?? 1, window });
    if (entries.length === 0) throw new GoodputError("BAD_USAGE", `--trace-window ${windowFlag ?? ""}: no request of ${flag.path} arrives in that window.`, { where: "--trace-window" });
    return { kind: "trace", entries };
  }
  if ((speedFlag ?? windowFlag) !== undefined) throw new GoodputError("BAD_USAGE", "--trace-speed and --trace-window need --trace-format (mooncake or azure-2023).", { where: "--trace-format" });
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new GoodputError("FILE_NOT_FOUND", `--arrivals: trace file "${flag.path}" cannot be read; give a file with one arrival time (s) per line or JSON lines with arrival_s.`, { where: "--arrivals" });
  }
  return { kind: "trace", entries: parseTraceText(text, flag.path) };
}

export function benchSlo(context: CommandContext): SloGates {
  const read = (name: string): number | undefined => boundedOption(context.values, name, "positive", "0.5");
  return { ttftSeconds: read("slo-ttft"), tpotSeconds: read("slo-tpot"), e2eSeconds: read("slo-e2e") };
}

/** Arrival processes whose rate is their own (not --rate): they cannot be scaled by --find-max-rate. */
const ownRate = new Set<ArrivalSpec["kind"]>(["trace", "ramp", "onoff", "diurnal"]);

/** `--slo-attainment`: the share of requests a point must serve within the SLO (default 0.9). */
export const sloAttainmentOf = (values: CommandContext["values"]): number => numberOption(values, "slo-attainment", { rule: "probability", example: "0.9" }) ?? defaultSloAttainment;

export function benchPlan(context: CommandContext, arrivals: ArrivalSpec): BenchOptions["plan"] {
  const { values } = context;
  _exclusive(values, ["rate", "concurrency", "sweep-rates", "sweep-concurrency"]);
  _exclusive(values, ["concurrency", "sweep-concurrency", "find-max-rate"]);
  _exclusive(values, ["sweep-rates", "find-max-rate"]);
  const rate = boundedOption(values, "rate", "positive", "4");
  const concurrency = boundedOption(values, "concurrency", "positive-int", "8");
  const sweepRates = _boundedList(values, "sweep-rates", "positive", "1,2,4,8");
  const sweepConcurrency = _boundedList(values, "sweep-concurrency", "positive-int", "1,4,16");
  const open = (ratePerSecond: number): LoadMode => ({ kind: "open", ratePerSecond, arrivals });
  if (values["find-max-rate"] === true) {
    if (ownRate.has(arrivals.kind)) throw new GoodputError("BAD_USAGE", `--find-max-rate scales a rate; use --arrivals constant, poisson or gamma:SHAPE, not ${arrivals.kind}.`, { where: "--arrivals" });
    // Checked before the target is contacted (findMaxRate checks again for library callers).
    if (!["slo-ttft", "slo-tpot", "slo-e2e"].some((name) => values[name] !== undefined)) {
      throw new GoodputError("BAD_USAGE", "--find-max-rate needs an SLO: set --slo-ttft, --slo-tpot or --slo-e2e (seconds), e.g. --slo-ttft 0.5.", { where: "--find-max-rate" });
    }
    const minProbeSeconds = boundedOption(values, "min-probe-seconds", "positive", "30");
    return { kind: "find-max-rate", arrivals, startRatePerSecond: rate ?? 1, attainmentTarget: sloAttainmentOf(values), ...(minProbeSeconds === undefined ? {} : { minProbeSeconds }) };
  }
  if (sweepRates) return { kind: "points", modes: sweepRates.map(open) };
  if (sweepConcurrency) return { kind: "points", modes: sweepConcurrency.map((count) => ({ kind: "closed", concurrency: count })) };
  if (concurrency !== undefined) return { kind: "points", modes: [{ kind: "closed", concurrency }] };
  if (rate !== undefined || ownRate.has(arrivals.kind)) return { kind: "points", modes: [open(rate ?? 1)] };
  throw new GoodputError("BAD_USAGE", "Missing the load: set --rate R (open loop, requests/s) or --concurrency C (closed loop), or a sweep; for example --rate 4.", { where: "--rate" });
}

export function benchSessions(values: CommandContext["values"]): SessionSpec | undefined {
  const text = stringOption(values, "sessions");
  const thinkSeconds = boundedOption(values, "think-seconds", "nonnegative", "5");
  if (text === undefined) {
    if (thinkSeconds !== undefined) throw new GoodputError("BAD_USAGE", `--think-seconds ${thinkSeconds} needs --sessions TURNS; for example --sessions 3 --think-seconds ${thinkSeconds}.`, { where: "--think-seconds" });
    return undefined;
  }
  return { ...parseSessionsFlag(text), thinkSeconds: thinkSeconds ?? 0 };
}

/** `--gpu-price USD --gpus N`: both or neither. */
export function benchPrice(values: CommandContext["values"]): BenchPrice | undefined {
  const usdPerGpuHour = boundedOption(values, "gpu-price", "positive", "2.5");
  const gpus = boundedOption(values, "gpus", "positive-int", "8");
  if ((usdPerGpuHour === undefined) !== (gpus === undefined)) {
    const missing = usdPerGpuHour === undefined ? "gpu-price" : "gpus";
    throw new GoodputError("BAD_USAGE", `A price needs both --gpu-price (USD per GPU-hour) and --gpus (GPUs behind the target); add --${missing}, e.g. --gpu-price 2.5 --gpus 8.`, { where: `--${missing}` });
  }
  return usdPerGpuHour === undefined || gpus === undefined ? undefined : { usdPerGpuHour, gpus };
}

/**
 * Refuses a warm-up that would take every request of a duration-bounded open-loop point: with a
 * rate-driven process the point schedules about rate × duration requests (issue #12).
 */
export function checkWarmupLeavesRequests(plan: BenchOptions["plan"], warmup: number | undefined, requests: number | undefined, durationSeconds: number | undefined): void {
  if (warmup === undefined || warmup === 0 || requests !== undefined || durationSeconds === undefined || plan.kind !== "points") return;
  for (const mode of plan.modes) {
    if (mode.kind !== "open" || ownRate.has(mode.arrivals.kind)) continue;
    const expected = mode.ratePerSecond * durationSeconds;
    if (warmup >= expected) {
      throw new GoodputError("BAD_USAGE", `--warmup ${warmup} would take every request: --rate ${mode.ratePerSecond} × --duration ${durationSeconds} s schedules about ${Math.round(expected)}; lower --warmup or lengthen --duration.`, { where: "--warmup" });
    }
  }
}
