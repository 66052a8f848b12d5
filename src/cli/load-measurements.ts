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
