import type { ReportBlock, ReportCell, ReportDocument, ReportSection } from "../report-document.js";
import type { ReportMeta } from "../report-meta.js";
import { isRecord, roundSignificant } from "./_shape.js";

/**
 * A table-only report for calculators without a chart of their own (prefill, moe, disagg, goodput, locality,
 * calibrate): every scalar of the result as a key–value list (nested fields as dotted paths), every array of objects
 * as a table, every array of strings as a list. Nothing is dropped: a field this does not know still shows.
 */
export function buildCalcTableReport(input: unknown, meta: ReportMeta, options: { readonly title: string }): ReportDocument {
  const sections: ReportSection[] = [];
  if (Array.isArray(input)) {
    sections.push({ title: "Result", blocks: arrayBlocks(input) });
  } else if (isRecord(input)) {
    const scalars: [string, ReportCell][] = [];
    const extra: ReportSection[] = [];
    flatten(input, "", scalars, extra);
    sections.push({ title: "Result", blocks: [{ kind: "keyValues", entries: scalars }] }, ...extra);
  } else {
    sections.push({ title: "Result", blocks: [{ kind: "paragraph", text: JSON.stringify(input) }] });
  }
  return {
    title: options.title,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections,
  };
}

function flatten(value: Record<string, unknown>, prefix: string, scalars: [string, ReportCell][], sections: ReportSection[]): void {
  for (const [key, field] of Object.entries(value)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (Array.isArray(field)) {
      if (field.length === 0) scalars.push([path, "none"]);
      else if (field.every((item) => !isRecord(item) && !Array.isArray(item))) {
        if (field.every((item) => typeof item === "string") && field.some((item) => item.length > 40)) sections.push({ title: path, blocks: [{ kind: "list", items: field }] });
        else scalars.push([path, field.map((item) => String(cell(item))).join(", ")]);
      } else sections.push({ title: path, blocks: arrayBlocks(field) });
    } else if (isRecord(field)) flatten(field, path, scalars, sections);
    else scalars.push([path, cell(field)]);
  }
}

/** Longer than this, a text column would wrap every row into a tall narrow cell: it is listed below the table instead. */
const maxTableTextLength = 60;

function arrayBlocks(items: readonly unknown[]): ReportBlock[] {
  const records = items.map((item) => (isRecord(item) ? flatRecord(item) : { value: cell(item) }));
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const long = new Set(columns.filter((column) => records.some((record) => { const value = record[column]; return typeof value === "string" && value.length > maxTableTextLength; })));
  const tableColumns = columns.filter((column) => !long.has(column));
  // Each listed note names its row by the first column whose values tell the rows apart (id, name, prompt …).
  const key = tableColumns.find((column) => new Set(records.map((record) => record[column])).size === records.length);
  const table: ReportBlock = { kind: "table", columns: tableColumns, rows: records.map((record) => tableColumns.map((column) => record[column] ?? null)) };
  if (long.size === 0) return [table];
  const notes = records.flatMap((record) => [...long].flatMap((column) => {
    const value = record[column];
    return value === null || value === undefined ? [] : [`${key === undefined ? `row ${records.indexOf(record) + 1}` : `${key} ${String(record[key])}`} — ${column}: ${String(value)}`];
  }));
  return [table, { kind: "list", items: notes }];
}

function flatRecord(value: Record<string, unknown>, prefix = ""): Record<string, ReportCell> {
  const out: Record<string, ReportCell> = {};
  for (const [key, field] of Object.entries(value)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (isRecord(field)) Object.assign(out, flatRecord(field, path));
    else if (Array.isArray(field)) out[path] = field.map((item) => (isRecord(item) ? Object.entries(flatRecord(item)).map(([name, inner]) => `${name} ${String(inner)}`).join(", ") : Array.isArray(item) ? JSON.stringify(item) : String(cell(item)))).join("; ");
    else out[path] = cell(field);
  }
  return out;
}

function cell(value: unknown): ReportCell {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? roundSignificant(value) : String(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
