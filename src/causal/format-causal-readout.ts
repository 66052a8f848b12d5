import type { RddResult } from "./rdd-estimate.js";
import type { SyntheticControlResult } from "./synthetic-control-estimate.js";

const fixed = (value: number, digits = 3): string => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

/** Human-readable RDD readout: assumption first, then diagnostics, estimate, sensitivity and the local-claim caveat. */
export function formatRddReadout(result: RddResult): string {
  const e = result.estimate;
  const lines = [
    "Design: sharp regression discontinuity",
    `Identification assumption: ${result.assumption}`,
    "What could break it:",
    ...result.diagnostics.map((text) => `  - ${text}`),
    "",
    "Diagnostics",
    `  density (manipulation) test, ${result.densityTest.method}: ${result.densityTest.verdict}`,
    ...(result.covariates.length === 0 ? ["  covariate continuity: no covariates given (pass --covariate COL)"] : result.covariates.map((c) => `  covariate ${c.name}: jump ${fixed(c.estimate)} (SE ${fixed(c.standardError)}) — ${c.verdict}`)),
    "  bandwidth sensitivity:",
    "    multiple   h          estimate   SE        95% CI                n",
    ...result.sensitivity.map((row) => `    ${`${row.multiple}h`.padEnd(10)} ${fixed(row.bandwidth).padEnd(10)} ${fixed(row.estimate).padEnd(10)} ${fixed(row.standardError).padEnd(9)} [${fixed(row.ci95[0])}, ${fixed(row.ci95[1])}]`.padEnd(70) + ` ${row.n}`),
    "",
    "Estimate",
    `  jump at the cutoff ${result.cutoff}: ${fixed(e.estimate, 4)} (SE ${fixed(e.standardError, 4)}, 95% CI [${fixed(e.ci95[0])}, ${fixed(e.ci95[1])}], p = ${e.pValue.toPrecision(2)})`,
    `  ${result.method}; n = ${e.nLeft} below + ${e.nRight} above within h`,
    ...(result.bandwidthSelection === null ? [] : [`  bandwidth: ${result.bandwidthSelection.method}; h = ${fixed(result.bandwidthSelection.h)}, bias bandwidth b = ${fixed(result.bandwidthSelection.b)}`]),
    ...(result.warnings.length === 0 ? [] : ["", "Warnings", ...result.warnings.map((text) => `  ! ${text}`)]),
    "",
    `Caveat: ${result.caveat}`,
  ];
  return lines.join("\n") + "\n";
}

/** Human-readable synthetic-control readout: assumption first, then fit diagnostics, weights, gaps and the placebo test. */
export function formatSyntheticControlReadout(result: SyntheticControlResult): string {
  const lines = [
    "Design: synthetic control",
    `Identification assumption: ${result.assumption}`,
    "What could break it:",
    ...result.diagnostics.map((text) => `  - ${text}`),
    "",
    "Diagnostics",
    `  RMSPE pre ${fixed(result.rmspe.pre, 4)}, post ${fixed(result.rmspe.post, 4)}, post/pre ratio ${fixed(result.rmspe.ratio, 2)}`,
    ...(result.placebo === null ? [] : [`  placebo-in-space: treated unit ranks ${result.placebo.rank} of ${result.placebo.units.length} by post/pre RMSPE ratio → p = ${fixed(result.placebo.pValue, 3)}`]),
    "  predictor balance (treated | synthetic | donor mean | V weight):",
    ...result.balance.map((row, k) => `    ${row.predictor.padEnd(28)} ${fixed(row.treated).padStart(10)} ${fixed(row.synthetic).padStart(10)} ${fixed(row.donorMean).padStart(10)} ${fixed(result.predictorWeights[k]?.weight ?? Number.NaN).padStart(8)}`),
    "  donor weights:",
    ...result.weights.filter((w) => w.weight >= 0.001).sort((a, b) => b.weight - a.weight).map((w) => `    ${w.unit.padEnd(32)} ${fixed(w.weight)}`),
    "",
    "Estimate",
    `  average post-period gap (treated − synthetic) from ${result.treatmentStart}: ${fixed(result.averagePostGap, 4)}`,
    `  gaps: ${result.gaps.map((g) => `${g.time}: ${fixed(g.gap, 3)}`).join(", ")}`,
    ...(result.warnings.length === 0 ? [] : ["", "Warnings", ...result.warnings.map((text) => `  ! ${text}`)]),
    "",
    `Caveat: ${result.caveat}`,
  ];
  return lines.join("\n") + "\n";
}
