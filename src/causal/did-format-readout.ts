import type { DidResult } from "./did-estimate.js";

const fixed = (value: number, digits = 4): string => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

/** Human-readable DiD readout: assumption first, then pre-trends, staggering and the event study, the estimate and the caveat. */
export function formatDidReadout(result: DidResult): string {
  const e = result.estimate;
  const pre = result.preTrend;
  const [lo, hi] = result.eventWindow;
  const lines = [
    "Design: difference-in-differences (two-way fixed effects) with an event study",
    `Identification assumption: ${result.assumption}`,
    "What could break it:",
    ...result.diagnostics.map((text) => `  - ${text}`),
    "",
    "Diagnostics",
    pre === null ? "  pre-trend test: not available (no leads before −1)" : `  pre-trend test (leads jointly 0): F(${pre.df1}, ${pre.df2}) = ${fixed(pre.F, 3)}, p = ${pre.pValue.toPrecision(2)}`,
    `  adoption cohorts (first treated: units): ${result.staggered.cohorts.map((c) => `${c.firstTreated}: ${c.units}`).join(", ")}; never treated: ${result.staggered.neverTreated}`,
    `  event study, periods relative to the first treated period (−1 = reference${result.binnedEndpoints ? `; ${lo} and ${hi} bin everything beyond` : ""}):`,
    "    relative   estimate   SE        95% CI",
    ...result.eventStudy.map((row) => `    ${String(row.relativeTime).padEnd(10)} ${fixed(row.estimate).padEnd(10)} ${fixed(row.standardError).padEnd(9)} [${fixed(row.ci95[0])}, ${fixed(row.ci95[1])}]`),
    "",
    "Estimate",
    `  TWFE effect of the treatment: ${fixed(e.estimate)} (SE ${fixed(e.standardError)}, 95% CI [${fixed(e.ci95[0])}, ${fixed(e.ci95[1])}], p = ${e.pValue.toPrecision(2)})`,
    `  ${result.method}; n = ${e.n} rows, ${e.units} units, ${e.periods} periods`,
    ...(result.warnings.length === 0 ? [] : ["", "Warnings", ...result.warnings.map((text) => `  ! ${text}`)]),
    "",
    `Caveat: ${result.caveat}`,
  ];
  return lines.join("\n") + "\n";
}
