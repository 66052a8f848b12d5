import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtInCatalog, findGpu, findModel } from "../../src/catalog/catalog.js";
import { singleGpuDeployment } from "../../src/physics/deployment.js";
import { prefillTime } from "../../src/physics/step-time.js";
import { defaultStepTimeProfile } from "../../src/physics/step-time-profile.js";
import type { SimulatedServer } from "../../src/serve/start-simulated-server.js";
import { startTestServer, streamEvents } from "./serve-helpers.js";

/**
 * Scrapes `goodput serve` with Debian's real Prometheus (apt-get install prometheus; .ci/run
 * installs it) on loopback and asks it for histogram quantiles, as a vLLM Grafana dashboard does.
 */
const hasPrometheus = spawnSync("prometheus", ["--version"], { stdio: "ignore" }).status === 0;

// vLLM's bucket upper bounds (vllm/v1/metrics/loggers.py), written out independently of the code.
const vllmTtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
const vllmRequestBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

/** Prometheus's histogram_quantile when every observation lies in one bucket: linear between its bounds. */
function quantileInOneBucket(bounds: readonly number[], value: number, q: number): number {
  const upperIndex = bounds.findIndex((bound) => value <= bound);
  const lower = upperIndex > 0 ? (bounds[upperIndex - 1] ?? 0) : 0;
  const upper = bounds[upperIndex] ?? NaN;
  return lower + (upper - lower) * q;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => { resolve(port); });
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasPrometheus)("Debian's Prometheus scrapes goodput serve's vLLM latency histograms", () => {
  let server: SimulatedServer;
  let prometheus: ChildProcess | null = null;
  let prometheusUrl = "";
  let dir = "";
  const promptTokens = 1000;
  const requests = 6;

  beforeAll(async () => {
    server = await startTestServer({ timeScale: 20 });
    // One at a time on an idle replica, each prompt distinct (no cache hits): every TTFT is one prefill step.
    for (let request = 0; request < requests; request++) {
      const prompt = Array.from({ length: promptTokens }, (_, i) => (request * 7919 + i) % 100_000);
      await streamEvents(`${server.url}/v1/completions`, { prompt, max_tokens: 4, stream: true });
    }
    dir = mkdtempSync(join(tmpdir(), "goodput-prometheus-"));
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const target = new URL(server.url).host;
    writeFileSync(join(dir, "prometheus.yml"), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: goodput-serve\n    metrics_path: /metrics\n    static_configs:\n      - targets: ["${target}"]\n`);
    prometheus = spawn("prometheus", [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
    // Bounded wait for the first successful scrape (typically 1–2 s).
    for (let attempt = 0; attempt < 150; attempt++) {
      const up = await query('up{job="goodput-serve"}').catch(() => null);
      if (up?.[0]?.value[1] === "1") return;
      await sleep(200);
    }
    throw new Error("Prometheus never scraped the simulated server within 30 s");
  }, 60_000);

  afterAll(async () => {
    prometheus?.kill("SIGTERM");
    await server.close();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  type Vector = { metric: Record<string, string>; value: [number, string] }[];
  async function query(expression: string): Promise<Vector> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expression)}`);
    const body = (await response.json()) as { status: string; data: { resultType: string; result: Vector } };
    if (body.status !== "success") throw new Error(`query failed: ${expression}`);
    return body.data.result;
  }

  it("histogram_quantile over vllm:time_to_first_token_seconds equals the quantile of the known prefill step", async () => {
    const deployment = singleGpuDeployment(findModel(builtInCatalog, "llama-3-8b"), findGpu(builtInCatalog, "h100-sxm"));
    const ttftSeconds = prefillTime(deployment, { batch: 1, promptTokens }, defaultStepTimeProfile).stepSeconds;
    const [median] = await query("histogram_quantile(0.5, sum by (le) (vllm:time_to_first_token_seconds_bucket))");
    expect(Number(median?.value[1])).toBeCloseTo(quantileInOneBucket(vllmTtftBuckets, ttftSeconds, 0.5), 9);
    const [count] = await query("sum(vllm:time_to_first_token_seconds_count)");
    expect(Number(count?.value[1])).toBe(requests);
  });

  it("queue time is zero for every request, e2e counts every request, series carry model_name, engine and pool", async () => {
    const [queueP90] = await query("histogram_quantile(0.9, sum by (le) (vllm:request_queue_time_seconds_bucket))");
    expect(Number(queueP90?.value[1])).toBeCloseTo(quantileInOneBucket(vllmRequestBuckets, 0, 0.9), 9);
    const e2e = await query("vllm:e2e_request_latency_seconds_count");
    expect(e2e.map((sample) => ({ model_name: sample.metric.model_name, engine: sample.metric.engine, pool: sample.metric.pool, value: sample.value[1] }))).toEqual([{ model_name: "llama-3-8b", engine: "0", pool: "main", value: String(requests) }]);
    // Three decode gaps per request (4 tokens), all faster than ITL's first bound (10 ms).
    const [itl] = await query("sum(vllm:inter_token_latency_seconds_bucket{le=\"0.01\"})");
    expect(Number(itl?.value[1])).toBe(requests * 3);
  });
});
