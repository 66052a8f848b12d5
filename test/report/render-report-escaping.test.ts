import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/report/escape-html.js";
import { escapeMarkdown } from "../../src/report/escape-markdown.js";
import { renderReportHtml, renderReportMarkdown } from "../../src/report/render-report.js";
import type { ReportDocument } from "../../src/report/report-document.js";
import { countTags, hostileImage, hostileMarkdown, hostileScript, eventHandlerAttributes } from "./hostile-strings.js";

const hostileDocument: ReportDocument = {
  title: `Run ${hostileScript}`,
  subtitle: hostileImage,
  source: `goodput sim ${hostileImage}`,
  createdAt: hostileScript,
  sections: [
    {
      title: hostileScript,
      blocks: [
        { kind: "paragraph", text: `prompt: ${hostileScript} ${hostileImage}` },
        { kind: "list", items: [hostileScript, hostileImage] },
        { kind: "keyValues", entries: [[hostileScript, hostileImage]] },
        { kind: "callout", tone: "fail", title: hostileImage, text: hostileScript },
        { kind: "table", caption: hostileScript, columns: [hostileImage, "n"], rows: [[hostileScript, 1], [hostileImage, 2]] },
        {
          kind: "chart",
          title: hostileScript,
          description: hostileImage,
          spec: {
            data: { values: [{ label: hostileScript, n: 3 }, { label: hostileImage, n: 5 }] },
            mark: "bar",
            encoding: { x: { field: "label", type: "nominal", title: hostileImage }, y: { field: "n", type: "quantitative" } },
          },
        },
      ],
    },
  ],
};

describe("report escaping", () => {
  it("escapeHtml() turns the five HTML metacharacters into entities", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("the tag scanner finds event handlers on real tags but not inside attribute values", () => {
    expect(eventHandlerAttributes(`<p title="x onerror=1">a</p><img src=x onerror=alert(1)><svg onload='y'>`)).toEqual(["onerror", "onload"]);
  });

  it("hostile text in titles, cells, callouts and chart labels renders as text in HTML", async () => {
    const html = await renderReportHtml(hostileDocument);
    expect(countTags(html, "script")).toBe(0);
    expect(countTags(html, "img")).toBe(0);
    expect(eventHandlerAttributes(html)).toEqual([]);
    // The escaped text is there (so it was shown, not dropped): in the heading, in a table cell, in the chart's SVG.
    expect(html).toContain("<h1>Run &lt;script&gt;alert(1)&lt;/script&gt;</h1>");
    expect(html).toContain("<td>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</td>");
    expect(html).toContain("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>");
    // Vega writes mark labels into aria-label attributes: escaped there too.
    expect(html).toContain('aria-label="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;: &lt;script&gt;alert(1)&lt;/script&gt;; n: 3"');
  });

  it("escapeMarkdown() leaves no link, emphasis, table pipe, raw HTML or new block in the text", () => {
    expect(escapeMarkdown(hostileMarkdown)).toBe("\\](javascript:alert(1)) \\| \\*bold\\* \\# &lt;b&gt;x&lt;/b&gt; \\# heading ---");
    expect(escapeMarkdown("- item")).toBe("\\- item");
    expect(escapeMarkdown("---")).toBe("\\---");
    expect(escapeMarkdown("1. first")).toBe("1\\. first");
    expect(escapeMarkdown("1.5 ms")).toBe("1.5 ms");
  });

  it("hostile text renders as text in Markdown, charts included", async () => {
    const markdown = await renderReportMarkdown(hostileDocument);
    expect(markdown).not.toMatch(/<script|<img/i);
    expect(markdown).toContain("# Run &lt;script&gt;alert(1)&lt;/script&gt;\n");
    expect(markdown).toContain("| &lt;script&gt;alert(1)&lt;/script&gt; | 1 |");
    // The chart is an image whose SVG is percent-encoded: decoded, its text is still escaped.
    const dataUri = /\(data:image\/svg\+xml;charset=utf-8,([^)]*)\)/.exec(markdown)?.[1] ?? "";
    const svg = decodeURIComponent(dataUri);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(countTags(svg, "script")).toBe(0);
    expect(svg).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});
