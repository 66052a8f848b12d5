import { differenceInMeans, olsRobust } from "../stats/index.js";
import { attempt, toEntry } from "./estimate-outcome.js";
import type { ControlLint } from "./lint-bad-controls.js";
import type { NumericColumn, ReadoutTable } from "./readout-table.js";
import type { MechanismReadout } from "./readout-types.js";

/**
 * Post-decision columns asked for as covariates (docs/design.md §7.3): never in the total-effect estimate, shown here instead — the
 * treatment's effect ON the column (is it a mechanism?) and the primary outcome adjusted for it, labelled as what it is
 * (a "controlled" contrast that removes the path through the column, not the effect of the decision).
 */
export function mechanismReadouts(table: ReadoutTable, lint: readonly ControlLint[], primary: NumericColumn | undefined, notes: string[]): MechanismReadout[] {
  const refused = new Set(lint.filter((entry) => entry.verdict === "refuse" && entry.use !== "segment").map((entry) => entry.column));
  const { treated, column: treatmentColumn } = table.treatment;
  return table.covariates.filter((column) => refused.has(column.name)).map((column) => {
    const keep: number[] = [];
    column.values.forEach((value, row) => {
      if (Number.isFinite(value) && (primary === undefined || Number.isFinite(primary.values[row] ?? Number.NaN))) keep.push(row);
    });
    const arm = Uint8Array.from(keep, (row) => treated[row] ?? 0);
    const mediator = Float64Array.from(keep, (row) => column.values[row] ?? 0);
    const onColumn = attempt(notes, `effect on ${column.name}`, () => differenceInMeans(mediator, arm, { outcomeName: column.name }));
    const adjusted = primary === undefined ? null : attempt(notes, `${primary.name} adjusted for ${column.name}`, () => olsRobust(Float64Array.from(keep, (row) => primary.values[row] ?? 0), { [treatmentColumn]: Float64Array.from(arm), [column.name]: mediator }, { treatmentColumn, se: "HC2" }));
    return {
      column: column.name,
      effectOnColumn: onColumn === null ? null : toEntry(`effect on ${column.name} (Welch)`, onColumn, { note: `the treatment's effect on ${column.name}: if it moves, ${column.name} is (part of) the mechanism` }),
      adjustedPrimary: adjusted === null ? null : toEntry(`OLS HC2 adjusted for ${column.name}`, adjusted, { valid: false, note: `NOT the total effect: adjusting for the post-decision ${column.name} removes the part of the effect that runs through it (a mechanism contrast, biased if anything confounds ${column.name} and the outcome)` }),
    };
  });
}
