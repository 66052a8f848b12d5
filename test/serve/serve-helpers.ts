import { request as httpRequest } from "node:http";
import { startSimulatedServer, type SimulatedServer, type SimulatedServerOptions } from "../../src/serve/start-simulated-server.js";

/** Starts a real server on 127.0.0.1, port 0. */
export function startTestServer(options: SimulatedServerOptions = {}): Promise<SimulatedServer> {
  return startSimulatedServer({ port: 0, host: "127.0.0.1", ...options });
}

export interface TimedEvent {
  readonly data: string;
  /** ms since the request was sent. */
  readonly atMs: number;
}

/** POSTs a JSON body and reads the SSE stream event by event, timing each one. */
export async function streamEvents(url: string, body: object): Promise<{ status: number; events: TimedEvent[] }> {
  const t0 = performance.now();
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const events: TimedEvent[] = [];
  if (!response.body) return { status: response.status, events };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
    if (done) break;
    const atMs = performance.now() - t0;
    buffer += decoder.decode(value, { stream: true });
    let boundary = buffer.indexOf("\n\n");
    while (boundary >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      for (const line of block.split("\n")) if (line.startsWith("data: ")) events.push({ data: line.slice(6), atMs });
      boundary = buffer.indexOf("\n\n");
    }
  }
  return { status: response.status, events };
}

interface ContentEvent { readonly text: string; readonly atMs: number }

/** The content-bearing events of a completion or chat stream, and the parsed JSON of every event. */
export function contentEvents(events: readonly TimedEvent[]): { content: ContentEvent[]; chunks: Record<string, unknown>[] } {
  const chunks = events.filter((event) => event.data !== "[DONE]").map((event) => JSON.parse(event.data) as Record<string, unknown>);
  const content: ContentEvent[] = [];
  events.forEach((event) => {
    if (event.data === "[DONE]") return;
    const chunk = JSON.parse(event.data) as { choices?: { text?: string; delta?: { content?: string } }[] };
    const text = chunk.choices?.[0]?.delta?.content ?? chunk.choices?.[0]?.text ?? "";
    if (text !== "") content.push({ text, atMs: event.atMs });
  });
  return { content, chunks };
}

/** One Prometheus sample: name, labels, value. */
export interface Sample { readonly name: string; readonly labels: Record<string, string>; readonly value: number }

/**
 * A tiny parser of the Prometheus text format (0.0.4): HELP/TYPE comments and `name{labels} value`
 * lines. Throws on anything else, and on a sample whose metric has no TYPE line.
 */
export function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string>; helps: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      (comment[1] === "HELP" ? helps : types).set(comment[2] ?? "", comment[3] ?? "");
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a Prometheus line: ${line}`);
    const name = sample[1] ?? "";
    const family = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
    const isHistogramPart = family !== undefined && types.get(family) === "histogram";
    if (!types.has(name) && !isHistogramPart) throw new Error(`sample ${name} has no # TYPE line before it`);
    const labels: Record<string, string> = {};
    for (const match of (sample[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[match[1] ?? ""] = match[2] ?? "";
    samples.push({ name, labels, value: Number(sample[3]) });
  }
  return { samples, types, helps };
}

/** Sum of a metric's samples. */
export function metricValue(samples: readonly Sample[], name: string): number {
  return samples.filter((sample) => sample.name === name).reduce((sum, sample) => sum + sample.value, 0);
}

/** Sends a request with its path exactly as given (no client-side normalisation of "..", unlike fetch and curl). */
export function rawRequest(url: string, method: string, path: string, body?: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, method, path, headers: body === undefined ? {} : { "content-type": "application/json" } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => { resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }); });
    });
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * A clock the test moves by hand, for a server whose simulated time must not depend on how fast
 * this machine is: frozen until `run` starts it, then moved `stepMs` per timer turn.
 */
export function manualClock(): { nowMs: () => number; advance: (ms: number) => void } {
  let now = 0;
  return { nowMs: () => now, advance: (ms) => { now += ms; } };
}

/** Resolves once `condition()` holds, checking on every macrotask turn (bounded by `maxTurns`). */
export async function waitFor(condition: () => boolean, maxTurns = 100_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error("waitFor: condition never held");
}

/** Moves `clock` by `stepMs` every macrotask turn until `done` settles; returns its value. */
export async function pumpUntil<T>(clock: { advance: (ms: number) => void }, stepMs: number, done: Promise<T>): Promise<T> {
  const state = { settled: false };
  const result = done.finally(() => { state.settled = true; });
  while (!state.settled) {
    clock.advance(stepMs);
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
  return result;
}
