/**
 * A soak run against a simulated server: many streaming requests over real sockets, a seeded share
 * of whose clients hang up mid-stream. Returns what a leak or a
 * stuck engine would change: process memory before and after, requests completed and cut, and the
 * server's in-flight count and engine gauges afterwards. Shared by test/serve/soak.test.ts (short)
 * and bench/serve-soak.ts (long).
 */
import { request as httpRequest } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createRng } from "../src/numeric/rng.js";
import type { SimulatedServer } from "../src/serve/start-simulated-server.js";

export interface SoakOptions {
  readonly requests: number;
  readonly concurrency: number;
  /** Share of clients that disconnect mid-stream, after 1 to ¾ · maxTokens tokens (uniform). */
  readonly disconnectFraction: number;
  readonly maxTokens: number;
  readonly seed: number;
  /**
   * A server on an injected clock (tests): the soak moves it `stepMs` per event-loop turn, so
   * simulated time advances by turns, not by wall time, and a loaded machine changes nothing.
   */
  readonly clock?: { readonly advance: (ms: number) => void; readonly stepMs: number };
}

export interface SoakFigures {
  readonly requests: number;
  readonly completed: number;
  /** Clients that hung up before they had the whole response. */
  readonly disconnects: number;
  /** Requests the server aborted in its simulated engine (a hang-up that raced the last bytes is not). */
  readonly aborted: number;
  /** Completed responses whose token count was not max_tokens. */
  readonly wrongLength: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  readonly wallSeconds: number;
  readonly inFlightAfter: number;
  readonly gaugesAfter: { readonly running: number; readonly waiting: number; readonly kvUsage: number };
}


/** Heap in use after a full collection (gc exposed at run time), so garbage does not read as a leak. */
function collectedHeapBytes(): number {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  return process.memoryUsage().heapUsed;
}

type Outcome = "completed" | "cut" | "wrong-length";

/** One request; `cutAfterTokens` null = read to the end, else hang up once that many tokens arrived. */
function oneRequest(url: URL, index: number, maxTokens: number, cutAfterTokens: number | null): Promise<Outcome> {
  return new Promise((resolve) => {
    let text = "";
    const client = httpRequest({ host: url.hostname, port: url.port, method: "POST", path: "/v1/completions", agent: false, headers: { "content-type": "application/json" } }, (response) => {
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
        if (cutAfterTokens !== null && (text.match(/"text":" tok"/g) ?? []).length >= cutAfterTokens && !text.includes("[DONE]")) {
          client.destroy();
          resolve("cut");
        }
      });
      response.on("end", () => { resolve((text.match(/"text":" tok"/g) ?? []).length === maxTokens ? "completed" : "wrong-length"); });
    });
    client.on("error", () => { resolve("cut"); });
    client.end(JSON.stringify({ prompt: `soak request ${index}: ${"context ".repeat(index % 50)}`, max_tokens: maxTokens, stream: true }));
  });
}

/** Runs the soak against `server`; `scrape` reads the engine gauges after it. */
export async function runServeSoak(server: SimulatedServer, options: SoakOptions): Promise<SoakFigures> {
  const url = new URL(server.url);
  // The project's seeded generator, so the soak's disconnect pattern is the same every run.
  const rng = createRng(options.seed, "bench/serve-soak");
  const random = (): number => rng.next();
  const latestCut = Math.max(1, Math.floor((options.maxTokens * 3) / 4));
  const plan = Array.from({ length: options.requests }, () => (random() < options.disconnectFraction ? 1 + Math.floor(random() * latestCut) : null));
  const heapBeforeBytes = collectedHeapBytes();
  const rssBeforeBytes = process.memoryUsage().rss;
  const abortedBefore = server.requestsAborted();
  const started = performance.now();
  const counts = { completed: 0, cut: 0, "wrong-length": 0 };
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < plan.length; index = next++) counts[await oneRequest(url, index, options.maxTokens, plan[index] ?? null)]++;
  };
  const lanes = Promise.all(Array.from({ length: options.concurrency }, lane));
  const { clock } = options;
  if (clock) {
    const state = { done: false };
    void lanes.finally(() => { state.done = true; });
    while (!state.done) {
      clock.advance(clock.stepMs);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  await lanes;
  // Let the server see the last hang-ups.
  for (let turn = 0; turn < 1000 && server.requestsInFlight() > 0; turn++) {
    clock?.advance(clock.stepMs);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const gauge = (name: string): number => metrics.split("\n").filter((line) => line.startsWith(`${name}{`)).reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
  return {
    requests: options.requests,
    completed: counts.completed,
    disconnects: counts.cut,
    aborted: server.requestsAborted() - abortedBefore,
    wrongLength: counts["wrong-length"],
    rssBeforeBytes,
    rssAfterBytes: process.memoryUsage().rss,
    heapBeforeBytes,
    heapAfterBytes: collectedHeapBytes(),
    wallSeconds,
    inFlightAfter: server.requestsInFlight(),
    gaugesAfter: { running: gauge("vllm:num_requests_running"), waiting: gauge("vllm:num_requests_waiting"), kvUsage: gauge("vllm:kv_cache_usage_perc") },
  };
}

/** The figures as one line each, for the bench and the test's log. */
export function formatSoakFigures(figures: SoakFigures): string {
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
  return [
    `requests ${figures.requests}: completed ${figures.completed}, disconnects ${figures.disconnects} (aborted in the engine ${figures.aborted}), wrong length ${figures.wrongLength}, ${figures.wallSeconds.toFixed(1)} s wall`,
    `RSS ${mib(figures.rssBeforeBytes)} → ${mib(figures.rssAfterBytes)} MiB; heap after GC ${mib(figures.heapBeforeBytes)} → ${mib(figures.heapAfterBytes)} MiB`,
    `after: in flight ${figures.inFlightAfter}, running ${figures.gaugesAfter.running}, waiting ${figures.gaugesAfter.waiting}, KV usage ${figures.gaugesAfter.kvUsage}`,
  ].join("\n");
}
