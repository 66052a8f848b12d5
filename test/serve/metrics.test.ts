import { encode } from "gpt-tokenizer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultServeFleet } from "../../src/serve/default-serve-fleet.js";
import type { SimulatedServer } from "../../src/serve/start-simulated-server.js";
import { contentEvents, manualClock, metricValue, parsePrometheus, pumpUntil, startTestServer, streamEvents, waitFor } from "./serve-helpers.js";

describe("GET /metrics speaks Prometheus with vLLM's names", () => {
  let server: SimulatedServer;
  // Simulated time moves only when a test pumps the clock, so "while it streams" holds however slow the machine.
  const clock = manualClock();
  beforeAll(async () => {
    server = await startTestServer({ nowMs: clock.nowMs });
  });
  afterAll(async () => {
    await server.close();
  });
  const scrape = async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await response.text());
  };

  it("declares every family with HELP and TYPE, one series per replica labelled model_name, engine and pool", async () => {
    const { samples, types, helps } = await scrape();
    const expected: Record<string, string> = {
      "vllm:num_requests_running": "gauge",
      "vllm:num_requests_waiting": "gauge",
      "vllm:gpu_cache_usage_perc": "gauge",
      "vllm:kv_cache_usage_perc": "gauge",
      "vllm:num_preemptions_total": "counter",
      "vllm:prefix_cache_queries_total": "counter",
      "vllm:prefix_cache_hits_total": "counter",
      "vllm:prompt_tokens_total": "counter",
      "vllm:generation_tokens_total": "counter",
    };
    for (const [name, type] of Object.entries(expected)) {
      expect(types.get(name), name).toBe(type);
      expect(helps.get(name), name).toBeTruthy();
      expect(samples.filter((sample) => sample.name === name).map((sample) => sample.labels), name).toEqual([{ model_name: "llama-3-8b", engine: "0", pool: "main" }]);
    }
  });

  it("shows a long request running while it streams, and nothing running after", async () => {
    const before = await scrape();
    const promptTokens = 1500;
    const streaming = fetch(`${server.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: Array.from({ length: promptTokens }, (_, i) => i), max_tokens: 300, stream: true }) });
    await waitFor(() => server.requestsInFlight() === 1);
    // Headers go out with the first token: pump until then, and the clock stays put while we scrape.
    const response = await pumpUntil(clock, 1, streaming);
    const reader = response.body?.getReader();
    const during = await scrape();
    expect(metricValue(during.samples, "vllm:num_requests_running")).toBe(1);
    expect(metricValue(during.samples, "vllm:num_requests_waiting")).toBe(0);
    const kv = metricValue(during.samples, "vllm:gpu_cache_usage_perc");
    expect(kv).toBeGreaterThan(0);
    expect(kv).toBeLessThan(1);
    expect(metricValue(during.samples, "vllm:kv_cache_usage_perc")).toBe(kv);
    await pumpUntil(clock, 20, (async () => { for (;;) if ((await reader?.read())?.done !== false) break; })());
    const after = await scrape();
    expect(metricValue(after.samples, "vllm:num_requests_running")).toBe(0);
    expect(metricValue(after.samples, "vllm:gpu_cache_usage_perc")).toBe(0);
    const delta = (name: string) => metricValue(after.samples, name) - metricValue(before.samples, name);
    expect(delta("vllm:generation_tokens_total")).toBe(300);
    expect(delta("vllm:prompt_tokens_total")).toBe(promptTokens);
    expect(delta("vllm:prefix_cache_queries_total")).toBe(promptTokens);
  });

  it("counts prefix-cache hits when chats share a system prompt", async () => {
    const system = "You are a meticulous assistant. ".repeat(40);
    const ask = (question: string) => pumpUntil(clock, 20, streamEvents(`${server.url}/v1/chat/completions`, { messages: [{ role: "system", content: system }, { role: "user", content: question }], max_tokens: 3, stream: true, stream_options: { include_usage: true } }));
    const before = await scrape();
    await ask("first?");
    const second = contentEvents((await ask("second?")).events).chunks.at(-1) as { usage?: { prompt_tokens_details?: { cached_tokens?: number } } };
    const after = await scrape();
    const hits = metricValue(after.samples, "vllm:prefix_cache_hits_total") - metricValue(before.samples, "vllm:prefix_cache_hits_total");
    // Whole-prompt block hashing: the shared prefix is the system message with its 3 framing tokens,
    // the user message's 3 framing tokens, then the questions' common leading tokens; whole 16-token blocks are reused.
    const firstIds = encode("first?");
    const secondIds = encode("second?");
    let common = 0;
    while (common < firstIds.length && firstIds[common] === secondIds[common]) common++;
    const prefixTokens = 3 + encode(system).length + 3 + common;
    expect(hits).toBe(Math.floor(prefixTokens / 16) * 16);
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBe(hits);
  });
});

describe("GET /metrics labels every replica of a multi-replica fleet", () => {
  it("two replicas behind round-robin: one series each (engine, pool), so uneven load shows", async () => {
    const base = defaultServeFleet();
    const [pool] = base.pools;
    if (!pool) throw new Error("default fleet has no pool");
    const fleet = { ...base, pools: [{ ...pool, replicas: 2 }] };
    const clock = manualClock(); // frozen: the three requests stay where the router put them
    const server = await startTestServer({ fleet, nowMs: clock.nowMs });
    try {
      const streams = [0, 1, 2].map((i) => streamEvents(`${server.url}/v1/completions`, { prompt: `request ${i}`, max_tokens: 3, stream: true }));
      await waitFor(() => server.requestsInFlight() === 3);
      const { samples } = parsePrometheus(await (await fetch(`${server.url}/metrics`)).text());
      const inSystem = (engine: string) => samples.filter((sample) => (sample.name === "vllm:num_requests_running" || sample.name === "vllm:num_requests_waiting") && sample.labels.engine === engine).reduce((sum, sample) => sum + sample.value, 0);
      // Round-robin sends requests 0 and 2 to replica 0, request 1 to replica 1.
      expect(inSystem("0")).toBe(2);
      expect(inSystem("1")).toBe(1);
      expect(samples.filter((sample) => sample.name === "vllm:num_requests_running").map((sample) => sample.labels)).toEqual([
        { model_name: "llama-3-8b", engine: "0", pool: "main" },
        { model_name: "llama-3-8b", engine: "1", pool: "main" },
      ]);
      await pumpUntil(clock, 5, Promise.all(streams));
    } finally {
      await server.close();
    }
  });
});
