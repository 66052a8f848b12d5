import { resolve } from "node:path";
import { callawaySantAnna } from "../causal/did-callaway-santanna.js";
import { estimateDid } from "../causal/did-estimate.js";
import { formatDidReadout } from "../causal/did-format-readout.js";
import { estimateIv } from "../causal/iv-estimate.js";
import { formatIvReadout } from "../causal/iv-format-readout.js";
import { readCausalTable, type CausalTable } from "../causal/read-causal-table.js";
import { GoodputError } from "../errors.js";
import { formatDesignDecision } from "../readout/design-decision.js";
import { didDecision, ivDecision } from "../readout/quasi-decisions.js";
import { outcomeDirection, type OutcomeDirection } from "../readout/outcome-direction.js";
import type { CommandContext, CommandResult } from "./command.js";
import { requiredString, stringList, stringOption } from "./parse-values.js";

/** The numeric column, rejecting a missing cell with the column, its flag and the 1-based data row. */
function completeColumn(table: CausalTable, column: string, flag: string): Float64Array {
  const values = table.numbers.get(column) ?? new Float64Array(0);
  const row = values.findIndex((value) => !Number.isFinite(value));
  if (row >= 0) throw new GoodputError("BAD_INPUT", `${table.file}: column "${column}" (from ${flag}) is missing at row ${row + 1}; drop or fill incomplete rows first.`, { where: `${table.file}:${column}` });
  return values;
}

function outcomeColumn(context: CommandContext, design: string): string {
  const outcome = stringList(context.values, "outcome")[0];
  if (outcome === undefined) throw new GoodputError("BAD_USAGE", `--design ${design} needs --outcome COL.`, { where: "--outcome" });
  return outcome;
}

/** `readout FILE --design iv --outcome Y --treatment D --instrument Z [--covariate X …]`: 2SLS, first stage, reduced form, ITT and LATE. */
export async function runIvReadout(context: CommandContext, file: string): Promise<CommandResult> {
  const outcome = outcomeColumn(context, "iv");
  const treatment = requiredString(context.values, "treatment", "executed_action");
  const instrument = requiredString(context.values, "instrument", "assigned_arm");
  const covariates = stringList(context.values, "covariate");
  const table = await readCausalTable(resolve(context.cwd, file), {
    numeric: [{ column: outcome, flag: "--outcome" }, { column: treatment, flag: "--treatment" }, { column: instrument, flag: "--instrument" }, ...covariates.map((column) => ({ column, flag: "--covariate" }))],
    labels: [],
  });
  const result = estimateIv({
    y: completeColumn(table, outcome, "--outcome"),
    d: completeColumn(table, treatment, "--treatment"),
    z: completeColumn(table, instrument, "--instrument"),
    covariates: Object.fromEntries(covariates.map((column) => [column, completeColumn(table, column, "--covariate")])),
    names: { outcome, treatment, instrument },
  });
  const decision = ivDecision(result, outcome, designDirection(context, outcome));
  return { json: { ...result, decision }, text: formatIvReadout(result) + formatDesignDecision(decision) };
}

/**
 * The primary's good direction for a design readout: `--direction higher|lower`, else what the outcome's name says, else
 * null (the decision then holds on a significant move instead of guessing "higher is better").
 */
export function designDirection(context: CommandContext, outcome: string): OutcomeDirection | null {
  const raw = stringOption(context.values, "direction");
  if (raw === undefined) return outcomeDirection(outcome);
  if (raw !== "higher" && raw !== "lower") throw new GoodputError("BAD_USAGE", `--direction "${raw}" is not higher or lower; say which way ${outcome} is better, e.g. --direction lower for packs smoked or latency.`, { where: "--direction" });
  return raw;
}

/** Parses --event-window "-4:4" into whole periods [lead, lag] with lead ≤ −1 ≤ 0 ≤ lag. */
function eventWindow(context: CommandContext): readonly [number, number] | undefined {
  const raw = stringOption(context.values, "event-window");
  if (raw === undefined) return undefined;
  const match = /^\s*(-?\d+)\s*:\s*(-?\d+)\s*$/.exec(raw);
  const lo = Number(match?.[1]);
  const hi = Number(match?.[2]);
  if (match === null || lo > -1 || hi < 0) throw new GoodputError("BAD_USAGE", `--event-window "${raw}" is not LEAD:LAG with LEAD ≤ −1 and LAG ≥ 0; for example --event-window=-4:4.`, { where: "--event-window" });
  return [lo, hi];
}

/** `readout FILE --design did --outcome Y --unit U --time T --treatment D [--event-window=-4:4]`: TWFE, event study, pre-trend test. */
export async function runDidReadout(context: CommandContext, file: string): Promise<CommandResult> {
  const outcome = outcomeColumn(context, "did");
  const unit = requiredString(context.values, "unit", "region");
  const time = requiredString(context.values, "time", "week");
  const treatment = requiredString(context.values, "treatment", "treated");
  const window = eventWindow(context);
  const table = await readCausalTable(resolve(context.cwd, file), {
    numeric: [{ column: outcome, flag: "--outcome" }, { column: time, flag: "--time" }, { column: treatment, flag: "--treatment" }],
    labels: [{ column: unit, flag: "--unit" }],
  });
  const treated = completeColumn(table, treatment, "--treatment");
  const bad = treated.findIndex((value) => value !== 0 && value !== 1);
  if (bad >= 0) throw new GoodputError("BAD_INPUT", `${table.file}: column "${treatment}" (from --treatment) is ${treated[bad] ?? Number.NaN} at row ${bad + 1}; it must be 0 (untreated) or 1 (treated) for each unit and period.`, { where: `${table.file}:${treatment}` });
  const result = estimateDid(
    { y: completeColumn(table, outcome, "--outcome"), unit: table.labels.get(unit) ?? [], time: completeColumn(table, time, "--time"), treated },
    { ...(window === undefined ? {} : { eventWindow: window }), names: { outcome, unit, time, treatment } },
  );
  // Staggered adoption: the decision rests on Callaway–Sant'Anna (never-treated comparison), not on TWFE.
  let staggered: ReturnType<typeof callawaySantAnna> | string | null = null;
  if (result.staggered.cohorts.length > 1) {
    try {
      staggered = callawaySantAnna({ y: completeColumn(table, outcome, "--outcome"), unit: table.labels.get(unit) ?? [], time: completeColumn(table, time, "--time"), treated });
    } catch (error) {
      if (!(error instanceof GoodputError)) throw error;
      staggered = error.message;
    }
  }
  const decision = didDecision(result, outcome, staggered, designDirection(context, outcome));
  const robustText = staggered === null ? "" : typeof staggered === "string" ? `Heterogeneity-robust estimate not computed: ${staggered}\n` : `Heterogeneity-robust estimate (decides): ${staggered.method}: ${staggered.estimate.toPrecision(4)} (SE ${staggered.standardError.toPrecision(3)}, 95 % CI ${staggered.ci95[0].toPrecision(4)} to ${staggered.ci95[1].toPrecision(4)}) vs TWFE ${result.estimate.estimate.toPrecision(4)}.\n`;
  return { json: { ...result, callawaySantAnna: staggered, decision }, text: formatDidReadout(result) + robustText + formatDesignDecision(decision) };
}
