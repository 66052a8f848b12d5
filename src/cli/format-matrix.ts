import type { CostMatrixRow } from "../experiment/cost-matrix.js";
import type { DecisionRecord } from "../experiment/decide.js";
import { formatTable } from "./format-table.js";

const seconds = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : "-");
const usd = (value: number): string => (Number.isFinite(value) ? `$${value.toFixed(3)}` : "∞");

/** The useful-work cost matrix as a table, with the evidence boundary under it. */
export function formatMatrix(rows: readonly CostMatrixRow[], evidenceBoundary: string): string {
  return (
    formatTable(
      ["case", "profile", "served/requests", "dropped", "tok/s", "p50 s", "p95 s", "p99 s", "cost", "$/1K successful", "$/1M tokens", "goodput/s", "SLO"],
      rows.map((row) => [
        row.case,
        row.profile,
        `${row.successful}/${row.requests}`,
        String(row.dropped),
        row.tokensPerSecond.toFixed(0),
        seconds(row.p50LatencySeconds),
        seconds(row.p95LatencySeconds),
        seconds(row.p99LatencySeconds),
        usd(row.costUsd),
        usd(row.costPer1kSuccessful),
        usd(row.costPer1MTokens),
        row.goodputPerSecond.toFixed(2),
        row.sloPassed ? "pass" : "MISS",
      ]),
    ) + `Evidence boundary: ${evidenceBoundary}\n`
  );
}

/** A decision record in a few readable lines. */
export function formatDecision(record: DecisionRecord): string {
  return [
    `Decision [${record.status}]: ${record.decision}`,
    `Question: ${record.question}`,
    `Comparison: ${record.comparison}`,
    `Guardrails: ${record.guardrails.join("; ") || "-"}`,
    `Rollback triggers: ${record.rollbackTriggers.join("; ") || "-"}`,
    `Tradeoff that could change it: ${record.tradeoff}`,
    "",
  ].join("\n");
}
