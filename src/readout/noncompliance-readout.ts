import { estimateIv } from "../causal/iv-estimate.js";
import { olsRobust, type Estimate } from "../stats/index.js";
import { attempt, toEntry } from "./estimate-outcome.js";
import type { NumericColumn, ReadoutTable } from "./readout-table.js";
import type { NoncomplianceReadout, ReadoutCheck } from "./readout-types.js";

/**
 * Intended ≠ executed (docs/design.md §7.5 execution row, §7.4 IV): the arms are the intended ones, so every estimate above is the
 * intent-to-treat effect; the effect of actually executing the treatment on compliers is the LATE = ITT_Y / ITT_D by 2SLS
 * with the intended arm as the instrument (Angrist, Imbens & Rubin 1996). The as-treated comparison is shown, marked not
 * valid: who executed what is chosen after assignment and confounded.
 */
export function noncomplianceReadout(table: ReadoutTable, primary: NumericColumn | undefined, notes: string[]): { readout: NoncomplianceReadout; check: ReadoutCheck } | null {
  const executed = table.executed;
  if (executed === null || primary === undefined) return null;
  const intended = table.treatment.treated;
  const keep: number[] = [];
  primary.values.forEach((value, row) => {
    if (Number.isFinite(value)) keep.push(row);
  });
  const y = Float64Array.from(keep, (row) => primary.values[row] ?? 0);
  const z = Float64Array.from(keep, (row) => intended[row] ?? 0);
  const d = Float64Array.from(keep, (row) => executed.treated[row] ?? 0);
  const takeUp = { control: 0, treated: 0 };
  const counts = { control: 0, treated: 0 };
  intended.forEach((arm, row) => {
    const key = arm === 1 ? "treated" : "control";
    counts[key]++;
    takeUp[key] += executed.treated[row] ?? 0;
  });
  const share = { control: counts.control === 0 ? 0 : takeUp.control / counts.control, treated: counts.treated === 0 ? 0 : takeUp.treated / counts.treated };
  const iv = attempt(notes, "LATE (2SLS, intended arm as instrument)", () => estimateIv({ y, d, z, names: { outcome: primary.name, treatment: executed.column, instrument: executed.intendedColumn } }));
  const asTreated = attempt(notes, "as-treated comparison", () => olsRobust(y, { [executed.column]: d }, { treatmentColumn: executed.column, se: "HC1" }));
  const lateEstimate: Estimate | null = iv === null ? null : { ...iv.estimate, estimand: `LATE: effect of executing "${table.treatment.treatedValue}" on ${primary.name} for compliers`, method: iv.method, assumptions: [iv.assumption, `first-stage F = ${iv.firstStage.F.toPrecision(4)} (${iv.firstStage.strength})`] };
  const diverged = share.control > 0 || share.treated < 1;
  const readout: NoncomplianceReadout = {
    intendedColumn: executed.intendedColumn,
    executedColumn: executed.column,
    takeUp: share,
    late: lateEstimate === null ? null : toEntry("LATE (2SLS, intended arm as instrument)", lateEstimate, { note: `ITT / take-up difference: the effect on the ${(100 * (share.treated - share.control)).toFixed(1)} % who comply` }),
    asTreated: asTreated === null ? null : toEntry("as-treated (executed arm, OLS HC1)", asTreated, { valid: false, note: "NOT an intent-to-treat or causal estimate: the executed action is chosen after assignment (who falls back or takes up differs), so it is confounded" }),
  };
  const check: ReadoutCheck = {
    check: "execution",
    name: "intended vs executed arm",
    status: diverged ? "warn" : "pass",
    values: { takeUpControl: share.control, takeUpTreated: share.treated, firstStageF: iv?.firstStage.F ?? null },
    message: `${executed.explicit ? "--intended" : "auto-detected"} intended arm "${executed.intendedColumn}" beside the executed "${executed.column}": the estimates above are by the INTENDED arm (intent-to-treat); executed "${table.treatment.treatedValue}" on ${(100 * share.control).toFixed(1)} % of intended-control and ${(100 * share.treated).toFixed(1)} % of intended-treated rows${lateEstimate === null ? "" : `; LATE ${lateEstimate.estimate.toPrecision(4)} (95 % CI ${lateEstimate.ci95[0].toPrecision(4)} to ${lateEstimate.ci95[1].toPrecision(4)}) by 2SLS`}`,
    effect: diverged ? "diverged → decide on the ITT; LATE for compliers by IV; the as-treated comparison is not used" : "none: executed = intended",
  };
  return { readout, check };
}
