import { GoodputError } from "../errors.js";

/** One trace row: when to send and, optionally, its own prompt and output lengths. */
export interface TraceEntry {
  readonly atSeconds: number;
  readonly promptTokens?: number;
  readonly outputTokens?: number;
  /** Mooncake-style prefix block ids: requests whose first k ids agree send the same first k × blockTokens tokens. */
  readonly prefixBlocks?: { readonly ids: readonly number[]; readonly blockTokens: number };
}

/** The open-loop arrival process of `--arrivals`; rates other than ramp's come from --rate. */
export type ArrivalSpec =
  | { readonly kind: "constant" }
  | { readonly kind: "poisson" }
  | { readonly kind: "gamma"; readonly shape: number }
  | { readonly kind: "ramp"; readonly fromPerSecond: number; readonly toPerSecond: number }
  /** Poisson at onRate for onSeconds, then offRate (0 = silent) for offSeconds, repeating, starting on (the simulator's onoff). */
  | { readonly kind: "onoff"; readonly onRatePerSecond: number; readonly offRatePerSecond: number; readonly onSeconds: number; readonly offSeconds: number }
  /** Poisson with rate mean·(1 + amplitude·sin(2π(t + phase)/period)) (the simulator's diurnal). */
  | { readonly kind: "diurnal"; readonly meanRatePerSecond: number; readonly amplitude: number; readonly periodSeconds: number; readonly phaseSeconds: number }
  | { readonly kind: "trace"; readonly entries: readonly TraceEntry[] };

/** `--arrivals` before a trace file is read: trace keeps its path. */
export type ArrivalFlag = Exclude<ArrivalSpec, { kind: "trace" }> | { readonly kind: "trace"; readonly path: string };

const usage =
  "constant, poisson, gamma:SHAPE (e.g. gamma:0.5), ramp:FROM-TO (requests/s, e.g. ramp:1-20), onoff:ON_RATE,OFF_RATE,ON_S,OFF_S (e.g. onoff:40,0,5,15), diurnal:MEAN,AMPLITUDE,PERIOD_S[,PHASE_S] (e.g. diurnal:10,0.5,60) or trace:FILE";

/** Comma-separated numbers of an --arrivals argument, or null when any is not a finite number. */
function _numbers(argument: string): number[] | null {
  const parts = argument.split(",").map((part) => part.trim());
  const values = parts.map(Number);
  return parts.some((part) => part === "") || values.some((value) => !Number.isFinite(value)) ? null : values;
}

function _bad(text: string, why: string): GoodputError {
  return new GoodputError("BAD_INPUT", `--arrivals: "${text}" ${why}; use ${usage}.`, { where: "--arrivals" });
}

