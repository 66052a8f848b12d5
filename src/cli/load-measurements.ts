import { readBoundedTextFile } from "../io/read-bounded-text-file.js";
import { z } from "zod";
import { GoodputError } from "../errors.js";
import type { Measurement } from "../physics/calibrate.js";
import { jsonArrayElementLines } from "./json-array-lines.js";

const positiveInt = z.number().int().positive();
const measurementSchema = z.discriminatedUnion("phase", [
  z.strictObject({ phase: z.literal("decode"), batch: positiveInt, context: positiveInt, seconds: z.number().positive(), model: z.string().min(1).optional() }),
  z.strictObject({ phase: z.literal("prefill"), batch: positiveInt, prompt: positiveInt, seconds: z.number().positive(), cached: z.number().int().nonnegative().optional(), model: z.string().min(1).optional() }),
]);

/**
 * Reads a measurements file: a JSON array of {"phase":"decode","batch":8,"context":2048,"seconds":0.00745}
 * and {"phase":"prefill","batch":1,"prompt":2048,"seconds":0.0533} objects. Every bad entry is
 * reported with its line, field and value.
 */
export function loadMeasurements(path: string): Measurement[] {
  const text = readBoundedTextFile(path, { what: "measurements file", maxBytes: 256 * 2 ** 20 });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new GoodputError("BAD_MEASUREMENTS", `${path}: not valid JSON (${error instanceof Error ? error.message : String(error)}); it must be a JSON array of measurement objects.`, { where: path });
  }
  const example = '{"phase":"decode","batch":8,"context":2048,"seconds":0.00745}';
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new GoodputError("BAD_MEASUREMENTS", `${path}: expected a non-empty JSON array of measurements such as [${example}].`, { where: path });
  }
  const lines = jsonArrayElementLines(text);
  const issues: string[] = [];
  const measurements: Measurement[] = [];
  raw.forEach((entry: unknown, index) => {
    const parsed = measurementSchema.safeParse(entry);
    if (parsed.success) {
      if (parsed.data.phase === "prefill" && (parsed.data.cached ?? 0) >= parsed.data.prompt) {
        issues.push(`${path}:${lines[index] ?? "?"} (entry ${index + 1}): cached ${parsed.data.cached ?? 0} must be below prompt ${parsed.data.prompt}`);
      } else measurements.push(parsed.data);
      return;
    }
    for (const issue of parsed.error.issues) {
      const field = issue.path.join(".") || "(entry)";
      const value = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>)[String(issue.path[0] ?? "")] : entry;
      issues.push(`${path}:${lines[index] ?? "?"} (entry ${index + 1}): ${field} ${value === undefined ? "is missing" : `= ${JSON.stringify(value)}`} — ${issue.message}`);
    }
  });
  if (issues.length > 0) {
    throw new GoodputError("BAD_MEASUREMENTS", `Bad measurements (each entry is ${example} or {"phase":"prefill","batch":1,"prompt":2048,"seconds":0.0533}):\n  - ${issues.join("\n  - ")}`, { where: path, issues });
  }
  return measurements;
}

/** What a bench run's request log gives a calibration: the points, and how they were derived. */
export interface BenchMeasurements {
  readonly measurements: Measurement[];
  readonly notes: string[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

interface BenchRow {
  readonly concurrency: number | null;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly ttftSeconds: number;
  readonly tpotSeconds: number | null;
}

function benchRows(path: string): BenchRow[] {
  const text = readBoundedTextFile(path, { what: "bench log (the requests.jsonl that 'goodput bench --out DIR' wrote)", maxBytes: 1024 * 2 ** 20 });
  const rows: BenchRow[] = [];
  const issues: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      issues.push(`${path}:${index + 1}: not valid JSON`);
      return;
    }
    if (row.case === "warmup" || row.status !== "ok") return;
    const prompt = row.prompt_tokens;
    const output = row.output_tokens;
    const ttft = row.ttft_s;
    const tpot = row.tpot_s;
    if (typeof prompt !== "number" || !(prompt > 0) || typeof output !== "number" || !(output > 0) || typeof ttft !== "number" || !(ttft > 0)) {
      issues.push(`${path}:${index + 1}: a successful request needs prompt_tokens, output_tokens and ttft_s > 0 (the canonical request log, docs/design.md §8)`);
      return;
    }
    const match = typeof row.profile === "string" ? /^concurrency=(\d+)$/.exec(row.profile) : null;
    rows.push({ concurrency: match ? Number(match[1]) : null, promptTokens: prompt, outputTokens: output, ttftSeconds: ttft, tpotSeconds: typeof tpot === "number" && tpot > 0 ? tpot : null });
  });
  if (issues.length > 0) throw new GoodputError("BAD_MEASUREMENTS", `Bad bench log:\n  - ${issues.slice(0, 20).join("\n  - ")}`, { where: path, issues });
  return rows;
}

/**
 * Step-time points from a `bench` run against the user's endpoint (its requests.jsonl):
 *   decode  — per closed-loop point "concurrency=N": batch N, context = median prompt + median
 *             output / 2, seconds = median TPOT (the engine decodes about N sequences per step);
 *   prefill — per prompt length in the lowest-concurrency point: batch 1, seconds = median TTFT
 *             (queueing is near zero there; network time is included and says so).
 */
export function measurementsFromBenchLog(path: string): BenchMeasurements {
  const rows = benchRows(path);
  const concurrencies = [...new Set(rows.flatMap((row) => (row.concurrency === null ? [] : [row.concurrency])))].sort((a, b) => a - b);
  if (concurrencies.length === 0) {
    throw new GoodputError("BAD_MEASUREMENTS", `${path}: no closed-loop points (profile "concurrency=N") among the successful measured requests; run 'goodput bench --concurrency 1,4,16,64 --out DIR' and pass DIR/requests.jsonl.`, { where: path });
  }
  const measurements: Measurement[] = [];
  for (const concurrency of concurrencies) {
    const point = rows.filter((row) => row.concurrency === concurrency && row.tpotSeconds !== null);
    if (point.length === 0) continue;
    const context = Math.round(median(point.map((row) => row.promptTokens)) + median(point.map((row) => row.outputTokens)) / 2);
    measurements.push({ phase: "decode", batch: concurrency, context, seconds: median(point.map((row) => row.tpotSeconds ?? 0)) });
  }
  const lowest = concurrencies[0] ?? 1;
  const byPrompt = new Map<number, number[]>();
  for (const row of rows.filter((r) => r.concurrency === lowest)) byPrompt.set(row.promptTokens, [...(byPrompt.get(row.promptTokens) ?? []), row.ttftSeconds]);
  for (const [prompt, ttfts] of [...byPrompt.entries()].sort((a, b) => a[0] - b[0])) measurements.push({ phase: "prefill", batch: 1, prompt, seconds: median(ttfts) });
  return {
    measurements,
    notes: [
      `decode points: median TPOT at each of ${concurrencies.length} concurrencies (${concurrencies.join(", ")}), taken as the decode batch`,
      `prefill points: median TTFT by prompt length at concurrency ${lowest}${lowest > 1 ? " (queueing included: add a concurrency-1 point)" : ""}; network time is part of TTFT`,
    ],
  };
}
