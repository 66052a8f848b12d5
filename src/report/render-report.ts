/** Document → file renderers (docs/design.md §9): self-contained HTML and Markdown. Both are deterministic. */
export { renderReportHtml } from "./render-report-html.js";
export { renderReportMarkdown } from "./render-report-markdown.js";
