import { GoodputError } from "../../errors.js";

/** Minimal shape checks for a builder's input (results from our own commands or the store): fail loudly, never guess. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The input as an array of objects that each carry `fields`, or a BAD_INPUT error naming what was expected. */
export function requireRecords(value: unknown, what: string, fields: readonly string[]): Record<string, unknown>[] {
  if (!Array.isArray(value) || value.length === 0) throw badShape(what, `a non-empty array of objects with ${fields.join(", ")}`, value);
  value.forEach((item, index) => {
    if (!isRecord(item)) throw badShape(`${what}[${index}]`, "an object", item);
    const missing = fields.filter((field) => !(field in item));
    if (missing.length > 0) throw badShape(`${what}[${index}]`, `an object with ${missing.join(", ")}`, item);
  });
  return value as Record<string, unknown>[];
}

/** The input as an object carrying `fields`, or a BAD_INPUT error. */
export function requireRecord(value: unknown, what: string, fields: readonly string[]): Record<string, unknown> {
  if (!isRecord(value)) throw badShape(what, "an object", value);
  const missing = fields.filter((field) => !(field in value));
  if (missing.length > 0) throw badShape(what, `an object with ${missing.join(", ")}`, value);
  return value;
}

function badShape(what: string, expected: string, value: unknown): GoodputError {
  const shown = (JSON.stringify(value) as string | undefined)?.slice(0, 80) ?? String(value);
  return new GoodputError("BAD_INPUT", `Report input ${what}: expected ${expected}, got ${shown}; build the report from the command's own --json output.`, { where: what });
}

/** Rounds to `digits` significant digits so chart data and snapshots do not carry float noise. Non-finite → null. */
export function roundSignificant(value: number, digits = 4): number | null {
  return Number.isFinite(value) ? Number(value.toPrecision(digits)) : null;
}
