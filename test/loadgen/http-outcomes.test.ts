import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPromptBuilder, type PromptBuilder } from "../../src/loadgen/exact-prompt.js";
import type { LoadResult } from "../../src/loadgen/load-result.js";
import { computeRequestMetrics } from "../../src/loadgen/request-metrics.js";
import { runLoad } from "../../src/loadgen/run-load.js";
import { contentChunk, doneChunk, playStream, roleChunk, sse, startScriptedServer, usageChunk, type Script, type ScriptedServer } from "./scripted-server.js";

// No upper bound on the wall clock (issue #15): a loaded machine may deliver any event late, never early.
// Each definition is checked by a lower bound the server's own pauses guarantee (an event that the
// server wrote after P ms cannot be stamped before P − 2 ms, timer granularity) — a wrong definition
// (role chunk as TTFT, first event as E2E) would fall far below it — and by exact identities between
// the recorded stamps.
const notBefore = (actual: number | null, serverPauseMs: number): void => {
  expect(actual).not.toBeNull();
  expect(actual ?? NaN).toBeGreaterThanOrEqual(serverPauseMs - 2);
};
const exactIdentities = (result: LoadResult): void => {
  const metrics = computeRequestMetrics(result);
  expect(metrics.ttfbMs ?? NaN).toBeLessThanOrEqual(metrics.ttftMs ?? NaN);
  expect(result.itlMs.reduce((sum, gap) => sum + gap, 0)).toBeCloseTo((result.lastContentMs ?? NaN) - (result.firstContentMs ?? NaN), 6);
  if (result.outputTokens > 1) expect(metrics.tpotMs ?? NaN).toBeCloseTo(((metrics.e2eMs ?? NaN) - (metrics.ttftMs ?? NaN)) / (result.outputTokens - 1), 9);
};

const scripts: Record<string, Script> = {
  // Role-only chunk at once, then three content chunks 100, 150, 200 ms after the start.
  "role-then-content": (_req, res) =>
    playStream(res, [
      { afterMs: 0, data: roleChunk() },
      { afterMs: 100, data: contentChunk("a") },
      { afterMs: 50, data: contentChunk(" b") },
      { afterMs: 50, data: contentChunk(" c", "length") + usageChunk(3) + doneChunk },
    ]),
  // Two tokens per chunk (usage says 6 over 3 events).
  "multi-token": (_req, res) =>
    playStream(res, [
      { afterMs: 20, data: contentChunk("a b") },
      { afterMs: 60, data: contentChunk(" c d") },
      { afterMs: 60, data: contentChunk(" e f", "stop") + usageChunk(6) + doneChunk },
    ]),
  "error-mid-stream": (_req, res) =>
    playStream(res, [
      { afterMs: 10, data: contentChunk("a") },
      { afterMs: 10, data: sse({ error: { message: "engine died", code: 500 } }) },
    ]),
  "no-finish-reason": (_req, res) => playStream(res, [{ afterMs: 10, data: contentChunk("a") }, { afterMs: 10, data: contentChunk(" b") + doneChunk }]),
  stall: (_req, res) => playStream(res, [{ afterMs: 20, data: contentChunk("a") }], false),
  "http-429": (_req, res) => {
    res.writeHead(429, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "rate limited" } }));
  },
  "http-500": (_req, res) => {
    res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "internal" } }));
  },
  reset: async (req, res) => {
    await playStream(res, [{ afterMs: 10, data: contentChunk("a") }], false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    req.socket.destroy();
  },
  "no-usage": (_req, res) =>
    playStream(res, [
      { afterMs: 5, data: contentChunk("hello") },
      { afterMs: 5, data: contentChunk(" world", "stop") + doneChunk },
    ]),
  "role-only": (_req, res) => playStream(res, [{ afterMs: 5, data: roleChunk() + sse({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }) + doneChunk }]),
};

let server: ScriptedServer;
let builder: PromptBuilder;

beforeAll(async () => {
  builder = await createPromptBuilder(1);
  server = await startScriptedServer((req, res, body, index) => {
    const name = (req.url ?? "").split("/")[1] ?? "";
    const script = scripts[name];
    if (!script) {
      res.writeHead(404);
      res.end();
      return;
    }
    return script(req, res, body, index);
  });
});
afterAll(() => server.close());

