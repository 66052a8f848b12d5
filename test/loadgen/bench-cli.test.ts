import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentChunk, doneChunk, playStream, startScriptedServer, usageChunk, type ScriptedServer } from "./scripted-server.js";
import { bench } from "./bench-test-helpers.js";

let server: ScriptedServer;

beforeAll(async () => {
  server = await startScriptedServer(async (req, res) => {
    if (req.url?.endsWith("/v1/models") === true) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [{ id: "served-model", object: "model" }] }));
      return;
    }
    if (req.url === "/metrics") {
      res.writeHead(404);
      res.end();
      return;
    }
    const slow = req.url?.startsWith("/slow") === true;
    await playStream(res, [{ afterMs: 5, data: contentChunk("a") }, { afterMs: slow ? 400 : 10, data: contentChunk(" b", "length") + usageChunk(2) + doneChunk }]);
  });
});
afterAll(() => server.close());


describe("goodput bench", () => {
  it("runs a rate sweep, discovers the model, prints the table with n and the legend, notes absent /metrics", async () => {
    const { code, stdout, stderr } = await bench(["--target", server.url, "--sweep-rates", "50,100", "--requests", "5", "--warmup", "2", "--output-tokens", "2", "--slo-ttft", "0.5"]);
    expect(code).toBe(0);
    expect(stdout).toContain("model served-model");
    expect(stdout).toContain("rate=50/s");
    expect(stdout).toContain("rate=100/s");
    expect(stdout).toMatch(/TTFT\s+5\s/);
    expect(stdout).toContain("TPOT = (E2E − TTFT)/(N_out − 1)");
    expect(stdout).toMatch(/server metrics: no Prometheus metrics/);
    expect(stderr).toBe("");
  });

  it("--out DIR --report: latency CDFs per load point from the run's requests.jsonl", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-bench-report-"));
    const reportPath = join(dir, "bench.md");
    const { code, stdout } = await bench(["--target", server.url, "--model", "m", "--sweep-rates", "50,100", "--requests", "6", "--output-tokens", "2", "--metrics-interval", "0", "--out", join(dir, "run"), "--report", reportPath, "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).not.toHaveProperty("cdf"); // --json output is unchanged by --report
    const markdown = readFileSync(reportPath, "utf8");
    expect(markdown).toContain("## Latency distributions");
    // One TTFT line per load point: the SVG's legend names both points' labels.
    const ttft = decodeURIComponent(/!\[[^\]]*TTFT[^\]]*\]\(data:image\/svg\+xml;charset=utf-8,([^)]*)\)/.exec(markdown)?.[1] ?? "");
    expect(ttft).toMatch(/legend[^>]*aria-label="[^"]*2 values: rate=100\/s, rate=50\/s"/);
  });

  it("--json prints the report; --find-max-rate searches with bounded probes", async () => {
    const { code, stdout } = await bench(["--target", server.url, "--model", "m", "--find-max-rate", "--rate", "20", "--arrivals", "constant", "--requests", "4", "--slo-e2e", "5", "--min-probe-seconds", "0.05", "--json", "--metrics-interval", "0"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { maxRate: { maxRatePerSecond: number; probes: unknown[] }; points: unknown[] };
    // Every probe passes a 5 s E2E SLO, so the search doubles 8 times: 20 · 2^8.
    expect(report.maxRate.maxRatePerSecond).toBe(20 * 2 ** 8);
    expect(report.maxRate.probes).toHaveLength(9);
  });

  it.each([
    [["--target", "ftp://x"], /--target: "ftp:\/\/x" must be an http/],
    [["--target", "http://127.0.0.1:1", "--model", "m"], /Missing the load: set --rate/],
    [["--target", "http://127.0.0.1:1", "--model", "m", "--rate=-3"], /--rate: "-3" is not a number greater than 0/],
    [["--target", "http://127.0.0.1:1", "--model", "m", "--rate", "2", "--concurrency", "4"], /--rate and --concurrency cannot be combined/],
    [["--target", "http://127.0.0.1:1", "--model", "m", "--rate", "2", "--arrivals", "gamma:x"], /--arrivals: "gamma:x"/],
    [["--target", "http://127.0.0.1:1", "--model", "m", "--rate", "2", "--prefix-groups", "4"], /add --prefix-tokens/],
    [["--target", "http://127.0.0.1:1", "--model", "m", "--rate", "2", "--api", "embeddings"], /--api: "embeddings"/],
    [["--target", "http://127.0.0.1:1", "--model", "m", "--find-max-rate"], /--find-max-rate needs an SLO/],
    [["--target", "http://127.0.0.1:1", "--model", "m", "--rate", "1", "--arrivals", "trace:/no/such/file"], /trace file "\/no\/such\/file" cannot be read/],
  ])("bad flags exit 2 naming the flag and value: %j", async (argv, message) => {
    const { code, error } = await bench(argv);
    expect(code).toBe(2);
    expect(error?.message).toMatch(message);
  });

  it("Ctrl-C (SIGINT) stops the schedule, keeps finished records and writes summary.json marked interrupted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-cli-"));
    const before = process.listenerCount("SIGINT");
    const running = bench(["--target", `${server.url}/slow`, "--model", "m", "--rate", "20", "--arrivals", "constant", "--requests", "200", "--out", dir, "--metrics-interval", "0"]);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    process.emit("SIGINT");
    const { code, stdout, stderr } = await running;
    expect(code).toBe(0);
    expect(stdout).toContain("INTERRUPTED");
    expect(stderr).toContain("interrupt: stopping the schedule");
    expect(process.listenerCount("SIGINT")).toBe(before);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { interrupted: boolean };
    expect(summary.interrupted).toBe(true);
    const records = readFileSync(join(dir, "requests.jsonl"), "utf8").trim().split("\n");
    expect(records.length).toBeGreaterThan(3);
    expect(records.length).toBeLessThan(30);
  });
});
