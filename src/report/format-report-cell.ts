import type { ReportCell } from "./report-document.js";

/**
 * One way to print a number in every report, so HTML and Markdown agree and snapshots are stable: integers as they
 * are, other finite numbers to 4 significant digits (builders round further where they know the unit), null as "—".
 * No locale: the same input gives the same bytes on every machine.
 */
export function formatReportCell(cell: ReportCell): string {
  if (cell === null) return "—";
  if (typeof cell === "string") return cell;
  if (!Number.isFinite(cell)) return String(cell);
  if (Number.isInteger(cell)) return String(cell);
  return String(Number(cell.toPrecision(4)));
}

/** Whether a table column should be right-aligned: every non-null cell is a number. */
export function isNumericColumn(rows: readonly (readonly ReportCell[])[], columnIndex: number): boolean {
  let sawNumber = false;
  for (const row of rows) {
    const cell = row[columnIndex];
    if (cell === null || cell === undefined) continue;
    if (typeof cell !== "number") return false;
    sawNumber = true;
  }
  return sawNumber;
}