async function one(name: string, outputTokens = 3, timeoutSeconds = 5): Promise<LoadResult> {
  const run = await runLoad({ target: `${server.url}/${name}`, model: "m", mode: { kind: "closed", concurrency: 1 }, requests: 1, outputTokens, timeoutSeconds, now: () => performance.now(), promptBuilder: builder });
  expect(run.results).toHaveLength(1);
  const result = run.results[0];
  if (!result) throw new Error("no result");
  return result;
}

describe("sendRequest() against scripted servers (docs/design.md §6 definitions)", () => {
  it("TTFB counts the role-only chunk, TTFT the first content chunk; E2E, TPOT and ITL from content events", async () => {
    const result = await one("role-then-content");
    const metrics = computeRequestMetrics(result);
    expect(result.outcome).toEqual({ status: "ok" });
    notBefore(metrics.ttfbMs, 0);
    notBefore(metrics.ttftMs, 100);
    notBefore(metrics.e2eMs, 200);
    exactIdentities(result);
    expect(result.itlMs).toHaveLength(2);
    result.itlMs.forEach((gap) => { notBefore(gap, 50); });
    expect(result.outputTokens).toBe(3);
    expect(result.outputTokenSource).toBe("usage");
    expect(result.finishReason).toBe("length");
    expect(server.seen.at(-1)?.url).toBe("/role-then-content/v1/chat/completions");
    expect(JSON.parse(server.seen.at(-1)?.body ?? "{}")).toMatchObject({ model: "m", max_tokens: 3, stream: true, stream_options: { include_usage: true }, ignore_eos: true });
  });

  it("multi-token chunks: TPOT divides by N_out − 1 from usage, ITL is per chunk", async () => {
    const result = await one("multi-token", 6);
    const metrics = computeRequestMetrics(result);
    notBefore(metrics.ttftMs, 20);
    notBefore(metrics.e2eMs, 140);
    // N_out = 6 from usage over 3 events: TPOT divides by 5, not by 2.
    exactIdentities(result);
    expect(result.itlMs).toHaveLength(2);
    expect(result.outputTokens).toBe(6);
  });

  it("error JSON in the stream → error (stream-error)", async () => {
    const result = await one("error-mid-stream");
    expect(result.outcome).toMatchObject({ status: "error", kind: "stream-error", message: "engine died" });
    expect(result.httpStatus).toBe(200);
  });

  it("stream that ends without finish_reason → incomplete", async () => {
    expect((await one("no-finish-reason")).outcome).toMatchObject({ status: "incomplete", kind: "no-finish-reason" });
  });

  it("stall past --timeout → incomplete (timeout), TTFT still measured, ends at the timeout", async () => {
    const result = await one("stall", 3, 0.2);
    const metrics = computeRequestMetrics(result);
    expect(result.outcome).toMatchObject({ status: "incomplete", kind: "timeout" });
    notBefore(metrics.ttftMs, 20);
    notBefore(metrics.closeMs, 200);
  });

  it("429 and 500 → error with the HTTP status", async () => {
    expect(await one("http-429")).toMatchObject({ httpStatus: 429, outcome: { status: "error", kind: "http" } });
    const result = await one("http-500");
    expect(result).toMatchObject({ httpStatus: 500, outcome: { status: "error", kind: "http" } });
    expect(result.outcome.status === "error" && result.outcome.message).toMatch(/HTTP 500: .*internal/);
  });

  it("connection reset mid-stream → error (transport)", async () => {
    const result = await one("reset");
    expect(result.outcome).toMatchObject({ status: "error", kind: "transport" });
    notBefore(computeRequestMetrics(result).ttftMs, 10);
  });

  it("no usage in the stream → output tokens counted with the tokenizer", async () => {
    const result = await one("no-usage", 2);
    expect(result.outcome.status).toBe("ok");
    expect(result.outputTokenSource).toBe("tokenizer");
    expect(result.outputTokens).toBe(2);
  });

  it("role-only stream with a finish_reason but no content → error (no-content)", async () => {
    expect((await one("role-only")).outcome).toMatchObject({ status: "error", kind: "no-content" });
  });

  it("refused connection → error (transport), and the run completes", async () => {
    const run = await runLoad({ target: "http://127.0.0.1:1", model: "m", mode: { kind: "open", ratePerSecond: 100, arrivals: { kind: "constant" } }, requests: 3, now: () => performance.now(), promptBuilder: builder });
    expect(run.results.map((r) => r.outcome.status)).toEqual(["error", "error", "error"]);
    expect(run.summary.failureKinds).toEqual({ "error:transport": 3 });
  });
});
