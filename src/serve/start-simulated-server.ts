import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { defaultServeFleet } from "./default-serve-fleet.js";
import { sendError } from "./openai-error.js";
import type { CompletionKind } from "./completion-payloads.js";
import { prepareRequest, type ModelCatalogView, type PreparedRequest } from "./prepare-request.js";
import { readJsonBody } from "./read-json-body.js";
import { startRealtimeFleet } from "./realtime-fleet.js";
import { renderMetrics } from "./render-metrics.js";
import { serveCompletion, type ActiveCompletion } from "./serve-completion.js";
import type { ServeFleet } from "./serve-fleet.js";

export interface SimulatedServerOptions {
  /** The simulated fleet; default: one H100 replica of llama-3-8b (defaultServeFleet). */
  readonly fleet?: ServeFleet;
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Simulated seconds per wall-clock second; default 1 (real time). */
  readonly timeScale?: number;
  /** Seed of the routers' randomness; default the fleet's. */
  readonly seed?: number;
  /** Monotonic clock in ms; default performance.now. */
  readonly nowMs?: () => number;
  /** Largest accepted request body; default 8 MiB. */
  readonly maxBodyBytes?: number;
  /** Receives one line per notable event (a request aborted because its client disconnected). */
  readonly onLog?: (line: string) => void;
}

/** A running simulated server. */
export interface SimulatedServer {
  /** Base URL, e.g. http://127.0.0.1:8000 (the OpenAI API lives under /v1). */
  readonly url: string;
  readonly port: number;
  readonly models: readonly string[];
  /** Requests answered or ended so far. */
  requestsServed(): number;
  /** Requests aborted because their client disconnected before the response ended. */
  requestsAborted(): number;
  /** Requests in the simulated fleet now (0 once every response has ended or been aborted). */
  requestsInFlight(): number;
  /** Stops accepting, ends in-flight requests with 503 and resolves once the server has closed. */
  close(): Promise<void>;
  /** Resolves when the server has closed (by close() or otherwise). */
  readonly closed: Promise<void>;
}

type Route = "models" | "completions" | "chat" | "metrics" | "health";

/** Exact paths only: no normalisation, so "/v1/../x" or "%2e%2e" never match anything. */
const routes: Readonly<Record<string, { readonly route: Route; readonly method: "GET" | "POST" }>> = {
  "/v1/models": { route: "models", method: "GET" },
  "/v1/completions": { route: "completions", method: "POST" },
  "/v1/chat/completions": { route: "chat", method: "POST" },
  "/metrics": { route: "metrics", method: "GET" },
  "/health": { route: "health", method: "GET" },
};

/** Reads and validates a completion body; null once its error (400, 413, 404, or 503 while closing) has been sent. */
async function readAndPrepare(kind: CompletionKind, request: IncomingMessage, response: ServerResponse, context: { readonly maxBodyBytes: number; readonly catalog: ModelCatalogView; readonly closing: boolean }): Promise<PreparedRequest | null> {
  const body = await readJsonBody(request, context.maxBodyBytes);
  if (!body.ok) {
    sendError(response, body.httpStatus, { message: body.message, type: "invalid_request_error", param: null, code: body.httpStatus === 413 ? "body_too_large" : "invalid_json" }, body.httpStatus === 413 ? { connection: "close" } : {});
    return null;
  }
  const prepared = prepareRequest(kind, body.value, context.catalog);
  if (!prepared.ok) {
    sendError(response, prepared.httpStatus, prepared.error);
    return null;
  }
  if (context.closing) {
    sendError(response, 503, { message: "The server is shutting down.", type: "server_error", param: null, code: "shutting_down" });
    return null;
  }
  return prepared.request;
}

