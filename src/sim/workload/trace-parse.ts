import { GoodputError } from "../../errors.js";
import { maxTraceHashId } from "../block-keys.js";

/** Trace formats read directly (see ../shared/data/traces/README.md). */
export const traceFormats = ["mooncake", "azure-2023"] as const;
export type TraceFormat = (typeof traceFormats)[number];

/** Mooncake's hash_ids cover blocks of this many tokens (Qin et al., FAST 2025; the trace README). */
export const mooncakeHashBlockTokens = 512;

/** One request of a production trace. */
export interface TraceRow {
  /** Seconds since the trace's first request. */
  readonly timeSeconds: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  /** Mooncake: prefix block ids over `hashBlockTokens`-token blocks; null when the format has none. */
  readonly hashIds: readonly number[] | null;
}

export interface ParsedTrace {
  readonly format: TraceFormat;
  readonly rows: readonly TraceRow[];
  /** Tokens per hash id (Mooncake); null without hash ids. */
  readonly hashBlockTokens: number | null;
}

const fail = (where: string, line: number, message: string): never => {
  throw new GoodputError("BAD_FILE", `${where}:${line}: ${message}`, { where: `${where}:${line}` });
};

const tokenCount = (value: unknown, where: string, line: number, field: string, min: number): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) fail(where, line, `${field} is ${JSON.stringify(value)}; it must be a whole number ≥ ${min} (tokens)`);
  return value as number;
};

/**
 * Mooncake JSON Lines: {"timestamp": ms since the first request, "input_length", "output_length",
 * "hash_ids": [...]} per line, timestamps nondecreasing.
 */
function parseMooncake(text: string, where: string): TraceRow[] {
  const rows: TraceRow[] = [];
  const lines = text.split("\n");
  let previous = -Infinity;
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      fail(where, line, "not a JSON object; a Mooncake trace has one {timestamp, input_length, output_length, hash_ids} object per line");
    }
    const row = value as Record<string, unknown>;
    const timestamp = row.timestamp;
    if (typeof timestamp !== "number" || !Number.isFinite(timestamp) || timestamp < 0) fail(where, line, `timestamp is ${JSON.stringify(timestamp)}; it must be milliseconds ≥ 0`);
    if ((timestamp as number) < previous) fail(where, line, `timestamp ${String(timestamp)} comes before the previous line's ${previous}; sort the trace by timestamp`);
    previous = timestamp as number;
    const promptTokens = tokenCount(row.input_length, where, line, "input_length", 1);
    const outputTokens = tokenCount(row.output_length, where, line, "output_length", 1);
    const hashIds = row.hash_ids;
    if (!Array.isArray(hashIds) || hashIds.some((id) => typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= maxTraceHashId)) fail(where, line, `hash_ids must be an array of whole numbers from 0 to ${maxTraceHashId - 1}`);
    const ids = hashIds as number[];
    const blocks = Math.ceil(promptTokens / mooncakeHashBlockTokens);
    if (ids.length > blocks) fail(where, line, `hash_ids has ${ids.length} ids but input_length ${promptTokens} spans only ${blocks} blocks of ${mooncakeHashBlockTokens} tokens`);
    rows.push({ timeSeconds: (timestamp as number) / 1000, promptTokens, outputTokens, hashIds: ids });
  });
  return rows;
}

/** "2023-11-16 18:15:46.6805900" (UTC, up to 7 fractional digits) → milliseconds since the epoch; NaN if malformed. */
function parseUtcTimestampMs(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z?$/.exec(text.trim());
  if (!match) return NaN;
  const [, year, month, day, hour, minute, second, fraction] = match;
  const whole = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  return whole + (fraction ? Number(`0.${fraction}`) * 1000 : 0);
}

/** Azure LLM inference trace 2023 (Splitwise) CSV: TIMESTAMP,ContextTokens,GeneratedTokens. */
function parseAzure2023(text: string, where: string): TraceRow[] {
  const lines = text.split("\n");
  const header = (lines[0] ?? "").trim().replace(/^\uFEFF/, "");
  if (header !== "TIMESTAMP,ContextTokens,GeneratedTokens") fail(where, 1, `header is "${header}"; an Azure 2023 trace starts with TIMESTAMP,ContextTokens,GeneratedTokens`);
  const rows: TraceRow[] = [];
  let firstMs = NaN;
  let previousMs = -Infinity;
  for (let index = 1; index < lines.length; index++) {
    const raw = (lines[index] ?? "").trim();
    if (raw === "") continue;
    const line = index + 1;
    const cells = raw.split(",");
    if (cells.length !== 3) fail(where, line, `has ${cells.length} fields; expected TIMESTAMP,ContextTokens,GeneratedTokens`);
    const ms = parseUtcTimestampMs(cells[0] ?? "");
    if (Number.isNaN(ms)) fail(where, line, `TIMESTAMP "${cells[0] ?? ""}" is not "YYYY-MM-DD HH:MM:SS.fffffff" (UTC)`);
    if (ms < previousMs) fail(where, line, `TIMESTAMP ${cells[0] ?? ""} comes before the previous row's; sort the trace by TIMESTAMP`);
    previousMs = ms;
    if (Number.isNaN(firstMs)) firstMs = ms;
    const number = (cell: string | undefined): number => (cell !== undefined && /^\d+$/.test(cell.trim()) ? Number(cell) : NaN);
    const promptTokens = tokenCount(number(cells[1]), where, line, "ContextTokens", 1);
    const outputTokens = tokenCount(number(cells[2]), where, line, "GeneratedTokens", 1);
    rows.push({ timeSeconds: (ms - firstMs) / 1000, promptTokens, outputTokens, hashIds: null });
  }
  return rows;
}

/** Parses a trace file's text; errors name the file and line (BAD_FILE). */
export function parseTrace(text: string, format: TraceFormat, where: string): ParsedTrace {
  const rows = format === "mooncake" ? parseMooncake(text, where) : parseAzure2023(text, where);
  if (rows.length === 0) fail(where, 1, "the trace has no requests");
  return { format, rows, hashBlockTokens: format === "mooncake" ? mooncakeHashBlockTokens : null };
}
