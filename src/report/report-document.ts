/**
 * The report document every result is turned into before it is rendered (docs/design.md §9). Builders (pure: result JSON →
 * document) and renderers (document → self-contained HTML or Markdown) meet here, so a chart or table is written once
 * and looks the same from `--report FILE`, `goodput report ID` and `goodput ui`.
 *
 * All text fields are plain text, never markup: renderers escape them (log content is untrusted).
 */

/** A Vega-Lite specification (https://vega.github.io/vega-lite/docs/spec.html) with its data inlined as `data.values`. */
export type VegaLiteSpec = Readonly<Record<string, unknown>>;

export type CalloutTone = "pass" | "info" | "warn" | "fail";

export type ReportCell = string | number | null;

export type ReportBlock =
  | { readonly kind: "paragraph"; readonly text: string }
  | { readonly kind: "list"; readonly items: readonly string[] }
  | { readonly kind: "keyValues"; readonly entries: readonly (readonly [string, ReportCell])[] }
  | { readonly kind: "callout"; readonly tone: CalloutTone; readonly title: string; readonly text: string }
  | {
      readonly kind: "table";
      readonly caption?: string;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly ReportCell[])[];
    }
  | {
      readonly kind: "chart";
      readonly title: string;
      /** One sentence saying what the chart shows; also the SVG's accessible description and the Markdown alt text. */
      readonly description: string;
      readonly spec: VegaLiteSpec;
    };

export interface ReportSection {
  readonly title: string;
  readonly blocks: readonly ReportBlock[];
}

export interface ReportDocument {
  readonly title: string;
  readonly subtitle?: string;
  /** What made it, e.g. "goodput calc roofline --gpu h100-sxm --model llama-3-8b". */
  readonly source: string;
  /** ISO time the underlying result was made, when known (never "now" in a pure builder: time is passed in). */
  readonly createdAt?: string;
  readonly sections: readonly ReportSection[];
}
