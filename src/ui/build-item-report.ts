import { buildReportForCommand, hasReportBuilder } from "../report/build-report.js";
import { buildDecisionReport } from "../report/decision/build-decision-report.js";
import { buildReadoutReport } from "../report/readout/build-readout-report.js";
import type { ReportDocument } from "../report/report-document.js";
import type { StoredItem } from "../store/lab-store.js";

/** The command whose report builder draws each stored kind that has no builder of its own. */
const commandOfKind = { experiment: ["experiment", "show"], run: ["sim"] } as const;

/**
 * The report of one stored item (`goodput report ID`, the viewer's `/item/ID`): readouts and decision records through
 * their builders, experiments through the cost-matrix report of `goodput experiment show`, runs through the simulator
 * run report. Pure: the item's own time is shown, never "now".
 */
export function buildItemReport(item: StoredItem): ReportDocument {
  const meta = { source: `goodput report ${item.id}`, ...(item.createdAt === null ? {} : { createdAt: item.createdAt }) };
  switch (item.kind) {
    case "readout":
      return buildReadoutReport(item.json, meta);
    case "decision":
      return buildDecisionReport(item.json, meta);
    case "experiment": {
      // The store's experiment item → what `goodput experiment show` hands its report builder (src/cli/commands/experiment.ts).
      const stored = item.json as { readonly name: string; readonly config: { readonly evidenceBoundary?: string } | null; readonly matrix: readonly unknown[]; readonly decision: unknown };
      if (stored.matrix.length === 0) return { title: `Experiment ${item.id}`, ...meta, sections: [{ title: "No runs", blocks: [{ kind: "paragraph", text: `No runs stored for ${item.id} yet; run goodput experiment run --experiment ${item.id}.` }] }] };
      return reportFor(commandOfKind.experiment, { experiment: stored.name, rows: stored.matrix, decision: stored.decision, evidenceBoundary: stored.config?.evidenceBoundary ?? "not recorded" }, item, meta);
    }
    case "run": {
      // Runs measured on a live target hold the load generator's summary, not the simulator's: draw them with bench's report.
      const live = liveRunReportInput(item.json);
      return live === null ? reportFor(commandOfKind.run, item.json, item, meta) : buildReportForCommand(["bench"], live, meta);
    }
  }
}

/**
 * The bench report input of a stored live-target run, or null for a simulator run: a `goodput bench` run stores its
 * whole report (with points); an `experiment run --target URL` cell stores one load summary (latencies.ttftMs).
 */
export function liveRunReportInput(json: unknown): Record<string, unknown> | null {
  if (typeof json !== "object" || json === null) return null;
  const run = json as { readonly summary?: unknown; readonly config?: unknown; readonly target?: unknown; readonly case?: unknown; readonly profile?: unknown; readonly cdf?: unknown };
  const summary = run.summary as { readonly points?: unknown; readonly latencies?: { readonly ttftMs?: unknown } } | null | undefined;
  if (typeof summary !== "object" || summary === null) return null;
  const cdf = Array.isArray(run.cdf) ? { cdf: run.cdf } : {};
  if (Array.isArray(summary.points)) return { ...(summary as Record<string, unknown>), ...cdf };
  if (summary.latencies?.ttftMs === undefined) return null;
  const config = (typeof run.config === "object" && run.config !== null ? run.config : {}) as { readonly model?: unknown; readonly ratePerSecond?: unknown };
  const mode = typeof config.ratePerSecond === "number" ? { kind: "open", ratePerSecond: config.ratePerSecond } : null;
  return { target: run.target, model: config.model ?? "unknown", points: [{ label: `${String(run.case)} × ${String(run.profile)}`, mode, stopReason: "completed", summary }], ...cdf };
}

function reportFor(command: readonly string[], input: unknown, item: StoredItem, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  return hasReportBuilder(command) ? buildReportForCommand(command, input, meta) : fallbackReport(item, meta);
}

function fallbackReport(item: StoredItem, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  return { title: `${item.kind} ${item.id}`, ...meta, sections: [{ title: "Stored JSON", blocks: [{ kind: "paragraph", text: JSON.stringify(item.json, null, 2) }] }] };
}
