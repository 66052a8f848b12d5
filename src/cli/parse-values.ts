import { GoodputError } from "../errors.js";
import type { OptionValues } from "./command.js";
import { countLimits } from "./count-limits.js";

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

export type NumberRule = "positive" | "nonnegative" | "probability" | "positive-int";

export interface NumberOptions {
  readonly rule: NumberRule;
  readonly example: string;
  /** Largest value accepted; whole-number flags also get the bound of `countLimits` for their name. */
  readonly max?: number;
}

const describeRule: Readonly<Record<NumberRule, string>> = {
  positive: "a number greater than 0",
  nonnegative: "a number of 0 or more",
  probability: "a number between 0 and 1",
  "positive-int": "a whole number of 1 or more",
};

function parseNumber(name: string, raw: string, options: NumberOptions): number {
  const { rule, example } = options;
  const text = raw.trim();
  const value = Number(text);
  const ok =
    text !== "" &&
    Number.isFinite(value) &&
    (rule === "positive" ? value > 0 : rule === "nonnegative" ? value >= 0 : rule === "probability" ? value >= 0 && value <= 1 : Number.isInteger(value) && value >= 1);
  if (!ok) {
    throw new GoodputError("BAD_INPUT", `--${name}: "${raw}" is not ${describeRule[rule]}; for example --${name} ${example}.`, { where: `--${name}` });
  }
  // No quantity a flag takes (seconds, bytes, rates, prices, FLOP/s, shares) is meaningful beyond
  // 10^30 or below 10^-30: such values only overflow or underflow the arithmetic downstream into
  // Infinity and NaN (found by the fuzz harness), so they are refused here by flag name.
  if (value !== 0 && (Math.abs(value) > 1e30 || Math.abs(value) < 1e-30)) {
    throw new GoodputError("BAD_INPUT", `--${name}: ${text} is outside the range a flag accepts (10^-30 to 10^30 in magnitude); check the unit — for example --${name} ${example}.`, { where: `--${name}` });
  }
  const limit = rule === "positive-int" ? countLimits[name] : undefined;
  const max = Math.min(options.max ?? Infinity, limit?.max ?? Infinity, rule === "positive-int" ? Number.MAX_SAFE_INTEGER : Infinity);
  if (value > max) {
    const why = limit !== undefined && limit.max === max ? ` (${limit.why})` : "";
    throw new GoodputError("BAD_INPUT", `--${name}: ${text} is above the limit of ${max.toLocaleString("en-US")}${why}; for example --${name} ${example}.`, { where: `--${name}` });
  }
  return value;
}

export function numberOption(values: OptionValues, name: string, options: NumberOptions): number | undefined {
  const raw = stringOption(values, name);
  return raw === undefined ? undefined : parseNumber(name, raw, options);
}

export function numberOr(values: OptionValues, name: string, fallback: number, options: NumberOptions): number {
  return numberOption(values, name, options) ?? fallback;
}

/** A whole-number count of at least 1 and at most `max` (or its flag's bound in countLimits), e.g. --requests. */
export function countOption(values: OptionValues, name: string, options: { readonly example: string; readonly max?: number }): number | undefined {
  return numberOption(values, name, { rule: "positive-int", ...options });
}

/** A comma-separated list such as "1,2,4,8"; every element checked. */
export function numberListOption(values: OptionValues, name: string, options: NumberOptions): number[] | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const parts = raw.split(",");
  return parts.map((part) => parseNumber(name, part, options));
}
