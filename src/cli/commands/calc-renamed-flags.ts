import { GoodputError } from "../../errors.js";
import type { OptionValues } from "../command.js";

/** A flag whose unit was ambiguous is refused with the name that states the unit (issue #14: --link-gbps). */
export function refuseRenamedFlag(values: OptionValues, old: string, replacement: string, unit: string): void {
  if (values[old] === undefined) return;
  throw new GoodputError("BAD_USAGE", `--${old} was removed because it meant GB/s in one calculator and Gb/s in another; use ${replacement} (${unit}).`, { where: `--${old}` });
}
