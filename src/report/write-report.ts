import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname } from "node:path";
import { GoodputError } from "../errors.js";
import type { ReportDocument } from "./report-document.js";

export type ReportFormat = "html" | "markdown";

const formatByExtension: Readonly<Record<string, ReportFormat>> = { ".html": "html", ".htm": "html", ".md": "markdown" };

/** The report format a file name asks for (.html/.htm → HTML, .md → Markdown); anything else is a usage error. */
export function reportFormatForPath(path: string): ReportFormat {
  const extension = extname(path).toLowerCase();
  const format = formatByExtension[extension];
  if (format === undefined) {
    throw new GoodputError(
      "BAD_USAGE",
      `--report "${path}": ${extension === "" ? "no file extension" : `unknown extension "${extension}"`}; name the file .html (self-contained page) or .md (Markdown), e.g. --report report.html.`,
      { where: "--report" },
    );
  }
  return format;
}

/**
 * Renders the document in the format its file name asks for. The renderers (and vega, ~0.3 s to load) are imported
 * only here, so commands run without --report start as fast as before.
 */
export async function renderReportForPath(path: string, doc: ReportDocument): Promise<string> {
  const format = reportFormatForPath(path);
  const { renderReportHtml, renderReportMarkdown } = await import("./render-report.js");
  return format === "html" ? renderReportHtml(doc) : renderReportMarkdown(doc);
}

/** Renders and writes a report file (creating its folder), choosing HTML or Markdown by the extension. */
export async function writeReport(path: string, doc: ReportDocument): Promise<void> {
  const text = await renderReportForPath(path, doc);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