/** Parses the `--arrivals` flag; throws BAD_INPUT naming the value and the accepted forms. */
export function parseArrivalFlag(text: string): ArrivalFlag {
  const colon = text.indexOf(":");
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  const argument = colon < 0 ? "" : text.slice(colon + 1).trim();
  switch (name) {
    case "constant":
    case "poisson":
      if (argument !== "") throw _bad(text, `takes no argument`);
      return { kind: name };
    case "gamma": {
      const shape = Number(argument);
      if (argument === "" || !Number.isFinite(shape) || shape <= 0) throw _bad(text, "needs a positive shape (CV² = 1/shape)");
      return { kind: "gamma", shape };
    }
    case "ramp": {
      const match = /^([0-9.eE+]+)-([0-9.eE+]+)$/.exec(argument);
      const fromPerSecond = Number(match?.[1]);
      const toPerSecond = Number(match?.[2]);
      if (!match || !Number.isFinite(fromPerSecond) || !Number.isFinite(toPerSecond) || fromPerSecond < 0 || toPerSecond < 0 || fromPerSecond + toPerSecond <= 0) {
        throw _bad(text, "needs two rates FROM-TO (requests/s, not both 0)");
      }
      return { kind: "ramp", fromPerSecond, toPerSecond };
    }
    case "onoff": {
      const values = _numbers(argument);
      const [on, off, onSeconds, offSeconds] = values ?? [];
      if (values?.length !== 4 || on === undefined || off === undefined || onSeconds === undefined || offSeconds === undefined || !(on > 0) || !(off >= 0) || !(onSeconds > 0) || !(offSeconds > 0)) {
        throw _bad(text, "needs ON_RATE > 0, OFF_RATE ≥ 0 (requests/s), ON_S > 0 and OFF_S > 0 (seconds)");
      }
      return { kind: "onoff", onRatePerSecond: on, offRatePerSecond: off, onSeconds, offSeconds };
    }
    case "diurnal": {
      const values = _numbers(argument);
      const [mean, amplitude, period, phase] = values ?? [];
      if (values === null || values.length < 3 || values.length > 4 || mean === undefined || amplitude === undefined || period === undefined || !(mean > 0) || !(amplitude >= 0 && amplitude <= 1) || !(period > 0) || !((phase ?? 0) >= 0)) {
        throw _bad(text, "needs MEAN > 0 (requests/s), 0 ≤ AMPLITUDE ≤ 1, PERIOD_S > 0 and optionally PHASE_S ≥ 0");
      }
      return { kind: "diurnal", meanRatePerSecond: mean, amplitude, periodSeconds: period, phaseSeconds: phase ?? 0 };
    }
    case "trace":
      if (argument === "") throw _bad(text, "needs a file");
      return { kind: "trace", path: argument };
    default:
      throw _bad(text, "is not a known arrival process");
  }
}

const _field = (row: Record<string, unknown>, names: readonly string[]): unknown => {
  for (const name of names) if (row[name] !== undefined) return row[name];
  return undefined;
};

/**
 * Parses a trace: one arrival per line, either a number (seconds) or a JSON object with
 * `arrival_s` (or `timestamp` / `at`) and optional `prompt_tokens`, `max_output_tokens` (or
 * `output_tokens`) — so a `requests.jsonl` from `goodput sim` replays directly. Blank lines and
 * `#` comments are skipped. Collects every bad line; times must be nondecreasing.
 */
export function parseTraceText(text: string, where: string): TraceEntry[] {
  const entries: TraceEntry[] = [];
  const issues: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const at = `${where}:${index + 1}`;
    let entry: TraceEntry;
    if (line.startsWith("{")) {
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        issues.push(`${at}: not valid JSON`);
        return;
      }
      const record = row as Record<string, unknown>;
      const time = _field(record, ["arrival_s", "timestamp", "at"]);
      const prompt = _field(record, ["prompt_tokens"]);
      const output = _field(record, ["max_output_tokens", "output_tokens"]);
      if (typeof time !== "number" || !(time >= 0)) {
        issues.push(`${at}: arrival_s must be a number ≥ 0`);
        return;
      }
      entry = {
        atSeconds: time,
        ...(typeof prompt === "number" && Number.isInteger(prompt) && prompt > 0 ? { promptTokens: prompt } : {}),
        ...(typeof output === "number" && Number.isInteger(output) && output > 0 ? { outputTokens: output } : {}),
      };
    } else {
      const time = Number(line);
      if (!Number.isFinite(time) || time < 0) {
        issues.push(`${at}: "${line.slice(0, 40)}" is not a time in seconds ≥ 0`);
        return;
      }
      entry = { atSeconds: time };
    }
    const previous = entries[entries.length - 1];
    if (previous && entry.atSeconds < previous.atSeconds) issues.push(`${at}: time ${entry.atSeconds} comes before the previous ${previous.atSeconds}; sort the trace`);
    entries.push(entry);
  });
  if (issues.length === 0 && entries.length === 0) issues.push(`${where}: no arrivals`);
  if (issues.length > 0) {
    throw new GoodputError("BAD_FILE", `Trace ${where} has ${issues.length} bad line(s): ${issues.slice(0, 5).join("; ")}${issues.length > 5 ? "; …" : ""}.`, { where, issues });
  }
  return entries;
}
