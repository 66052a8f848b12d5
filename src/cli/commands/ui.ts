import { GoodputError } from "../../errors.js";
import { labHome } from "../../store/calibration-store.js";
import { LabStore } from "../../store/lab-store.js";
import { loadStoredItem } from "../../ui/load-stored-item.js";
import { startViewer, type ViewerStore } from "../../ui/start-viewer.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { numberOption, stringOption } from "../parse-values.js";

const loopbackHosts = new Set(["127.0.0.1", "localhost", "::1"]);
const viewerStoreWaitMs = 3000;

function portOption(context: CommandContext): number {
  const port = numberOption(context.values, "port", { rule: "nonnegative", example: "8765" }) ?? 8765;
  if (!Number.isInteger(port) || port > 65535) throw new GoodputError("BAD_USAGE", `--port: "${port}" is not a port number (0–65535; 0 picks a free port); for example --port 8765.`, { where: "--port" });
  return port;
}

/** `goodput ui`: the local read-only viewer of the lab store (docs/design.md §10). */
export const uiCommand: CommandSpec = {
  name: "ui",
  summary: "Local read-only viewer of the lab store: experiments, runs, readouts and decision records as reports",
  description:
    "Serves the lab store on http://127.0.0.1:PORT: / lists every stored item, /item/ID shows its HTML report and\n" +
    "/item/ID.md its Markdown. GET and HEAD only; ids are looked up by exact match (never used as file paths), every\n" +
    "page is sent with a Content-Security-Policy that forbids scripts and fetches; a Host header other than its loopback\n" +
    "address is refused (403), so a web page cannot reach it by DNS rebinding. Ctrl-C stops.\n" +
    "It binds to loopback by default: the store holds prompts and logs and the viewer has no login, so another interface needs --allow-remote.",
  options: {
    port: { type: "string", valueName: "N", description: "Port (default 8765; 0 picks a free one)" },
    host: { type: "string", valueName: "HOST", description: "Interface to bind (default 127.0.0.1; non-loopback needs --allow-remote)" },
    "allow-remote": { type: "boolean", description: "Allow a non-loopback --host (anyone who can reach it reads the store)" },
  },
  examples: ["goodput ui", "goodput ui --port 0"],
  async run(context) {
    // "[::1]" is how a URL writes the IPv6 loopback; the socket wants the bare address.
    const host = (stringOption(context.values, "host") ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
    if (!loopbackHosts.has(host) && context.values["allow-remote"] !== true) {
      throw new GoodputError(
        "BAD_USAGE",
        `--host ${host} is not a loopback address: the viewer has no login and the store holds prompts, logs and decisions, so anyone who can reach ${host} could read them. Use --host 127.0.0.1 (default), or add --allow-remote if you mean it.`,
        { where: "--host" },
      );
    }
    const home = labHome(context.cwd, context.env);
    const withStore = async <T>(use: (store: ViewerStore) => Promise<T>): Promise<T> => {
      // A page waits at most a few seconds for a run's write; after that the viewer serves its last copy (stale beats a 500).
      const store = await LabStore.open(home, { retry: { maxWaitMs: viewerStoreWaitMs } });
      try {
        return await use({ listItems: () => store.listItems(), getItem: (id) => loadStoredItem(store, id) });
      } finally {
        store.close();
      }
    };
    // Open once before listening: a store that cannot be opened (locked, unreadable) fails here with its reason, not on the first page.
    const items = await withStore((store) => store.listItems());
    const viewer = await startViewer({ host, port: portOption(context), home, withStore, loopbackHostOnly: loopbackHosts.has(host) });
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      context.io.stdout(`goodput ui: ${viewer.url}/ (${items.length} stored item(s) in ${home}; read-only; Ctrl-C stops)\n`);
      await stopped;
    } finally {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
      await viewer.close();
    }
    return { json: { url: viewer.url, items: items.length }, text: "viewer stopped\n" };
  },
};
