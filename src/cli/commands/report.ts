import { resolve } from "node:path";
import { nearestNames } from "../../catalog/_nearest-names.js";
import { GoodputError } from "../../errors.js";
import { renderReportMarkdown } from "../../report/render-report.js";
import { writeReport } from "../../report/write-report.js";
import { labHome } from "../../store/calibration-store.js";
import { LabStore, type StoredItemSummary } from "../../store/lab-store.js";
import { buildItemReport } from "../../ui/build-item-report.js";
import { loadStoredItem } from "../../ui/load-stored-item.js";
import type { CommandSpec } from "../command.js";
import { stringOption } from "../parse-values.js";

function listText(items: readonly StoredItemSummary[], home: string): string {
  if (items.length === 0) return `The lab store at ${home} is empty: run goodput experiment run --experiment cost or goodput readout FILE first.\n`;
  const width = Math.max(...items.map((item) => item.id.length));
  return items.map((item) => `${item.kind.padEnd(10)} ${item.id.padEnd(width)}  ${item.createdAt ?? "—"}  ${item.label ?? ""}`.trimEnd()).join("\n") + "\n";
}

/** `goodput report ID`: the report of an item in the lab store (docs/design.md §9). */
export const reportCommand: CommandSpec = {
  name: "report",
  summary: "Report of a stored experiment, run, readout or decision record (HTML or Markdown); --list shows the ids",
  description:
    "Looks ID up in the lab store (exact match) and renders its report: readouts (estimates with CIs, raw vs robust,\n" +
    "checks, decision), decision records (evidence chart, guardrails, rollback triggers), experiments (cost matrix) and runs.\n" +
    "--out FILE.html writes a self-contained page (inline CSS and SVG charts, no script, nothing fetched); --out FILE.md\n" +
    "writes Markdown; without --out the Markdown goes to stdout. --list prints every id the store holds.",
  positionals: "ID",
  options: {
    out: { type: "string", valueName: "FILE", description: "Write the report to FILE.html (self-contained page) or FILE.md" },
    list: { type: "boolean", description: "List the stored ids (kind, id, time, what it is) instead of rendering one" },
  },
  examples: ["goodput report --list", "goodput report cost --out cost.html", "goodput report readout-requests.parquet-2025-01-01T00:00:00.000Z --out readout.md"],
  async run(context) {
    const home = labHome(context.cwd, context.env);
    const id = context.positionals[0];
    if (context.positionals.length > 1) throw new GoodputError("BAD_USAGE", `report takes one ID; got ${context.positionals.length} (${context.positionals.join(" ")}). Quote an id that contains spaces.`, { where: "ID" });
    const store = await LabStore.open(home);
    try {
      const items = await store.listItems();
      if (context.values.list === true || id === undefined) {
        if (id === undefined && context.values.list !== true) throw new GoodputError("BAD_USAGE", `Missing ID: goodput report ID [--out FILE.html]; goodput report --list shows the ${items.length} stored id(s).`, { where: "ID" });
        return { json: items, text: listText(items, home) };
      }
      const item = await loadStoredItem(store, id);
      if (item === null) {
        const nearest = nearestNames(id, items.map((entry) => entry.id));
        const hint = nearest.length === 0 ? "the lab store is empty" : `nearest: ${nearest.map((name) => `"${name}"`).join(", ")}`;
        throw new GoodputError("BAD_USAGE", `No stored item has the id "${id}" (${hint}); goodput report --list shows every id.`, { where: "ID" });
      }
      const doc = buildItemReport(item);
      const out = stringOption(context.values, "out");
      if (out === undefined) return { json: doc, text: await renderReportMarkdown(doc) };
      const path = resolve(context.cwd, out);
      await writeReport(path, doc);
      return { json: { id, kind: item.kind, path }, text: `${item.kind} ${id}: report written to ${path}\n` };
    } finally {
      store.close();
    }
  },
};
