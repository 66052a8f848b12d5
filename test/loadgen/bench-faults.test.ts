import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBench } from "../../src/loadgen/run-bench.js";
import { LabStore } from "../../src/store/lab-store.js";
import { buildItemReport } from "../../src/ui/build-item-report.js";
import { contentChunk, doneChunk, playStream, sleep, sse, startStream, startScriptedServer, usageChunk, type ScriptedServer } from "./scripted-server.js";
import { bench } from "./bench-test-helpers.js";

let server: ScriptedServer;
const ok = (res: Parameters<Parameters<typeof startScriptedServer>[0]>[1]) => playStream(res, [{ afterMs: 1, data: contentChunk("a") + contentChunk(" b", "length") + usageChunk(2) + doneChunk }]);

/** The fault each request gets, by its position in the run (request i of a 10-request cycle). */
const faults = ["5xx", "429", "reset", "malformed", "no-done", "stall", "slow-bytes", "huge", "503", "bad-usage"] as const;

beforeAll(async () => {
  server = await startScriptedServer(async (req, res) => {
    await handle(req, res);
  });
});
afterAll(() => server.close());

async function handle(req: Parameters<Parameters<typeof startScriptedServer>[0]>[0], res: Parameters<Parameters<typeof startScriptedServer>[0]>[1]): Promise<unknown> {
  {
    const url = req.url ?? "";
    if (url.endsWith("/v1/models")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: [{ id: "m" }] }));
      return;
    }
    if (url === "/metrics") {
      res.writeHead(404);
      res.end();
      return;
    }
    if (url.startsWith("/fail")) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end('{"error":{"message":"down"}}');
      return;
    }
    if (!url.startsWith("/faults")) return ok(res);
    // Closed loop with one request in flight: the k-th request to arrive is request k and meets fault k mod 10.
    const arrived = server.seen.filter((entry) => entry.url.startsWith("/faults")).length - 1;
    const fault = faults[arrived % faults.length];
    switch (fault) {
      case "5xx":
        res.writeHead(500, { "content-type": "application/json" });
        return res.end(JSON.stringify({ error: { message: "internal" } }));
      case "429":
        res.writeHead(429, { "content-type": "application/json", "retry-after": "2" });
        return res.end(JSON.stringify({ error: { message: "slow down" } }));
      case "reset":
        startStream(res);
        res.write(contentChunk("a"));
        await sleep(5);
        return res.socket?.destroy();
      case "malformed":
        return playStream(res, [{ afterMs: 1, data: "data: {not json\n\n" + doneChunk }]);
      case "no-done":
        return playStream(res, [{ afterMs: 1, data: contentChunk("a") }]);
      case "stall":
        startStream(res);
        res.write(contentChunk("a"));
        return; // never ends: the client's --timeout must end it
      case "slow-bytes": {
        startStream(res);
        const text = contentChunk("a") + contentChunk(" b", "length") + usageChunk(2) + doneChunk;
        // A dozen small pieces, each split mid-event, a timer tick apart (far inside the 2 s timeout).
        const piece = Math.ceil(text.length / 12);
        for (let start = 0; start < text.length; start += piece) {
          res.write(text.slice(start, start + piece));
          await sleep(1);
        }
        return res.end();
      }
      case "huge":
        res.writeHead(500, { "content-type": "text/plain" });
        return res.end("E".repeat(5 * 1024 * 1024));
      case "503":
        res.writeHead(503, { "content-type": "application/json" });
        return res.end(JSON.stringify({ error: { message: "queue full" } }));
      case "bad-usage":
        return playStream(res, [{ afterMs: 1, data: contentChunk("a", "length") + sse({ choices: [], usage: { prompt_tokens: 3, completion_tokens: -5 } }) + doneChunk }]);
      default:
        return ok(res);
    }
  }
}


const lines = (path: string): Record<string, unknown>[] => readFileSync(path, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);

describe("bench against misbehaving servers (#16 fault injection)", () => {
  it("every request is recorded with a status, counts add up, nothing is lost", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-faults-"));
    // Closed loop, one at a time: request k meets fault k mod 10, whatever the timing.
    const report = await runBench({
      target: `${server.url}/faults`, model: "m", plan: { kind: "points", modes: [{ kind: "closed", concurrency: 1 }] },
      requests: 20, outputTokens: 2, timeoutSeconds: 2, metricsIntervalSeconds: 0, startedAtUnixMs: Date.UTC(2026, 0, 1), now: () => performance.now(), outDir: dir,
    });
    const summary = report.points[0]?.summary;
    const records = lines(join(dir, "requests.jsonl"));
    const details = lines(join(dir, "request-details.jsonl"));
    expect(records).toHaveLength(20);
    expect(details).toHaveLength(20);
    expect(new Set(records.map((record) => record.request_id)).size).toBe(20);
    const { ok: okCount, error, incomplete, dropped } = summary?.statuses ?? { ok: 0, error: 0, incomplete: 0, dropped: 0 };
    expect(okCount + error + incomplete + dropped).toBe(20);
    const byFault = new Map(details.map((row) => [faults[Number(row.request_id) % faults.length], row.outcome]));
    expect(Object.fromEntries(byFault)).toEqual({
      "5xx": "error:http",
      "429": "error:http",
      reset: "error:transport",
      malformed: "error:stream-error",
      "no-done": "incomplete:no-finish-reason",
      stall: "incomplete:timeout",
      "slow-bytes": "ok",
      huge: "error:http",
      "503": "dropped:http-503",
      "bad-usage": "error:bad-usage",
    });
    expect(summary?.statuses).toEqual({ ok: 2, error: 12, incomplete: 4, dropped: 2 });
    // The 5 MB error page is cut, not kept; impossible usage never gives negative tokens.
    expect(Math.max(...details.map((row) => (typeof row.message === "string" ? row.message : "").length))).toBeLessThan(400);
    expect(records.every((record) => Number(record.output_tokens) >= 0)).toBe(true);
    expect(records.every((record) => record.cost_usd === null)).toBe(true);
  });
});

