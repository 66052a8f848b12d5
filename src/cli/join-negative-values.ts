import type { OptionSpec } from "./command.js";

/** A value that is a negative number (or -Infinity / -NaN, which the number parsers then refuse with a clear error). */
const negativeNumber = /^-(\d|\.\d|Infinity$|NaN$)/;

/**
 * Rewrites `--rate -1` as `--rate=-1` for options that take a value: node's parseArgs otherwise reads "-1" as a flag and
 * stops with "argument is ambiguous", so a negative value never reaches the range check that explains what is allowed.
 */
export function joinNegativeValues(args: readonly string[], options: Readonly<Record<string, OptionSpec>>): string[] {
  const takesValue = new Set<string>();
  for (const [name, spec] of Object.entries(options)) {
    if (spec.type !== "string") continue;
    takesValue.add(`--${name}`); // long options only: parseArgs has no "-x=VALUE" form for short ones
  }
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    const next = args[index + 1];
    if (arg === "--") {
      joined.push(...args.slice(index));
      break;
    }
    if (takesValue.has(arg) && next !== undefined && negativeNumber.test(next)) {
      joined.push(`${arg}=${next}`);
      index++;
    } else joined.push(arg);
  }
  return joined;
}
