import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readApiKey } from "../../src/loadgen/api-key.js";
import { runBench } from "../../src/loadgen/run-bench.js";
import { contentChunk, doneChunk, playStream, sse, startScriptedServer, usageChunk, type ScriptedServer } from "./scripted-server.js";

const secret = "sk-test-SECRET-0123456789";
let server: ScriptedServer;
let generated = 0;

beforeAll(async () => {
  server = await startScriptedServer(async (req, res) => {
    if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`# TYPE vllm:kv_cache_usage_perc gauge\nvllm:kv_cache_usage_perc 0.4\nvllm:num_requests_running 2\nvllm:num_requests_waiting 1\nvllm:num_preemptions_total 0\n`);
      return;
    }
    const auth = req.headers.authorization ?? "";
    if (req.url?.startsWith("/slow")) {
      // 300 ms per request: an interrupt after 250 ms finds requests in flight.
      await playStream(res, [{ afterMs: 20, data: contentChunk("a") }, { afterMs: 280, data: contentChunk(" b", "length") + usageChunk(2) + doneChunk }]);
      return;
    }
    const index = generated++;
    // Faults that echo the Authorization header back, as a careless server might.
    if (index % 3 === 0) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `bad auth ${auth}` } }));
    } else if (index % 3 === 1) {
      await playStream(res, [{ afterMs: 1, data: sse({ error: { message: `stream failed for ${auth}` } }) }]);
    } else {
      await playStream(res, [{ afterMs: 1, data: contentChunk("a", "length") + usageChunk(1) + doneChunk }]);
    }
  });
});
afterAll(() => server.close());

const readAll = (dir: string): string => ["requests.jsonl", "request-details.jsonl", "server-metrics.jsonl", "summary.json"].map((name) => readFileSync(join(dir, name), "utf8")).join("\n");

describe("runBench()", () => {
  it("records faults per request, completes, scrapes /metrics, and never writes the API key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-bench-"));
    const apiKey = readApiKey({ OPENAI_API_KEY: secret });
    expect(apiKey).toBe(secret);
    const report = await runBench({
      startedAtUnixMs: Date.UTC(2026, 0, 2, 3, 4, 5),
      target: server.url,
      model: "m",
      plan: { kind: "points", modes: [{ kind: "open", ratePerSecond: 100, arrivals: { kind: "poisson" } }] },
      requests: 12,
      outputTokens: 1,
      slo: { ttftSeconds: 1 },
      metricsIntervalSeconds: 0.05,
      now: () => performance.now(),
      outDir: dir,
      ...(apiKey !== undefined ? { apiKey } : {}),
    });
    expect(server.seen.some((seen) => seen.headers.authorization === `Bearer ${secret}`)).toBe(true);
    const summary = report.points[0]?.summary;
    expect(summary?.requests).toBe(12);
    expect(summary?.failureKinds).toEqual({ "error:http": 4, "error:stream-error": 4 });
    expect(report.serverMetrics.available).toBe(true);
    const text = readAll(dir);
    expect(text).not.toContain(secret);
    expect(text).toContain("[redacted]");
    expect(JSON.stringify(report)).not.toContain(secret);
    const records = readFileSync(join(dir, "requests.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(12);
    expect(records.filter((r) => r.status === "error" && r.http_status === 500)).toHaveLength(4);
    const metricsRows = readFileSync(join(dir, "server-metrics.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(metricsRows[0]).toMatchObject({ kvCacheUsage: 0.4, running: 2, waiting: 1, preemptionsTotal: 0 });
    expect(metricsRows.some((row) => row.label === "rate=100/s")).toBe(true);
  });

  it("an interrupt keeps finished records, cancels in-flight ones as incomplete and marks summary.json interrupted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-bench-"));
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 450);
    const startMs = performance.now();
    const report = await runBench({
      startedAtUnixMs: Date.UTC(2026, 0, 2, 3, 4, 5),
      target: `${server.url}/slow`,
      model: "m",
      plan: { kind: "points", modes: [{ kind: "open", ratePerSecond: 20, arrivals: { kind: "constant" } }] },
      requests: 200,
      outputTokens: 2,
      metricsIntervalSeconds: 0,
      cancelGraceMs: 100,
      signal: controller.signal,
      now: () => performance.now(),
      outDir: dir,
    });
    expect(performance.now() - startMs).toBeLessThan(1500);
    expect(report.interrupted).toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { interrupted: boolean; points: { stopReason: string; summary: { statuses: { ok: number; incomplete: number } } }[] };
    expect(summary.interrupted).toBe(true);
    expect(summary.points[0]?.stopReason).toBe("interrupted");
    expect(summary.points[0]?.summary.statuses.ok).toBeGreaterThanOrEqual(2);
    expect(summary.points[0]?.summary.statuses.incomplete).toBeGreaterThanOrEqual(1);
    const records = readFileSync(join(dir, "requests.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { status: string });
    expect(records.length).toBeLessThan(20);
    expect(records.filter((r) => r.status === "incomplete").length).toBeGreaterThanOrEqual(1);
    const details = readFileSync(join(dir, "request-details.jsonl"), "utf8");
    expect(details).toContain("incomplete:cancelled");
  });
});