/** The route of an exact path and an allowed method; null once a 404 or 405 has been sent. */
function resolveRoute(request: IncomingMessage, response: ServerResponse): Route | null {
  const path = (request.url ?? "/").split("?")[0] ?? "/";
  const entry = Object.hasOwn(routes, path) ? routes[path] : undefined;
  if (!entry) {
    sendError(response, 404, { message: `No route ${JSON.stringify(path.slice(0, 200))}; this server serves ${Object.keys(routes).join(", ")}.`, type: "invalid_request_error", param: null, code: "not_found" });
    return null;
  }
  if (request.method !== entry.method && !(entry.method === "GET" && request.method === "HEAD")) {
    sendError(response, 405, { message: `${request.method ?? "?"} is not allowed on ${path}; use ${entry.method}.`, type: "invalid_request_error", param: null, code: "method_not_allowed" }, { allow: entry.method });
    return null;
  }
  return entry.route;
}

/** A 200 with its body and length. */
function sendBody(response: ServerResponse, contentType: string, body: string): void {
  response.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  response.end(body);
}

/** Binds `server`; rejects with the bind error (port in use, bad host). */
function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

const formatUrl = (host: string, port: number): string => `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

/**
 * Starts an OpenAI-compatible HTTP server backed by the fleet simulator in real time (docs/design.md §6):
 * /v1/models, /v1/completions and /v1/chat/completions (streaming or not), /metrics with vLLM's
 * metric names, and /health.
 */
export async function startSimulatedServer(options: SimulatedServerOptions = {}): Promise<SimulatedServer> {
  const fleetSpec = options.fleet ?? defaultServeFleet();
  const nowMs = options.nowMs ?? (() => performance.now());
  const fleet = startRealtimeFleet(fleetSpec, { timeScale: options.timeScale ?? 1, seed: options.seed ?? fleetSpec.seed, nowMs });
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 2 ** 20;
  const active = new Set<ActiveCompletion>();
  const startedSeconds = Math.floor(Date.now() / 1000);
  let served = 0;
  let aborted = 0;
  let nextResponseId = 0;
  let closing = false;

  const handleCompletion = async (kind: "chat" | "text", request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const prepared = await readAndPrepare(kind, request, response, { maxBodyBytes, catalog: fleet, closing });
    if (prepared === null) {
      served++;
      return;
    }
    const id = `${kind === "chat" ? "chatcmpl" : "cmpl"}-${nextResponseId++}`;
    const meta = { kind, id, createdSeconds: Math.floor(Date.now() / 1000), model: prepared.served.model };
    const completion = serveCompletion(response, prepared, {
      fleet,
      meta,
      onDone: () => {
        served++;
        active.delete(completion);
      },
      onAbort: ({ id: abortedId, sentTokens }) => {
        aborted++;
        options.onLog?.(`Aborted request ${abortedId}: the client disconnected after ${sentTokens} streamed tokens.`);
      },
    });
    if (!response.writableEnded) active.add(completion);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const route = resolveRoute(request, response);
    switch (route) {
      case null:
        return;
      case "models":
        sendBody(response, "application/json", JSON.stringify({ object: "list", data: fleet.models.map((model) => ({ id: model, object: "model", created: startedSeconds, owned_by: "goodput", root: model, parent: null })) }));
        return;
      case "metrics":
        sendBody(response, "text/plain; version=0.0.4; charset=utf-8", renderMetrics(fleet.metrics()));
        return;
      case "health":
        response.writeHead(200, { "content-length": 0 });
        response.end();
        return;
      case "completions":
        return handleCompletion("text", request, response);
      case "chat":
        return handleCompletion("chat", request, response);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else sendError(response, 500, { message: `Internal error: ${error instanceof Error ? error.message : String(error)}`, type: "server_error", param: null, code: "internal_error" });
    });
  });
  const closed = new Promise<void>((resolve) => server.once("close", () => { resolve(); }));
  const address = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  const close = async (): Promise<void> => {
    if (!closing) {
      closing = true;
      for (const completion of [...active]) completion.abort("The server is shutting down.");
      fleet.stop();
      server.close();
      server.closeIdleConnections();
      // Connections still flushing an aborted response get a moment, then are cut.
      setTimeout(() => { server.closeAllConnections(); }, 500).unref();
    }
    await closed;
  };
  return { url: formatUrl(options.host ?? "127.0.0.1", address.port), port: address.port, models: fleet.models, requestsServed: () => served, requestsAborted: () => aborted, requestsInFlight: () => fleet.inFlight(), close, closed };
}
