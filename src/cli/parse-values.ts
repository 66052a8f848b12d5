import { GoodputError } from "../errors.js";
import type { OptionValues } from "./command.js";

/** Typed readers for CLI option values; each error names the flag, the bad value and an example. */

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

export function requiredString(values: OptionValues, name: string, example: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value.trim() === "") {
    throw new GoodputError("BAD_USAGE", `Missing --${name}; for example --${name} ${example}.`, { where: `--${name}` });
  }
  return value;
}

export function stringList(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value;
  return typeof value === "string" ? [value] : [];
}

function parseNumber(name: string, raw: string, rule: "positive" | "nonnegative" | "probability" | "positive-int", example: string): number {
  const text = raw.trim();
  const value = Number(text);
  const describe = {
    positive: "a number greater than 0",
    nonnegative: "a number of 0 or more",
    probability: "a number between 0 and 1",
    "positive-int": "a whole number of 1 or more",
  }[rule];
  const ok =
    text !== "" &&
    Number.isFinite(value) &&
    (rule === "positive" ? value > 0 : rule === "nonnegative" ? value >= 0 : rule === "probability" ? value >= 0 && value <= 1 : Number.isInteger(value) && value >= 1);
  if (!ok) {
    throw new GoodputError("BAD_INPUT", `--${name}: "${raw}" is not ${describe}; for example --${name} ${example}.`, { where: `--${name}` });
  }
  return value;
}

export function numberOption(
  values: OptionValues,
  name: string,
  options: { rule: "positive" | "nonnegative" | "probability" | "positive-int"; example: string },
): number | undefined {
  const raw = stringOption(values, name);
  return raw === undefined ? undefined : parseNumber(name, raw, options.rule, options.example);
}

export function numberOr(
  values: OptionValues,
  name: string,
  fallback: number,
  options: { rule: "positive" | "nonnegative" | "probability" | "positive-int"; example: string },
): number {
  return numberOption(values, name, options) ?? fallback;
}

/** A comma-separated list such as "1,2,4,8"; every element checked. */
export function numberListOption(
  values: OptionValues,
  name: string,
  options: { rule: "positive" | "nonnegative" | "probability" | "positive-int"; example: string },
): number[] | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const parts = raw.split(",");
  return parts.map((part) => parseNumber(name, part, options.rule, options.example));
}
