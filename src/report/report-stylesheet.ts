/** The reports' only stylesheet, inlined into every page: system fonts (nothing fetched), readable measure, tones. */
export const reportStylesheet = `
:root { color-scheme: light; --ink: #1d2129; --muted: #5b6470; --rule: #dde1e6; --panel: #f6f8fa;
  --pass: #1a7f37; --pass-bg: #eaf6ec; --info: #0b5cad; --info-bg: #eaf2fb; --warn: #9a6700; --warn-bg: #fff6dd; --fail: #c0262d; --fail-bg: #fdecec; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 62rem; padding: 2rem 1.25rem 3rem; color: var(--ink); background: #fff;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
header { border-bottom: 2px solid var(--rule); margin-bottom: 1.5rem; padding-bottom: 0.75rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 0.35rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--rule); }
.subtitle { color: var(--muted); margin: 0 0 0.5rem; font-size: 1.05rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.75rem; margin: 0; font-size: 0.875rem; color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; background: var(--panel); padding: 0.1em 0.3em; border-radius: 3px; }
p, ul { max-width: 46rem; }
dl.key-values { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0.75rem 0; }
dl.key-values dt { color: var(--muted); }
dl.key-values dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; margin: 0.75rem 0 1.25rem; }
table { border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 0.35rem; }
th, td { padding: 0.35rem 0.7rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
td { max-width: 28rem; overflow-wrap: break-word; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; overflow-wrap: normal; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
.callout { border-left: 4px solid var(--info); background: var(--info-bg); padding: 0.6rem 0.9rem; margin: 1rem 0; border-radius: 0 4px 4px 0; }
.callout p { margin: 0.2rem 0; }
.callout-title { font-weight: 600; }
.tone-label { font-size: 0.75rem; letter-spacing: 0.05em; padding: 0.05rem 0.4rem; border-radius: 3px; color: #fff; background: var(--info); margin-right: 0.3rem; }
.tone-pass { border-color: var(--pass); background: var(--pass-bg); } .tone-pass .tone-label { background: var(--pass); }
.tone-warn { border-color: var(--warn); background: var(--warn-bg); } .tone-warn .tone-label { background: var(--warn); }
.tone-fail { border-color: var(--fail); background: var(--fail-bg); } .tone-fail .tone-label { background: var(--fail); }
figure.chart { margin: 1.25rem 0; }
figure.chart figcaption { font-size: 0.9rem; color: var(--muted); margin-bottom: 0.4rem; max-width: 46rem; }
figure.chart figcaption strong { color: var(--ink); }
figure.chart svg { max-width: 100%; height: auto; }
footer { margin-top: 3rem; padding-top: 0.75rem; border-top: 1px solid var(--rule); font-size: 0.8rem; color: var(--muted); }
@media print { body { max-width: none; } .table-wrap { overflow: visible; } }
`.trim();
