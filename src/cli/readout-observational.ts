import { readCausalTable, type CausalTable } from "../causal/read-causal-table.js";
import { GoodputError } from "../errors.js";
import { maxAnalysableMagnitude } from "../stats/_validate.js";
import { estimateObservational, formatObservationalReadout, type ObservationalEstimand, type ObservationalResult } from "../observational/index.js";
import { decideDesign, formatDesignDecision } from "../readout/design-decision.js";
import { lintBadControls } from "../readout/lint-bad-controls.js";
import { isLowerBetter } from "../readout/outcome-direction.js";
import type { CommandContext, CommandResult } from "./command.js";
import { numberOption, numberOr, requiredString, stringList, stringOption } from "./parse-values.js";

/** The numeric column, rejecting a missing cell with the column, its flag and the 1-based data row. */
function completeColumn(table: CausalTable, column: string, flag: string): Float64Array {
  const values = table.numbers.get(column) ?? new Float64Array(0);
  const row = values.findIndex((value) => !Number.isFinite(value));
  if (row >= 0) throw new GoodputError("BAD_INPUT", `${table.file}: column "${column}" (from ${flag}) is missing at row ${row + 1}; drop or fill incomplete rows first — the readout does not drop them for you.`, { where: `${table.file}:${column}` });
  return values;
}

const defaultControls = ["0", "A", "false", "control"];

/**
 * The treatment as 0/1: a numeric column passes through (the estimator refuses values other than 0/1, naming the row); a
 * column with two text values (e.g. arm A/B, true/false) is coded 1 for the value that is not --control (default A, 0, false
 * or control when one of them is present).
 */
function treatmentColumn(table: CausalTable, column: string, control: string | undefined): { values: Float64Array; note: string | null } {
  const labels = table.labels.get(column) ?? [];
  const numbers = labels.map(Number);
  if (control === undefined && numbers.every((value) => Number.isFinite(value))) return { values: Float64Array.from(numbers), note: null };
  const levels = [...new Set(labels)].sort();
  if (levels.length !== 2) {
    throw new GoodputError("BAD_INPUT", `${table.file}: treatment "${column}" has ${levels.length} distinct value(s) (${levels.slice(0, 5).map((level) => `"${level}"`).join(", ")}${levels.length > 5 ? ", …" : ""}); it needs exactly two — control and treated (0/1, A/B, false/true).`, { where: `${table.file}:${column}` });
  }
  const reference = control ?? levels.find((level) => defaultControls.includes(level));
  if (reference === undefined) throw new GoodputError("BAD_USAGE", `treatment "${column}" has the values "${levels[0] ?? ""}" and "${levels[1] ?? ""}"; say which one is the control with --control VALUE.`, { where: "--control" });
  if (!levels.includes(reference)) throw new GoodputError("BAD_USAGE", `--control "${reference}" is not a value of "${column}" (values: "${levels[0] ?? ""}", "${levels[1] ?? ""}").`, { where: "--control" });
  const treated = levels.find((level) => level !== reference) ?? "";
  return { values: Float64Array.from(labels, (label) => (label === reference ? 0 : 1)), note: `treatment "${column}": control "${reference}", treated "${treated}"` };
}

/**
 * A covariate as model columns: numeric text stays one column; any other text (or a boolean) becomes one 0/1 dummy per level
 * except the first in sorted order (R's treatment coding), named "COL=LEVEL". Returns the columns and a note for categorical ones.
 */
function covariateColumns(table: CausalTable, column: string): { columns: Record<string, Float64Array>; note: string | null } {
  const labels = table.labels.get(column) ?? [];
  const numbers = labels.map((label) => (label.trim() === "" ? Number.NaN : Number(label)));
  const huge = numbers.findIndex((value) => Math.abs(value) > maxAnalysableMagnitude);
  if (huge >= 0) throw new GoodputError("BAD_INPUT", `${table.file}: covariate "${column}" has ${labels[huge] ?? ""} at row ${huge + 1}; values above ${maxAnalysableMagnitude} in magnitude overflow the variance — check the units or the export.`, { where: `${table.file}:${column}` });
  if (numbers.every((value) => Number.isFinite(value))) return { columns: { [column]: Float64Array.from(numbers) }, note: null };
  // A mostly numeric column with a few text cells is a data error, not a categorical covariate: turning it into one
  // dummy per value would silently change the model.
  const numericCells = numbers.filter((value) => Number.isFinite(value)).length;
  if (numericCells >= 0.9 * labels.length) {
    const bad = numbers.findIndex((value) => !Number.isFinite(value));
    throw new GoodputError("BAD_INPUT", `${table.file}: covariate "${column}" is numeric on ${numericCells} of ${labels.length} rows but "${labels[bad] ?? ""}" at row ${bad + 1}; fix or remove that cell (or recode the column as text levels if it is categorical).`, { where: `${table.file}:${column}` });
  }
  const levels = [...new Set(labels)].sort();
  if (levels.length > 50) {
    const bad = numbers.findIndex((value) => !Number.isFinite(value));
    throw new GoodputError("BAD_INPUT", `${table.file}: covariate "${column}" is not numeric ("${labels[bad] ?? ""}" at row ${bad + 1}) and has ${levels.length} distinct values — too many levels for dummies; pass a numeric or coarser column.`, { where: `${table.file}:${column}` });
  }
  if (levels.length < 2) throw new GoodputError("BAD_INPUT", `${table.file}: covariate "${column}" has a single value "${levels[0] ?? ""}" on every row; it cannot adjust for anything — drop it.`, { where: `${table.file}:${column}` });
  const columns = Object.fromEntries(levels.slice(1).map((level) => [`${column}=${level}`, Float64Array.from(labels, (label) => (label === level ? 1 : 0))]));
  return { columns, note: `covariate "${column}" is categorical: ${levels.length - 1} dummies, reference level "${levels[0] ?? ""}"` };
}

