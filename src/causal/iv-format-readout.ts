import type { IvResult, IvTerm } from "./iv-estimate.js";

const fixed = (value: number, digits = 4): string => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const line = (label: string, t: IvTerm): string => `  ${label}: ${fixed(t.estimate)} (SE ${fixed(t.standardError)}, 95% CI [${fixed(t.ci95[0])}, ${fixed(t.ci95[1])}], p = ${t.pValue.toPrecision(2)})`;

/** Human-readable IV readout: assumption first, then the first stage and other diagnostics, the estimates and the complier caveat. */
export function formatIvReadout(result: IvResult): string {
  const weak = result.firstStage.strength === "weak";
  const lines = [
    "Design: instrumental variables (2SLS)",
    `Identification assumption: ${result.assumption}`,
    "What could break it:",
    ...result.diagnostics.map((text) => `  - ${text}`),
    "",
    "Diagnostics",
    `  first stage: coefficient ${fixed(result.firstStage.coefficient)} (HC1 SE ${fixed(result.firstStage.standardError)}), robust F = ${fixed(result.firstStage.F, 2)}${weak ? "  ← WEAK (< 10)" : ""}`,
    line("reduced form (instrument → outcome)", result.reducedForm),
    "",
    weak ? "Estimate (DOWNGRADED: weak instrument — not a usable effect size)" : "Estimate",
    line("2SLS effect of the treatment", result.estimate),
    `  ${result.method}; n = ${result.estimate.n}`,
    ...(result.itt === undefined ? [] : [line("ITT on the outcome (ITT_Y)", result.itt.y), line("ITT on take-up (ITT_D)", result.itt.d)]),
    ...(result.late === undefined ? [] : [line("LATE = ITT_Y / ITT_D (delta-method SE)", result.late)]),
    ...(result.warnings.length === 0 ? [] : ["", "Warnings", ...result.warnings.map((text) => `  ! ${text}`)]),
    "",
    `Caveat: ${result.caveat}`,
  ];
  return lines.join("\n") + "\n";
}
