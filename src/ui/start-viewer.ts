import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isGoodputError } from "../errors.js";
import { escapeHtml } from "../report/escape-html.js";
import { renderReportHtml, renderReportMarkdown } from "../report/render-report.js";
import type { StoredItem, StoredItemSummary } from "../store/lab-store.js";
import { buildItemReport } from "./build-item-report.js";
import { renderIndexPage } from "./render-index-page.js";
import { routeRequest } from "./route-request.js";

/** The store as the viewer sees it: two read-only queries. */
export interface ViewerStore {
  readonly listItems: () => Promise<StoredItemSummary[]>;
  readonly getItem: (id: string) => Promise<StoredItem | null>;
}

export interface ViewerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Shown on the index page. */
  readonly home: string;
  /**
   * Only answer requests whose Host header names the loopback address it listens on (127.0.0.1, localhost, [::1] with its
   * port). A web page the user visits could otherwise point its own domain at 127.0.0.1 (DNS rebinding) and read the store
   * through the browser. Off for --allow-remote, where the host is whatever name the server is reached by.
   */
  readonly loopbackHostOnly: boolean;
  /** Opens the store for one request and closes it after, so the viewer never holds the DuckDB file between requests. */
  readonly withStore: <T>(use: (store: ViewerStore) => Promise<T>) => Promise<T>;
}

export interface RunningViewer {
  readonly url: string;
  readonly close: () => Promise<void>;
}

/**
 * Same policy as the report files' meta tag, as a header: nothing may be fetched or run — inline styles and data: images
 * (the Markdown view's charts) only. nosniff keeps browsers from guessing a type other than the one sent.
 */
const securityHeaders = {
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
} as const;

function send(response: ServerResponse, method: string | undefined, status: number, contentType: string, body: string, extra: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, "utf8");
  response.writeHead(status, { ...securityHeaders, "Content-Type": contentType, "Content-Length": String(bytes.length), ...extra });
  response.end(method === "HEAD" ? undefined : bytes);
}

function errorPage(status: number, message: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${status}</title></head><body><h1>${status}</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to the index</a></p></body></html>\n`;
}

/**
 * The last page served for each URL. While a run holds the store's write lock longer than the viewer waits, the viewer
 * answers with this copy (marked stale in a header) rather than an error: a slightly old page beats none.
 */
class StalePages {
  private readonly pages = new Map<string, { readonly contentType: string; readonly body: string }>();
  constructor(private readonly limit: number) {}

  remember(url: string, contentType: string, body: string): void {
    this.pages.delete(url);
    this.pages.set(url, { contentType, body });
    const oldest = this.pages.keys().next();
    if (this.pages.size > this.limit && oldest.done !== true) this.pages.delete(oldest.value);
  }

  recall(url: string): { readonly contentType: string; readonly body: string } | undefined {
    return this.pages.get(url);
  }
}

async function handle(request: IncomingMessage, response: ServerResponse, options: ViewerOptions, allowedHosts: ReadonlySet<string> | null, stale: StalePages): Promise<void> {
  const route = routeRequest(request.method, request.url);
  const html = "text/html; charset=utf-8";
  if (allowedHosts !== null && !allowedHosts.has((request.headers.host ?? "").toLowerCase())) {
    send(response, request.method, 403, html, errorPage(403, "This viewer answers only requests addressed to its loopback address (Host 127.0.0.1 or localhost)."));
    return;
  }
  switch (route.kind) {
    case "method-not-allowed":
      send(response, request.method, 405, html, errorPage(405, "The viewer is read-only: GET and HEAD only."), { Allow: "GET, HEAD" });
      return;
    case "not-found":
      send(response, request.method, 404, html, errorPage(404, "No such page. The viewer serves / and /item/ID only."));
      return;
    case "index": {
      const items = await options.withStore((store) => store.listItems());
      const page = renderIndexPage(items, options.home);
      stale.remember(request.url ?? "/", html, page);
      send(response, request.method, 200, html, page);
      return;
    }
    case "item": {
      const item = await options.withStore((store) => store.getItem(route.id));
      if (item === null) {
        send(response, request.method, 404, html, errorPage(404, `No stored item has the id "${route.id}". The index at / lists every id.`));
        return;
      }
      const doc = buildItemReport(item);
      // Markdown as text/plain: browsers show it instead of downloading it; the bytes are the same as goodput report --out FILE.md.
      const [contentType, page] = route.format === "md" ? ["text/plain; charset=utf-8", await renderReportMarkdown(doc)] : [html, await renderReportHtml(doc)];
      stale.remember(request.url ?? "/", contentType, page);
      send(response, request.method, 200, contentType, page);
      return;
    }
  }
}

/** Starts the read-only viewer (node:http) and resolves once it listens. */
export async function startViewer(options: ViewerOptions): Promise<RunningViewer> {
  let allowedHosts: ReadonlySet<string> | null = null;
  const stale = new StalePages(256);
  const server = createServer((request, response) => {
    handle(request, response, options, allowedHosts, stale).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (isGoodputError(error) && error.code === "STORE_BUSY") {
        const page = stale.recall(request.url ?? "/");
        if (page !== undefined) send(response, request.method, 200, page.contentType, page.body, { "X-Goodput-Stale": "store busy; this is the last page served for this address" });
        else send(response, request.method, 503, "text/html; charset=utf-8", errorPage(503, `The lab store is busy (a run is writing); reload in a moment. ${message}`), { "Retry-After": "2" });
        return;
      }
      send(response, request.method, 500, "text/html; charset=utf-8", errorPage(500, `Could not render this page: ${message}`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  if (options.loopbackHostOnly) allowedHosts = new Set(["127.0.0.1", "localhost", "[::1]"].map((name) => `${name}:${address.port}`));
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