/**
 * `readout FILE --design observational --outcome Y --treatment T --covariate X … [--estimand ate|att] [--trim A] [--folds K] [--seed S]`:
 * propensity (IRLS) with trimming, OLS adjustment, regression imputation, IPW, AIPW and double ML, with overlap, balance,
 * ESS and the E-value (src/observational).
 */
export async function runObservationalReadout(context: CommandContext, file: string): Promise<CommandResult> {
  const outcome = stringList(context.values, "outcome")[0];
  if (outcome === undefined) throw new GoodputError("BAD_USAGE", "--design observational needs --outcome COL.", { where: "--outcome" });
  const treatment = requiredString(context.values, "treatment", "treat");
  const requested = stringList(context.values, "covariate");
  // docs/design.md §7.3: an observational total effect adjusts for pre-decision confounders only; post-decision columns are dropped.
  const lint = lintBadControls({ covariates: requested, prePeriod: null, segment: null });
  const dropped = lint.filter((entry) => entry.verdict === "refuse");
  const covariates = requested.filter((column) => !dropped.some((entry) => entry.column === column));
  if (requested.length > 0 && covariates.length === 0) throw new GoodputError("BAD_USAGE", `every --covariate is post-decision (${dropped.map((entry) => entry.message).join("; ")}); an observational estimate needs pre-treatment confounders — pass columns measured before the decision.`, { where: "--covariate" });
  if (covariates.length === 0) throw new GoodputError("BAD_USAGE", "--design observational needs the pre-treatment confounders: --covariate COL (repeatable); without them the readout would be a raw difference in means.", { where: "--covariate" });
  const estimandText = stringOption(context.values, "estimand") ?? "ate";
  if (estimandText !== "ate" && estimandText !== "att") throw new GoodputError("BAD_USAGE", `--estimand "${estimandText}" is not ate or att.`, { where: "--estimand" });
  const estimand: ObservationalEstimand = estimandText;
  const trim = numberOption(context.values, "trim", { rule: "nonnegative", example: "0.01" }) ?? 0.01;
  if (trim >= 0.5) throw new GoodputError("BAD_USAGE", `--trim ${trim} would drop every row; use a level below 0.5, e.g. --trim 0.01 (0 keeps every row).`, { where: "--trim" });
  const folds = numberOr(context.values, "folds", 5, { rule: "positive-int", example: "5" });
  if (folds < 2) throw new GoodputError("BAD_USAGE", `--folds ${folds}: cross-fitting needs at least 2 folds; for example --folds 5.`, { where: "--folds" });
  const seed = numberOr(context.values, "seed", 1, { rule: "nonnegative", example: "1" });
  const table = await readCausalTable(file, {
    numeric: [{ column: outcome, flag: "--outcome" }],
    labels: [{ column: treatment, flag: "--treatment" }, ...covariates.map((column) => ({ column, flag: "--covariate" }))],
  });
  const arms = treatmentColumn(table, treatment, stringOption(context.values, "control"));
  const expanded = covariates.map((column) => covariateColumns(table, column));
  const input = {
    outcome: completeColumn(table, outcome, "--outcome"),
    treatment: arms.values,
    covariates: Object.assign({}, ...expanded.map((entry) => entry.columns)) as Record<string, Float64Array>,
    names: { outcome, treatment },
  };
  let result: ObservationalResult;
  try {
    result = estimateObservational(input, { estimand, trim, doubleMl: { folds, seed } });
  } catch (error) {
    // The core names the column and row; add the file so the message stands on its own.
    if (error instanceof GoodputError) throw new GoodputError(error.code, `${table.file}: ${error.message}`, { where: `${table.file}${error.where === undefined ? "" : ` (${error.where})`}`, issues: error.issues });
    throw error;
  }
  const notes = [arms, ...expanded].flatMap((entry) => (entry.note === null ? [] : [entry.note]));
  const lintNotes = dropped.map((entry) => `bad control left out of the adjustment: ${entry.message}`);
  const withNotes = { ...result, warnings: [...lintNotes, ...notes, ...result.warnings], lint };
  const aipw = result.estimates.find((estimate) => estimate.method === "aipw");
  const decision = decideDesign({
    design: "observational",
    evidence: "observational",
    primary: aipw === undefined ? null : { outcome, method: `AIPW ${estimand.toUpperCase()}`, estimate: aipw.estimate, standardError: aipw.standardError, ci95: aipw.ci95, lowerIsBetter: isLowerBetter(outcome) },
    designFailures: result.decision.claim === "downgraded" ? result.decision.reasons : [],
  });
  return { json: { ...withNotes, file: table.file, readoutDecision: decision }, text: formatObservationalReadout(withNotes) + formatDesignDecision(decision) };
}
