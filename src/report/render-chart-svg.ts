import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { escapeHtml } from "./escape-html.js";
import type { VegaLiteSpec } from "./report-document.js";

/** One look for every chart: system fonts only (nothing fetched), quiet grid, the same width in every report. */
const reportTheme = {
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
  background: "#ffffff",
  view: { stroke: null },
  axis: { labelColor: "#333333", titleColor: "#222222", gridColor: "#e6e6e6", domainColor: "#888888", tickColor: "#888888", labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  title: { fontSize: 14, anchor: "start" },
  range: { category: ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac", "#eeca3b"] },
} as const;

export const defaultChartWidthPx = 560;
export const defaultChartHeightPx = 280;

/**
 * Renders a Vega-Lite spec to a standalone SVG string in Node — no browser, no script in the output: Vega-Lite compiles
 * to a Vega spec, Vega's headless View (renderer "none") draws it as SVG (https://vega.github.io/vega/usage/#node).
 * Vega escapes the text it writes into `<text>` and `aria-label`; the title and description added here go through
 * escapeHtml. The result carries `role="img"` with `<title>`/`<desc>` so screen readers announce the chart.
 */
export async function renderChartSvg(spec: VegaLiteSpec, accessible: { readonly title: string; readonly description: string }): Promise<string> {
  const themed = {
    width: defaultChartWidthPx,
    height: defaultChartHeightPx,
    ...spec,
    config: { ...reportTheme, ...(isRecord(spec.config) ? spec.config : {}) },
  } as unknown as TopLevelSpec;
  const vegaSpec = compile(themed).spec;
  const view = new View(parse(vegaSpec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return addAccessibleName(svg, accessible);
  } finally {
    view.finalize();
  }
}

function addAccessibleName(svg: string, accessible: { readonly title: string; readonly description: string }): string {
  const openTagEnd = svg.indexOf(">");
  if (!svg.startsWith("<svg") || openTagEnd < 0) throw new Error("Vega's SVG renderer returned something that is not an <svg> element");
  const openTag = svg.slice(0, openTagEnd).replace(/^<svg/, '<svg role="img"');
  return `${openTag}><title>${escapeHtml(accessible.title)}</title><desc>${escapeHtml(accessible.description)}</desc>${svg.slice(openTagEnd + 1)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
