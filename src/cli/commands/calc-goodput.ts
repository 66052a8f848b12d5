import { readFileSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { sqlLiteral } from "../../io/duckdb-sql.js";
import { resolve } from "node:path";
import { GoodputError } from "../../errors.js";
import {
  compareRoutes,
  recommendOperatingPoint,
  summarizeGoodput,
  type GoodputRecord,
  type GoodputSummary,
  type LatencySummary,
  type OperatingPointRecommendation,
  type RouteAggregate,
  type RouteComparison,
  type SloGates,
  type SweepPoint,
} from "../../physics/goodput-lcpr.js";
import type { CommandContext, CommandResult, CommandSpec } from "../command.js";
import { fixed, formatTable } from "../format-table.js";
import { numberOption, numberOr, stringOption } from "../parse-values.js";

/** `goodput calc goodput`: goodput, SLO attainment and LCPR from records, a rate sweep, or two route aggregates. */
export const calcGoodputCommand: CommandSpec = {
  name: "goodput",
  summary: "Goodput, SLO attainment, cost per accepted result (LCPR); operating point; Route A vs B",
  description:
    "Goodput and LCPR (docs/design.md §3.7). Three modes:\n" +
    "  --records FILE        per-request records (JSONL or CSV): accepted = finished OK AND every SLO gate met AND\n" +
    "                        quality pass when labelled; failed and incomplete requests stay in every denominator.\n" +
    "                        goodput = accepted / (max end − min start); LCPR = all window cost ÷ accepted.\n" +
    "  --sweep FILE          JSON array of runs {rateRps, sloAttainment, goodputRps, costUsd[, durationSeconds]}:\n" +
    "                        recommends the highest load whose SLO attainment ≥ --target-attainment.\n" +
    "  --route-a/--route-b   aggregates \"requests=…,successful=…,accepted=…,outputTokens=…,costUsd=…,durationSeconds=…\"\n" +
    "                        (optional name=…): raw throughput and cost beside goodput and LCPR; picks by LCPR.\n" +
    "Record fields (camelCase or snake_case): status (ok|success|error|incomplete), startSeconds, endSeconds,\n" +
    "ttftSeconds, tpotSeconds, e2eSeconds, outputTokens, qualityPass (true|false), costUsd. Other fields are ignored.\n" +
    "A gate whose measurement is missing on a successful record is not met (TPOT is exempt for ≤ 1 output token).\n" +
    "Cost in the window: --gpu-hours × --price-per-hour, or --cost-usd, else the sum of record costUsd.",
  options: {
    records: { type: "string", valueName: "FILE", description: "Per-request records, JSONL (.jsonl) or CSV (.csv) with a header row; the requests.jsonl that sim, bench and serve write reads as is" },
    "slo-ttft": { type: "string", valueName: "SECONDS", description: "TTFT gate in seconds (records mode)" },
    "slo-tpot": { type: "string", valueName: "SECONDS", description: "TPOT gate in seconds (records mode)" },
    "slo-e2e": { type: "string", valueName: "SECONDS", description: "End-to-end latency gate in seconds (records mode)" },
    "target-attainment": { type: "string", valueName: "P", description: "SLO attainment target, share of attempts (default 0.99)" },
    "gpu-hours": { type: "string", valueName: "H", description: "GPU-hours consumed in the window (with --price-per-hour)" },
    "price-per-hour": { type: "string", valueName: "USD", description: "Price per GPU-hour, USD (with --gpu-hours)" },
    "cost-usd": { type: "string", valueName: "USD", description: "Total serving cost of the window, USD (instead of --gpu-hours)" },
    "overhead-cost-usd": { type: "string", valueName: "USD", description: "Idle/reserved capacity and overhead share added to LCPR, USD (default 0)" },
    sweep: { type: "string", valueName: "FILE", description: "Rate sweep, JSON array of {rateRps, sloAttainment, goodputRps, costUsd}" },
    "route-a": { type: "string", valueName: "SPEC", description: "Route A aggregate: requests=,successful=,accepted=,outputTokens=,costUsd=,durationSeconds=" },
    "route-b": { type: "string", valueName: "SPEC", description: "Route B aggregate, same keys as --route-a" },
  },
  examples: [
    "goodput calc goodput --records run.jsonl --slo-ttft 0.5 --slo-tpot 0.05 --gpu-hours 2 --price-per-hour 3.5",
    "goodput calc goodput --sweep sweep.json --target-attainment 0.99",
    'goodput calc goodput --route-a "requests=1000,successful=990,accepted=600,outputTokens=500000,costUsd=40,durationSeconds=100" --route-b "requests=1000,successful=980,accepted=900,outputTokens=450000,costUsd=45,durationSeconds=100"',
  ],
  run(context) {
    const { values } = context;
    const recordsPath = stringOption(values, "records");
    const sweepPath = stringOption(values, "sweep");
    const routeA = stringOption(values, "route-a");
    const routeB = stringOption(values, "route-b");
    const modes = [recordsPath !== undefined, sweepPath !== undefined, routeA !== undefined || routeB !== undefined].filter(Boolean).length;
    if (modes !== 1) {
      throw new GoodputError(
        "BAD_USAGE",
        `Give exactly one of --records FILE, --sweep FILE, or --route-a SPEC with --route-b SPEC (got ${modes === 0 ? "none" : "more than one"}); run 'goodput calc goodput --help'.`,
      );
    }
    if (recordsPath !== undefined) return runRecords(context, recordsPath);
    rejectOptions(context, ["slo-ttft", "slo-tpot", "slo-e2e", "gpu-hours", "price-per-hour", "cost-usd", "overhead-cost-usd"], sweepPath !== undefined ? "--sweep" : "--route-a/--route-b");
    if (sweepPath !== undefined) return runSweep(context, sweepPath);
    if (routeA === undefined || routeB === undefined) {
      const missing = routeA === undefined ? "route-a" : "route-b";
      throw new GoodputError("BAD_USAGE", `Missing --${missing}; the comparison needs both routes, e.g. --${missing} "requests=1000,successful=950,accepted=700,outputTokens=400000,costUsd=40,durationSeconds=100".`, { where: `--${missing}` });
    }
    rejectOptions(context, ["target-attainment"], "--route-a/--route-b");
    return runRoutes(routeA, routeB);
  },
};

function rejectOptions(context: CommandContext, names: readonly string[], mode: string): void {
  const given = names.filter((name) => context.values[name] !== undefined);
  if (given.length > 0) {
    throw new GoodputError("BAD_USAGE", `${given.map((name) => `--${name}`).join(", ")} ${given.length === 1 ? "does" : "do"} not apply with ${mode}; remove ${given.length === 1 ? "it" : "them"} or use --records.`, {
      where: `--${given[0] ?? ""}`,
    });
  }
}

// ── records mode ────────────────────────────────────────────────────────────────────────────────

async function runRecords(context: CommandContext, path: string): Promise<CommandResult> {
  const { values } = context;
  const seconds = (name: string): number | undefined => numberOption(values, name, { rule: "positive", example: "0.5" });
  const ttft = seconds("slo-ttft");
  const tpot = seconds("slo-tpot");
  const e2e = seconds("slo-e2e");
  const slo: SloGates = { ...(ttft === undefined ? {} : { ttftSeconds: ttft }), ...(tpot === undefined ? {} : { tpotSeconds: tpot }), ...(e2e === undefined ? {} : { e2eSeconds: e2e }) };
  const windowCostUsd = readWindowCost(context);
  const overheadCostUsd = numberOption(values, "overhead-cost-usd", { rule: "nonnegative", example: "12.5" });
  const targetAttainment = numberOr(values, "target-attainment", 0.99, { rule: "probability", example: "0.99" });
  const records = await readRecordsFile(context.cwd, path);
  const summary = summarizeGoodput(records, {
    slo,
    targetAttainment,
    ...(windowCostUsd === undefined ? {} : { windowCostUsd }),
    ...(overheadCostUsd === undefined ? {} : { overheadCostUsd }),
  });
  return { json: { mode: "records", file: path, ...summary }, text: formatSummary(path, summary) };
}

function readWindowCost(context: CommandContext): number | undefined {
  const { values } = context;
  const gpuHours = numberOption(values, "gpu-hours", { rule: "nonnegative", example: "2" });
  const price = numberOption(values, "price-per-hour", { rule: "nonnegative", example: "3.50" });
  const cost = numberOption(values, "cost-usd", { rule: "nonnegative", example: "42" });
  if (cost !== undefined && (gpuHours !== undefined || price !== undefined)) {
    throw new GoodputError("BAD_USAGE", "Give the window cost once: either --cost-usd or --gpu-hours with --price-per-hour, not both.", { where: "--cost-usd" });
  }
  if ((gpuHours === undefined) !== (price === undefined)) {
    const missing = gpuHours === undefined ? "gpu-hours" : "price-per-hour";
    throw new GoodputError("BAD_USAGE", `--gpu-hours and --price-per-hour go together: add --${missing} (e.g. --gpu-hours 2 --price-per-hour 3.50), or give --cost-usd instead.`, { where: `--${missing}` });
  }
  if (gpuHours !== undefined && price !== undefined) return gpuHours * price;
  return cost;
}

type FieldKind = "number" | "boolean" | "status";

/**
 * Record fields: [core name, snake_case alias, canonical request-log name (docs/design.md §8, what `sim`,
 * `bench` and `serve` write to requests.jsonl), kind, required]. The canonical log has no end time
 * for a request that produced no token: arrival + e2e stands in (see canonicalEnd).
 */
const recordFields: readonly (readonly [keyof GoodputRecord, string, string, FieldKind, boolean])[] = [
  ["status", "status", "status", "status", true],
  ["startSeconds", "start_seconds", "arrival_s", "number", true],
  ["endSeconds", "end_seconds", "last_token_s", "number", true],
  ["ttftSeconds", "ttft_seconds", "ttft_s", "number", false],
  ["tpotSeconds", "tpot_seconds", "tpot_s", "number", false],
  ["e2eSeconds", "e2e_seconds", "e2e_s", "number", false],
  ["outputTokens", "output_tokens", "output_tokens", "number", false],
  ["qualityPass", "quality_pass", "quality_pass", "boolean", false],
  ["costUsd", "cost_usd", "cost_usd", "number", false],
];

const latencyFields = new Set<string>(["ttftSeconds", "tpotSeconds", "e2eSeconds"]);
// The canonical log's dropped (queue timeout) and rejected (admission) attempts count as errors: never accepted.
const statusAliases: Readonly<Record<string, GoodputRecord["status"]>> = { ok: "ok", success: "ok", error: "error", incomplete: "incomplete", dropped: "error", rejected: "error" };

/** Reads per-request records from JSONL or CSV; every bad row is reported with file, line, field, value and fix. */
async function readRecordsFile(cwd: string, path: string): Promise<GoodputRecord[]> {
  const text = readText(cwd, path);
  const lines = text.split(/\r?\n/);
  const firstLine = lines.find((line) => line.trim() !== "") ?? "";
  const csv = path.toLowerCase().endsWith(".csv") || (!/\.(jsonl|ndjson|json)$/i.test(path) && !firstLine.trimStart().startsWith("{"));
  const issues: string[] = [];
  const records = csv ? (firstLine.trim() === "" ? [] : await readCsvRecords(resolve(cwd, path), path, issues)) : parseJsonlRecords(path, lines, issues);
  if (issues.length > 0) {
    const shown = issues.slice(0, 20);
    throw new GoodputError(
      "BAD_FILE",
      `${path}: ${issues.length} problem${issues.length === 1 ? "" : "s"} in the records (no row was dropped; fix them and rerun):\n  - ${shown.join("\n  - ")}${issues.length > shown.length ? `\n  - … ${issues.length - shown.length} more` : ""}`,
      { where: path, issues },
    );
  }
  if (records.length === 0) {
    throw new GoodputError("BAD_FILE", `${path}: no records found; give one ${csv ? "CSV row after the header" : "JSON object per line"} per request attempt.`, { where: path });
  }
  return records;
}

/** A field's value from a row by its core, snake_case or canonical-log name, in that order. */
function fieldLookup(get: (name: string) => unknown): (names: readonly string[]) => unknown {
  return (names) => {
    for (const name of names) {
      const value = get(name);
      if (value !== undefined && value !== null) return value;
    }
    return undefined;
  };
}

/**
 * The canonical log leaves last_token_s empty when no token came (errors, rejections): the attempt
 * then ends at arrival_s + e2e_s, or at arrival_s.
 */
function canonicalEnd(get: (name: string) => unknown): unknown {
  const arrival = get("arrival_s");
  if (arrival === undefined || arrival === null || get("last_token_s") !== null) return undefined;
  const e2e = get("e2e_s");
  return typeof arrival === "number" ? arrival + (typeof e2e === "number" ? e2e : 0) : Number(arrival) + (e2e === null || e2e === undefined ? 0 : Number(e2e));
}

function parseJsonlRecords(path: string, lines: readonly string[], issues: string[]): GoodputRecord[] {
  const records: GoodputRecord[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const where = `${path}:${index + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      issues.push(`${where}: not valid JSON; write one JSON object per line`);
      return;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      issues.push(`${where}: not a JSON object; write one object per line like {"status":"ok","startSeconds":0,"endSeconds":1.2}`);
      return;
    }
    const row = parsed as Record<string, unknown>;
    const get = (name: string): unknown => (name in row ? row[name] : undefined);
    const record = buildRecord(where, fieldLookup(get), issues, false, canonicalEnd(get));
    if (record !== null) records.push(record);
  });
  return records;
}

/** hive_partitioning = false: a folder named key=value must never become a column (issue #18). */
const csvReadOptions = "header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', hive_partitioning = false, store_rejects = true";

/**
 * CSV through DuckDB (RFC 4180 quoting, no hand-written splitter): every cell read as text so
 * buildRecord names the bad value; rows DuckDB rejects (too few / too many cells) are reported by line.
 * Line numbers assume one line per row (header on the first non-empty line).
 */
async function readCsvRecords(file: string, path: string, issues: string[]): Promise<GoodputRecord[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const rows = await readRows(connection, `SELECT * FROM read_csv(${sqlLiteral(file)}, ${csvReadOptions})`, path);
    const rejects = await readRows(connection, "SELECT line, error_message FROM reject_errors ORDER BY line", path);
    const header = (await readRows(connection, `DESCRIBE SELECT * FROM read_csv(${sqlLiteral(file)}, ${csvReadOptions})`, path)).map((row) => String(row.column_name));
    const missing = recordFields.filter(([camel, snake, canonical, , required]) => required && ![camel, snake, canonical].some((name) => header.includes(name))).map(([camel]) => camel);
    if (missing.length > 0 && !(missing.length === 1 && missing[0] === "endSeconds" && header.includes("arrival_s"))) {
      issues.push(`${path}:1: the header lacks column${missing.length === 1 ? "" : "s"} ${missing.join(", ")}; add ${missing.length === 1 ? "it" : "them"} (header: ${header.join(",")})`);
      return [];
    }
    const rejectedLines = new Set<number>();
    for (const reject of rejects) {
      const line = Number(reject.line);
      if (rejectedLines.has(line)) continue;
      rejectedLines.add(line);
      const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(String(reject.error_message));
      issues.push(counts ? `${path}:${line}: ${counts[2]} cells but the header has ${counts[1]}; fix the row's commas (quote cells that contain commas)` : `${path}:${line}: ${String(reject.error_message)}`);
    }
    const records: GoodputRecord[] = [];
    let line = 1;
    for (const row of rows) {
      do line += 1;
      while (rejectedLines.has(line));
      const get = (name: string): unknown => (name in row ? row[name] : undefined);
      const record = buildRecord(`${path}:${line}`, fieldLookup(get), issues, true, canonicalEnd(get));
      if (record !== null) records.push(record);
    }
    return records;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function readRows(connection: DuckDBConnection, sql: string, path: string): Promise<Record<string, unknown>[]> {
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } catch (error) {
    throw new GoodputError("BAD_FILE", `${path}: DuckDB could not read it as CSV (${error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error)}); check the header row and the quoting.`, { where: path });
  }
}

/** Validates one row; pushes every problem and returns null when any field is bad. */
function buildRecord(where: string, lookup: (names: readonly string[]) => unknown, issues: string[], fromText = false, fallbackEnd?: unknown): GoodputRecord | null {
  const before = issues.length;
  const record: Record<string, unknown> = {};
  for (const [camel, snake, canonical, kind, required] of recordFields) {
    const raw = lookup([camel, snake, canonical]) ?? (camel === "endSeconds" ? fallbackEnd : undefined);
    if (raw === undefined) {
      if (required) issues.push(`${where}: field "${camel}" is missing; add it${camel === "status" ? ' ("ok", "error" or "incomplete")' : " (seconds on the run's clock)"}`);
      continue;
    }
    const shown = JSON.stringify(raw);
    if (kind === "status") {
      const status = typeof raw === "string" ? statusAliases[raw.trim().toLowerCase()] : undefined;
      if (status === undefined) issues.push(`${where}: field "status" is ${shown}, an unknown status; use "ok" (or "success"), "error" or "incomplete"`);
      else record[camel] = status;
    } else if (kind === "boolean") {
      const value = readBoolean(raw, fromText);
      if (value === undefined) issues.push(`${where}: field "${camel}" is ${shown}; use true or false (leave it out when unlabelled)`);
      else record[camel] = value;
    } else {
      const value = fromText && typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
      if (typeof value !== "number" || !Number.isFinite(value)) {
        issues.push(`${where}: field "${camel}" is ${shown}, not a finite number; give a number${latencyFields.has(camel) ? " of seconds" : ""}`);
      } else if (value < 0 && camel !== "startSeconds" && camel !== "endSeconds") {
        issues.push(
          `${where}: field "${camel}" is ${shown}, negative; ${latencyFields.has(camel) ? "latencies are 0 or more seconds — check the clock and units" : "give 0 or more"}`,
        );
      } else {
        record[camel] = value;
      }
    }
  }
  const start = record.startSeconds;
  const end = record.endSeconds;
  if (typeof start === "number" && typeof end === "number" && end < start) {
    issues.push(`${where}: field "endSeconds" is ${end}, before startSeconds ${start}; the request must end after it starts`);
  }
  return issues.length > before ? null : (record as unknown as GoodputRecord);
}

function readBoolean(raw: unknown, fromText: boolean): boolean | undefined {
  if (typeof raw === "boolean") return raw;
  if (!fromText || typeof raw !== "string") return undefined;
  const text = raw.trim().toLowerCase();
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  return undefined;
}

function readText(cwd: string, path: string): string {
  try {
    return readFileSync(resolve(cwd, path), "utf8");
  } catch {
    throw new GoodputError("FILE_NOT_FOUND", `Cannot read "${path}": no such file (check the path).`, { where: path });
  }
}

function formatSummary(path: string, summary: GoodputSummary): string {
  const rate = (value: number | null, unit: string): string => (value === null ? "n/a (zero duration)" : `${fixed(value, 3)} ${unit}`);
  const usd = (value: number | null): string => (value === null ? "n/a" : `$${fixed(value, 4)}`);
  const { cost } = summary;
  const attainment = `${fixed(summary.sloAttainment * 100, 2)} %${
    summary.targetAttainment === null ? "" : ` (target ${fixed(summary.targetAttainment * 100, 2)} %: ${summary.meetsTarget === true ? "met" : "MISSED"})`
  }`;
  const rows: string[][] = [
    ["attempts", String(summary.attempts)],
    ["successful (finished OK)", String(summary.successful)],
    ["errors / incomplete", `${summary.errors} / ${summary.incomplete}`],
    ["accepted (SLO + quality)", String(summary.accepted)],
    ["SLO attainment (accepted/attempts)", attainment],
    ["goodput", rate(summary.goodputRps, "accepted/s")],
    ["token goodput", summary.tokenGoodputPerSecond === null && summary.outputTokensPerSecond === null ? "n/a (no outputTokens)" : rate(summary.tokenGoodputPerSecond, "accepted tok/s")],
    ["throughput (raw)", rate(summary.throughputRps, "successful/s")],
    ["run cost", usd(cost.runCostUsd)],
    ["loaded cost (+ overhead)", usd(cost.loadedCostUsd)],
    ["LCPR (loaded cost / accepted)", usd(cost.lcprUsd)],
    ["cost per 1K successful", usd(cost.costPer1kSuccessfulUsd)],
  ];
  const latencyRow = (name: string, latency: LatencySummary | null): string[] =>
    latency === null ? [name, "0", "-", "-", "-", "-", "-", "-"] : [name, String(latency.n), ...[latency.mean, latency.p50, latency.p90, latency.p95, latency.p99, latency.max].map((value) => fixed(value * 1000, 1))];
  const { rejectedBy } = summary;
  return [
    `Goodput from ${summary.attempts} request attempts over ${fixed(summary.durationSeconds, 3)} s (${path})`,
    "",
    formatTable(["metric", "value"], rows),
    "Latency of successful requests (ms; percentiles by linear interpolation, type 7):",
    formatTable(["metric", "n", "mean", "p50", "p90", "p95", "p99", "max"], [
      latencyRow("TTFT", summary.latency.ttft),
      latencyRow("TPOT", summary.latency.tpot),
      latencyRow("E2E", summary.latency.e2e),
    ]),
    `Successful but not accepted — TTFT ${rejectedBy.ttft}, TPOT ${rejectedBy.tpot}, E2E ${rejectedBy.e2e}, quality ${rejectedBy.quality}, missing measurement ${rejectedBy.missingMeasurement} (a request can miss several).`,
    `Evidence boundary: ${summary.evidenceBoundary}.`,
    "",
  ].join("\n");
}

// ── sweep mode ──────────────────────────────────────────────────────────────────────────────────

function runSweep(context: CommandContext, path: string): CommandResult {
  const target = numberOr(context.values, "target-attainment", 0.99, { rule: "probability", example: "0.99" });
  const sweep = readSweepFile(context.cwd, path);
  const result = recommendOperatingPoint(sweep, target);
  return { json: { mode: "sweep", file: path, ...result }, text: formatSweep(path, result) };
}

function readSweepFile(cwd: string, path: string): SweepPoint[] {
  const text = readText(cwd, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GoodputError("BAD_FILE", `${path}: not valid JSON (${error instanceof Error ? error.message : String(error)}); fix the syntax.`, { where: path });
  }
  if (!Array.isArray(parsed)) {
    throw new GoodputError("BAD_FILE", `${path}: expected a JSON array of runs like [{"rateRps":2,"sloAttainment":0.995,"goodputRps":1.99,"costUsd":3.5}].`, { where: path });
  }
  const issues: string[] = [];
  const points: SweepPoint[] = [];
  const fields = [
    ["rateRps", true],
    ["sloAttainment", true],
    ["goodputRps", true],
    ["costUsd", true],
    ["durationSeconds", false],
  ] as const;
  (parsed as unknown[]).forEach((item, index) => {
    const where = `${path}: [${index}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      issues.push(`${where} is ${JSON.stringify(item)}, not an object; give {rateRps, sloAttainment, goodputRps, costUsd}`);
      return;
    }
    const row = item as Record<string, unknown>;
    const point: Record<string, number> = {};
    const before = issues.length;
    for (const [field, required] of fields) {
      const value = row[field];
      if (value === undefined || value === null) {
        if (required) issues.push(`${where}.${field} is missing; add it`);
      } else if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
        issues.push(`${where}.${field} is ${JSON.stringify(value)}; give a finite number of 0 or more`);
      } else if (field === "sloAttainment" && value > 1) {
        issues.push(`${where}.sloAttainment is ${value}; give a share between 0 and 1 (99 % = 0.99)`);
      } else {
        point[field] = value;
      }
    }
    if (issues.length === before) points.push(point as unknown as SweepPoint);
  });
  if (issues.length > 0) {
    throw new GoodputError("BAD_FILE", `${path}: ${issues.length} problem${issues.length === 1 ? "" : "s"} in the sweep:\n  - ${issues.join("\n  - ")}`, { where: path, issues });
  }
  return points;
}

function formatSweep(path: string, result: OperatingPointRecommendation): string {
  const rows = result.points.map((point) => [
    fixed(point.rateRps, 3),
    `${fixed(point.sloAttainment * 100, 2)} %`,
    fixed(point.goodputRps, 3),
    fixed(point.costUsd, 2),
    point.lcprUsd === null ? "-" : fixed(point.lcprUsd, 4),
    point.meetsTarget ? "yes" : "no",
    point === result.recommended ? "◀ operating point" : "",
  ]);
  return [
    `Rate sweep (${path}), target SLO attainment ${fixed(result.targetAttainment * 100, 2)} %`,
    "",
    formatTable(["rate req/s", "attainment", "goodput/s", "cost $", "LCPR $", "meets", ""], rows),
    `Recommendation: ${result.reason}`,
    ...result.warnings.map((warning) => `Warning: ${warning}`),
    "",
  ].join("\n");
}

// ── route comparison mode ───────────────────────────────────────────────────────────────────────

const routeKeys: Readonly<Record<string, keyof RouteAggregate>> = {
  name: "name",
  requests: "requests",
  successful: "successful",
  accepted: "accepted",
  outputTokens: "outputTokens",
  costUsd: "totalCostUsd",
  totalCostUsd: "totalCostUsd",
  durationSeconds: "durationSeconds",
};

/** Parses "requests=1000,successful=950,…" into a route aggregate; every problem is listed. */
function parseRouteSpec(flag: string, spec: string): RouteAggregate {
  const issues: string[] = [];
  const route: Record<string, string | number> = {};
  const seen = new Set<string>();
  for (const part of spec.split(",")) {
    if (part.trim() === "") continue;
    const [rawKey = "", ...rest] = part.split("=");
    const key = rawKey.trim();
    const value = rest.join("=").trim();
    const field = routeKeys[key];
    if (field !== undefined) seen.add(field);
    if (field === undefined) {
      issues.push(`unknown key "${key}" (known: ${Object.keys(routeKeys).join(", ")})`);
    } else if (field === "name") {
      route.name = value;
    } else {
      const number = Number(value);
      if (value === "" || !Number.isFinite(number) || number < 0) issues.push(`${key}="${value}" is not a number of 0 or more`);
      else route[field] = number;
    }
  }
  const required = ["requests", "successful", "accepted", "outputTokens", "totalCostUsd", "durationSeconds"] as const;
  const missing = required.filter((field) => !seen.has(field)).map((field) => (field === "totalCostUsd" ? "costUsd" : field));
  if (missing.length > 0) issues.push(`missing ${missing.join(", ")}`);
  if (issues.length > 0) {
    throw new GoodputError(
      "BAD_INPUT",
      `--${flag}: ${issues.join("; ")}; for example --${flag} "requests=1000,successful=950,accepted=700,outputTokens=400000,costUsd=40,durationSeconds=100".`,
      { where: `--${flag}`, issues },
    );
  }
  return route as unknown as RouteAggregate;
}

function runRoutes(specA: string, specB: string): CommandResult {
  const comparison = compareRoutes(parseRouteSpec("route-a", specA), parseRouteSpec("route-b", specB));
  return { json: { mode: "routes", ...comparison }, text: formatRoutes(comparison) };
}

function formatRoutes(comparison: RouteComparison): string {
  const { a, b, favours } = comparison;
  const side = (value: "a" | "b" | "tie"): string => (value === "tie" ? "tie" : value === "a" ? a.name : b.name);
  const usd = (value: number | null, digits: number): string => (value === null ? "n/a" : `$${fixed(value, digits)}`);
  const rows = [
    ["requests / successful / accepted", `${a.requests} / ${a.successful} / ${a.accepted}`, `${b.requests} / ${b.successful} / ${b.accepted}`, ""],
    ["raw throughput (output tok/s)", fixed(a.outputTokensPerSecond, 1), fixed(b.outputTokensPerSecond, 1), side(favours.rawThroughput)],
    ["total cost", usd(a.totalCostUsd, 2), usd(b.totalCostUsd, 2), side(favours.totalCost)],
    ["cost per 1K successful", usd(a.costPer1kSuccessfulUsd, 2), usd(b.costPer1kSuccessfulUsd, 2), side(favours.costPer1kSuccessful)],
    ["SLO attainment", `${fixed(a.sloAttainment * 100, 1)} %`, `${fixed(b.sloAttainment * 100, 1)} %`, ""],
    ["goodput (accepted/s)", fixed(a.goodputRps, 3), fixed(b.goodputRps, 3), side(favours.goodput)],
    ["LCPR (cost / accepted)", usd(a.lcprUsd, 4), usd(b.lcprUsd, 4), side(favours.lcpr)],
  ];
  return [
    `Route ${a.name} vs route ${b.name}`,
    "",
    formatTable(["metric", `route ${a.name}`, `route ${b.name}`, "favours"], rows),
    comparison.reason,
    "Evidence boundary: the totals given per route; nothing beyond them (idle capacity, overhead) unless included in costUsd.",
    "",
  ].join("\n");
}
