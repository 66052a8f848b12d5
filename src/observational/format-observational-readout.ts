import type { ObservationalResult } from "./estimate-observational.js";
import type { ObservationalEstimate } from "./observational-estimate.js";

const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const significant = (value: number, digits = 5): string => (Number.isFinite(value) ? value.toPrecision(digits) : "n/a");

/** The estimand column of the table: long model-coefficient estimands get a short tag (the full text is in the JSON). */
const shortEstimand = (e: ObservationalEstimate): string => (e.method === "double-ml" ? "θ (PLR)" : e.method === "ols-adjustment" ? "coef" : e.estimand);

/** Human-readable observational readout: identification assumptions first, then diagnostics, estimates, sensitivity, decision. */
export function formatObservationalReadout(result: ObservationalResult): string {
  const { diagnostics: d, names } = result;
  const lines = [
    `Design: observational (${result.estimand.toUpperCase()} of ${names.treatment} on ${names.outcome}; ${result.n} rows: ${result.nTreated} treated, ${result.nControl} control)`,
    "Identification assumptions (none can be checked from the data; the diagnostics below only check overlap and balance):",
    ...result.assumptions.map((text) => `  - ${text}`),
    "",
    "Diagnostics",
    `  propensity model: logistic on ${names.covariates.join(", ")}; ${result.propensityModel.iterations} Newton steps, deviance ${fixed(result.propensityModel.deviance, 3)}${result.propensityModel.refitAfterTrim ? " (refitted after trimming)" : ""}`,
    `  propensity range before trimming: treated [${significant(d.propensityRange.treated[0], 3)}, ${significant(d.propensityRange.treated[1], 3)}], control [${significant(d.propensityRange.control[0], 3)}, ${significant(d.propensityRange.control[1], 3)}]`,
    `  trimming at [${d.trimmed.level}, ${1 - d.trimmed.level}]: dropped ${d.trimmed.droppedTreated} treated and ${d.trimmed.droppedControl} control row(s)${d.trimmed.rows.length > 0 ? ` (rows ${d.trimmed.rows.slice(0, 10).join(", ")}${d.trimmed.rows.length > 10 ? ", …" : ""})` : ""}`,
    "  overlap (rows per propensity bin, before trimming):",
    "    bin           treated  control",
    ...d.overlap.filter((bin) => bin.treated + bin.control > 0).map((bin) => `    ${`${fixed(bin.from)}–${fixed(bin.to)}`.padEnd(13)} ${String(bin.treated).padStart(7)}  ${String(bin.control).padStart(7)}`),
    `  weights: ESS treated ${fixed(d.ess.treated, 1)} (${fixed(100 * d.essShare.treated, 1)} %), control ${fixed(d.ess.control, 1)} (${fixed(100 * d.essShare.control, 1)} %); max weight treated ${significant(d.maxWeight.treated, 4)}, control ${significant(d.maxWeight.control, 4)}`,
    "  balance, standardized mean difference (|SMD| > 0.1 flagged):",
    "    covariate                 before    after",
    ...d.balance.map((row) => `    ${row.covariate.padEnd(24)} ${fixed(row.before, 3).padStart(7)}  ${fixed(row.after, 3).padStart(7)}${Math.abs(row.after) > 0.1 ? "  ←" : ""}`),
    d.doubleMl === null ? "  double ML: skipped (too few rows for cross-fitting; see the warnings)" : `  double ML learners: out-of-fold R² outcome ${fixed(d.doubleMl.outOfFoldR2.outcome, 3)}, treatment ${fixed(d.doubleMl.outOfFoldR2.treatment, 3)}`,
    "",
    "Estimates",
    "  method                 estimand  estimate     SE           95% CI",
    ...result.estimates.map((e) => `  ${e.method.padEnd(22)} ${shortEstimand(e).padEnd(9)} ${significant(e.estimate).padStart(11)}  ${significant(e.standardError, 4).padStart(11)}  [${significant(e.ci95[0])}, ${significant(e.ci95[1])}]`),
    ...result.estimates.map((e) => `    ${e.method}: ${e.label}; SE: ${e.standardErrorMethod}. Needs: ${e.assumptions.join("; ")}.`),
    "",
    "Sensitivity",
    `  ${result.sensitivity.statement}`,
    ...(result.warnings.length === 0 ? [] : ["", "Warnings", ...result.warnings.map((text) => `  ! ${text}`)]),
    "",
    `Decision (${result.decision.claim}): ${result.decision.statement}`,
    ...result.decision.notes.map((text) => `  Note: ${text}`),
  ];
  return lines.join("\n") + "\n";
}
