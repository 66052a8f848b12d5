import { escapeHtml } from "./escape-html.js";
import { reportStylesheet } from "./report-stylesheet.js";

/**
 * The one page shell every goodput HTML page uses (reports and the viewer's index): inline stylesheet, a CSP that
 * forbids scripts and fetches, a header, the main content and a footer. `title` is plain text (escaped here);
 * `headerHtml` and `mainHtml` are markup the caller has already escaped.
 */
export function htmlPage(page: { readonly title: string; readonly headerHtml: readonly string[]; readonly mainHtml: readonly string[]; readonly footer: string }): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${reportStylesheet}</style>`,
    "</head>",
    "<body>",
    "<header>",
    `<h1>${escapeHtml(page.title)}</h1>`,
    ...page.headerHtml,
    "</header>",
    "<main>",
    ...page.mainHtml,
    "</main>",
    `<footer>${escapeHtml(page.footer)}</footer>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