describe("goodput bench exits and labels (#16, #18)", () => {
  it("an unreachable target is named as such (exit 2), not 'lists none; pass --model'", async () => {
    const { code, error } = await bench(["--target", "http://127.0.0.1:1", "--rate", "5", "--requests", "3"]);
    expect(code).toBe(2);
    expect(error?.message).toMatch(/--target http:\/\/127\.0\.0\.1:1\/: nothing answers at .*ECONNREFUSED/);
  });

  it("exits 1 when every request failed", async () => {
    const { code, stderr } = await bench(["--target", `${server.url}/fail`, "--model", "m", "--rate", "50", "--requests", "4", "--metrics-interval", "0"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/none of the 4 measured requests succeeded \(error:http 4\)/);
  });

  it.each([
    // Beyond the CLI-wide count bound (src/cli/count-limits.ts) the shared parser refuses first; between that and
    // bench's own bound (2,000,000 prompt tokens), bench's check does.
    [["--prompt-tokens", "99999999999999999999"], /--prompt-tokens: 99999999999999999999 is above the limit of 10,000,000/],
    [["--prompt-tokens", "3000000"], /--prompt-tokens: "3000000" is above the largest accepted value 2,000,000/],
    [["--timeout", "2147484"], /--timeout: "2147484" is above the largest accepted value 86,400/],
    [["--requests", "99999999999999999999"], /--requests: .* is above the limit of 10,000,000/],
    [["--warmup", "50", "--duration", "2"], /--warmup 50 would take every request: --rate 5 × --duration 2 s schedules about 10/],
    [["--gpu-price", "2"], /add --gpus/],
    [["--sessions", "99999999999999"], /--sessions: .* 2 to 1000/],
  ])("bounds every count flag: %j → exit 2", async (extra, message) => {
    const { code, error } = await bench(["--target", "http://127.0.0.1:1", "--model", "m", "--rate", "5", ...extra]);
    expect(code).toBe(2);
    expect(error?.message).toMatch(message);
  });

  it("writes no credential of the target URL; --arm labels every record; run.json gives the wall-clock start; no progress lines off a terminal", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-arm-"));
    const target = server.url.replace("http://", "http://user:hunter2@") + "/?api_key=QSECRET";
    const { code, stdout, stderr } = await bench(["--target", target, "--model", "m", "--rate", "20", "--requests", "25", "--arm", "treatment", "--out", dir, "--metrics-interval", "0", "--json"]);
    expect(code).toBe(0);
    const files = ["summary.json", "run.json", "requests.jsonl", "request-details.jsonl"].map((name) => readFileSync(join(dir, name), "utf8")).join("\n") + stdout;
    expect(files).not.toContain("QSECRET");
    expect(files).not.toContain("hunter2");
    expect(lines(join(dir, "requests.jsonl")).every((record) => record.arm === "treatment")).toBe(true);
    const meta = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as { startedAt: string; arm: string };
    expect(meta.arm).toBe("treatment");
    expect(Math.abs(Date.parse(meta.startedAt) - Date.now())).toBeLessThan(60_000);
    expect((JSON.parse(stdout) as { startedAt: string }).startedAt).toBe(meta.startedAt);
    // 25 requests at 20/s run > 1 s: today's per-second progress line would be in stderr.
    expect(stderr).not.toMatch(/done|sent \d/);
  });

  it("a priced run gets its cost and is stored in the lab, and its viewer item renders", async () => {
    const home = mkdtempSync(join(tmpdir(), "goodput-lab-"));
    const { code, stdout } = await bench(["--target", server.url, "--model", "m", "--rate", "50", "--requests", "5", "--gpu-price", "3.6", "--gpus", "2", "--metrics-interval", "0", "--json"], { GOODPUT_HOME: home });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { runId: string; points: { summary: { durationSeconds: number }; cost: { usd: number } }[] };
    const point = report.points[0];
    // 3.6 $/GPU-h × 2 GPUs = $0.002 per second of the point's duration.
    expect(point?.cost.usd).toBeCloseTo(0.002 * (point?.summary.durationSeconds ?? NaN), 12);
    const store = await LabStore.open(home);
    try {
      const item = await store.getItem(report.runId);
      expect(item?.kind).toBe("run");
      expect(await store.requestCount(report.runId)).toBe(5);
      expect(JSON.stringify(buildItemReport(item!))).toContain("rate=50/s");
    } finally {
      store.close();
    }
  });

  it("SIGTERM stops the run like Ctrl-C and keeps a partial summary marked interrupted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-term-"));
    const running = bench(["--target", server.url, "--model", "m", "--rate", "10", "--arrivals", "constant", "--requests", "200", "--out", dir, "--metrics-interval", "0"]);
    await sleep(700);
    process.emit("SIGTERM");
    const { code, stderr } = await running;
    expect(code).toBe(0);
    expect(stderr).toContain("terminated: stopping the schedule");
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { interrupted: boolean };
    expect(summary.interrupted).toBe(true);
    expect(lines(join(dir, "requests.jsonl")).length).toBeLessThan(200);
  });
});
