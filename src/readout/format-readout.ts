import type { Readout, ReadoutEstimate } from "./readout-types.js";

const num = (value: number | null): string => (value === null ? "-" : Number.isFinite(value) ? (Math.abs(value) >= 1e5 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : value.toPrecision(4)) : String(value));
const pValue = (value: number): string => (value < 1e-4 ? value.toExponential(1) : value.toFixed(4));

function estimateLine(entry: ReadoutEstimate): string {
  const flags = `${entry.primary ? "*" : " "}${entry.valid ? " " : "!"}`;
  return `${flags} ${entry.method.padEnd(44)} ${num(entry.estimate).padStart(11)}  SE ${num(entry.standardError).padStart(10)}  95% CI [${num(entry.ci95[0])}, ${num(entry.ci95[1])}]  df ${entry.df === null ? "-" : entry.df.toFixed(1)}  p ${pValue(entry.pValue)}`;
}

/** The readable decision readout: question, design, estimates with assumptions, robust readouts, checks, decision. */
export function formatReadout(readout: Readout): string {
  const { design, decision } = readout;
  const lines: string[] = [
    `Readout of ${readout.file}: ${readout.rows} rows, ${readout.treatment.column} = "${readout.treatment.treated}" (treated, ${readout.treatment.rowsTreated} rows) vs "${readout.treatment.control}" (control, ${readout.treatment.rowsControl} rows)`,
    "",
    `Question: ${decision.question}`,
    `Estimand: ${decision.estimand}`,
    `Counterfactual: ${decision.counterfactual}`,
    `Assignment: ${decision.assignment}`,
    "",
    `Design: ${design.chosen} (${design.basis.join("; ")}) — docs/design.md §7.2 "${design.situation}", key check: ${design.keyCheck}`,
    `  ${design.validity}`,
    ...(design.recommendation === null ? [] : [`  Recommended: ${design.recommendation}`]),
  ];
  for (const outcome of readout.outcomes) {
    lines.push("", `Outcome ${outcome.outcome} (${outcome.lowerIsBetter ? "lower" : "higher"} is better; n = ${outcome.n}; mean control ${num(outcome.means.control)}, treated ${num(outcome.means.treated)})`);
    lines.push("  Estimates (* primary, ! not valid for the decision):");
    for (const entry of outcome.estimates) {
      lines.push(`  ${estimateLine(entry)}`);
      if (entry.primary) {
        lines.push(`      estimand: ${entry.estimand}`, `      method: ${entry.detail}`, ...entry.assumptions.map((text) => `      assumes: ${text}`));
      }
      if (!entry.valid && entry.note !== null && entry.primary) lines.push(`      NOT VALID: ${entry.note}`);
    }
    const invalid = outcome.estimates.find((entry) => !entry.valid);
    if (invalid?.note != null) lines.push(`  ! ${invalid.note}`);
    lines.push("  Robust readouts (raw mean first — it is the business cost; each line says how the estimand changes):");
    for (const entry of outcome.robust) {
      lines.push(`  ${estimateLine(entry)}`);
      if (entry.note !== null) lines.push(`      ${entry.note}`);
    }
    lines.push(`  ${outcome.robustSummary}`);
    if (outcome.tail !== undefined) {
      lines.push(`  Who carries it: ${outcome.tail.summary}`);
      for (const entry of outcome.tail.leaveTopOut) lines.push(`    without the top ${String(entry.k).padStart(4)} ${outcome.tail.unitWord}: ${num(entry.estimate).padStart(11)}  (share of the effect ${(100 * entry.shareOfEffect).toFixed(1)} %, ${entry.treatedAmongTop} treated)`);
      const peak = outcome.tail.peakState;
      if (peak !== null) lines.push(`    peak state (queue depth ≥ ${num(peak.threshold)}): ${num(peak.peak.estimate)} [${num(peak.peak.ci95[0])}, ${num(peak.peak.ci95[1])}] on ${peak.peak.rows} rows; off-peak ${num(peak.offPeak.estimate)} [${num(peak.offPeak.ci95[0])}, ${num(peak.offPeak.ci95[1])}] on ${peak.offPeak.rows} rows`);
    }
    if (outcome.segments.length > 0) {
      lines.push("  Segments (Welch treated − control; Holm and Benjamini–Hochberg adjusted):");
      for (const segment of outcome.segments) {
        lines.push(`    ${segment.segment.padEnd(20)} n ${String(segment.n).padStart(7)}  ${num(segment.estimate).padStart(11)}  [${num(segment.ci95[0])}, ${num(segment.ci95[1])}]  p ${pValue(segment.pValue)}  Holm ${pValue(segment.pHolm)}  BH ${pValue(segment.pBH)}`);
        const value = segment.netValue;
        if (value !== null) lines.push(`      net value per row ${num(value.estimate)} [${num(value.ci95[0])}, ${num(value.ci95[1])}] (value × lift ${num(value.estimate + value.incrementalCost)} − incremental cost ${num(value.incrementalCost)})  p ${pValue(value.pValue)}  Holm ${pValue(value.pHolm)}  BH ${pValue(value.pBH)}${value.rowsWithoutCost > 0 ? `  (${value.rowsWithoutCost} rows without cost left out)` : ""}`);
      }
    }
    for (const check of outcome.checks) lines.push(`  [${check.status}] ${check.name}: ${check.message} → ${check.effect}`);
  }
  if (readout.mechanisms.length > 0) {
    lines.push("", "Mechanisms (post-decision columns: left out of every total-effect estimate above, shown here instead):");
    for (const mechanism of readout.mechanisms) {
      for (const entry of [mechanism.effectOnColumn, mechanism.adjustedPrimary]) {
        if (entry === null) continue;
        lines.push(`  ${estimateLine(entry)}`);
        if (entry.note !== null) lines.push(`      ${entry.note}`);
      }
    }
  }
  const noncompliance = readout.noncompliance;
  if (noncompliance !== null) {
    lines.push("", `Intended ≠ executed (arms are the intended "${noncompliance.intendedColumn}": the estimates above are intent-to-treat; take-up of the treated action ${(100 * noncompliance.takeUp.control).toFixed(1)} % control / ${(100 * noncompliance.takeUp.treated).toFixed(1)} % treated):`);
    for (const entry of [noncompliance.late, noncompliance.asTreated]) {
      if (entry === null) continue;
      lines.push(`  ${estimateLine(entry)}`);
      if (entry.note !== null) lines.push(`      ${entry.note}`);
    }
  }
  if (readout.ratios.length > 0) {
    lines.push("", "Ratio metrics (delta method; Σnumerator/Σdenominator per arm):");
    for (const ratio of readout.ratios) {
      lines.push(`  ${ratio.name.padEnd(32)} control ${num(ratio.control.ratio)} (SE ${num(ratio.control.standardError)})  treated ${num(ratio.treated.ratio)} (SE ${num(ratio.treated.standardError)})  difference ${num(ratio.estimate)} [${num(ratio.ci95[0])}, ${num(ratio.ci95[1])}]  p ${pValue(ratio.pValue)}`);
      if (ratio.note !== null) lines.push(`      ${ratio.note}`);
    }
  }
  if (readout.rule !== null) lines.push("", `Decision rule${readout.rule.name === undefined ? "" : ` "${readout.rule.name}"`}: primary ${readout.rule.primary.outcome} should ${readout.rule.primary.direction} by at least ${readout.rule.primary.minEffect}; alpha ${readout.rule.alpha}; ${readout.rule.guardrails.length} guardrails, ${readout.rule.rollback.length} rollback triggers`);
  lines.push("", "Checks (docs/design.md §7.5):");
  for (const check of readout.checks) lines.push(`  [${check.status.toUpperCase()}] ${check.check} — ${check.name}: ${check.message}${check.effect === "none" ? "" : ` → ${check.effect}`}`);
  lines.push(
    "",
    `Decision: ${decision.summary}`,
    ...decision.conditions.map((condition) => `  condition: ${condition}`),
    ...(decision.holdout ? ["  keep a durable holdout"] : []),
    `  (decision-table row: ${decision.rule})`,
    ...decision.reasons.slice(1).map((reason) => `  also: ${reason}`),
    `  Main failure mode: ${decision.mainFailureMode}; mitigation: ${decision.mitigation}`,
    `  Tradeoff: ${decision.tradeoff}`,
    `  Would stop a ramp: ${decision.stopRamp.join("; ")}`,
    `  Surrogates: ${decision.surrogate}`,
    "",
  );
  return lines.join("\n");
}
