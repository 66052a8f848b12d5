import type { CostMatrixRow } from "../experiment/cost-matrix.js";
import type { DecisionRecord } from "../experiment/decide.js";
import { describeEvidenceKey } from "../experiment/evidence-key.js";
import { formatUsd } from "../experiment/format-usd.js";
import type { SelectedMatrix } from "../experiment/select-matrix.js";
import { formatTable } from "./format-table.js";

const seconds = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : "-");
const percent = (value: number | null): string => (value === null || !Number.isFinite(value) ? "-" : `${(value * 100).toFixed(0)} %`);

/** The useful-work cost matrix as a table, with the evidence boundary and the cost definition under it. */
export function formatMatrix(rows: readonly CostMatrixRow[], evidenceBoundary: string): string {
  return (
    formatTable(
      ["case", "profile", "served/requests", "in SLO", "dropped", "failed", "tok/s", "p50 s", "p95 s", "p99 s", "headroom s", "GPU busy", "cost", "$/1K successful", "$/1K in SLO", "$/1M tok in SLO", "goodput/s", "SLO"],
      rows.map((row) => [
        row.case,
        row.profile,
        `${row.successful}/${row.requests}`,
        String(row.accepted),
        String(row.dropped),
        String(row.failed),
        row.tokensPerSecond.toFixed(0),
        seconds(row.p50LatencySeconds),
        seconds(row.p95LatencySeconds),
        seconds(row.p99LatencySeconds),
        row.latencyHeadroomSeconds === null ? "-" : seconds(row.latencyHeadroomSeconds),
        percent(row.utilization),
        formatUsd(row.costUsd),
        formatUsd(row.costPer1kSuccessful),
        formatUsd(row.costPer1kAccepted),
        formatUsd(row.costPer1MTokensInSlo),
        row.goodputPerSecond.toFixed(2),
        row.sloPassed ? "pass" : "MISS",
      ]),
    ) +
    _replicateLines(rows) +
    rows.map((row) => (row.partialCycle === undefined ? "" : `Note: ${row.case} × ${row.profile}: ${row.partialCycle}.\n`)).join("") +
    "in SLO / goodput / $ in SLO count only requests that finished within every per-request gate (a p95 bound judges each request too).\n" +
    "headroom = the smallest margin, bound minus measured, over the percentile gates (negative: over the SLO); GPU busy = utilization at this load.\n" +
    "cost = GPU-hours over the run × price, idle included (requests.jsonl cost_usd is each request's busy share).\n" +
    `Evidence boundary: ${evidenceBoundary}\n`
  );
}

function _replicateLines(rows: readonly CostMatrixRow[]): string {
  const interval = (ci: readonly [number, number]): string => `${seconds(ci[0])}–${seconds(ci[1])}`;
  return rows
    .filter((row) => row.replicates !== undefined)
    .map((row) => {
      const replicates = row.replicates;
      if (!replicates) return "";
      return `${row.case} × ${row.profile}: ${replicates.seeds.length} seeds (${replicates.seeds.join(", ")}) × ${replicates.requestsPerReplicate} requests — 95 % CI p50 ${interval(replicates.p50LatencySeconds.ci95)} s, p95 ${interval(replicates.p95LatencySeconds.ci95)} s, p99 ${interval(replicates.p99LatencySeconds.ci95)} s (the table shows seed ${replicates.seeds[0] ?? "?"})\n`;
    })
    .join("");
}

/** Where a stored matrix's cells come from: one evidence key, the run sets (marked when unfinished), cells left out. */
export function formatMatrixEvidence(matrix: SelectedMatrix): string {
  const lines = [`Evidence: ${matrix.evidenceKey === null ? "not recorded (runs stored before evidence keys)" : describeEvidenceKey(matrix.evidenceKey)}`];
  for (const set of matrix.runSets) {
    const status = set.status === "complete" ? "complete" : set.status === "interrupted" ? "INTERRUPTED" : set.status === "incomplete" ? "INCOMPLETE (killed, crashed or still running)" : "stored before run sets were recorded";
    lines.push(`  run ${set.runSet ?? "(legacy)"}: ${set.cells} cell(s), ${status}`);
  }
  for (const entry of matrix.excluded) lines.push(`  not mixed in: ${entry.case} × ${entry.profile} (${entry.runId}): ${entry.why}`);
  if (matrix.rows.some((row) => row.runSetStatus === "incomplete" || row.runSetStatus === "interrupted")) lines.push("  Cells from an unfinished run are shown but carry no decision; re-run the experiment.");
  return lines.join("\n") + "\n";
}

/** A decision record in a few readable lines. */
export function formatDecision(record: DecisionRecord): string {
  return [
    `Decision [${record.status}]: ${record.decision}`,
    `Question: ${record.question}`,
    `Comparison: ${record.comparison}`,
    ...(record.evidenceKey === undefined ? [] : [`Evidence: ${describeEvidenceKey(record.evidenceKey)}`]),
    `Guardrails: ${record.guardrails.join("; ") || "-"}`,
    `Rollback triggers: ${record.rollbackTriggers.join("; ") || "-"}`,
    `Tradeoff that could change it: ${record.tradeoff}`,
    "",
  ].join("\n");
}
