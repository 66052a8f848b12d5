import { request as httpRequest, type ClientRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { contentEvents, manualClock, metricValue, parsePrometheus, pumpUntil, startTestServer, streamEvents, waitFor } from "./serve-helpers.js";

/** Opens a completion over its own socket and keeps it open until the caller destroys it. */
function openCompletion(url: string, body: object): ClientRequest {
  const { hostname, port } = new URL(url);
  const client = httpRequest({ host: hostname, port, method: "POST", path: "/v1/completions", agent: false, headers: { "content-type": "application/json" } }, (response) => {
    response.resume();
  });
  client.on("error", () => undefined); // the test destroys it on purpose
  client.end(JSON.stringify(body));
  return client;
}

const scrape = async (url: string) => parsePrometheus(await (await fetch(`${url}/metrics`)).text()).samples;

describe("goodput serve aborts requests whose clients disconnect (as vLLM does)", () => {
  it("300 streams that hang up free every batch slot and KV block; a new request then streams at once", async () => {
    // The clock stays frozen while the 300 requests arrive, so all of them are in the simulator at
    // simulated time 0; then 256 run (max_num_seqs) and 44 wait, as in the report.
    const clock = manualClock();
    const log: string[] = [];
    const server = await startTestServer({ timeScale: 1, nowMs: clock.nowMs, onLog: (line) => log.push(line) });
    try {
      const clients = Array.from({ length: 300 }, (_, i) => openCompletion(server.url, { prompt: `client ${i} asks`, max_tokens: 4000, stream: i % 10 !== 0 }));
      await waitFor(() => server.requestsInFlight() === 300);
      // Step simulated time in small slices until the scheduler has filled its batch, then freeze it again.
      let busy = await scrape(server.url);
      for (let slice = 0; slice < 2000 && metricValue(busy, "vllm:num_requests_running") < 256; slice++) {
        clock.advance(0.5);
        await new Promise((resolve) => setTimeout(resolve, 1));
        busy = await scrape(server.url);
      }
      expect(metricValue(busy, "vllm:num_requests_running")).toBe(256);
      expect(metricValue(busy, "vllm:num_requests_waiting")).toBe(44);
      expect(metricValue(busy, "vllm:kv_cache_usage_perc")).toBeGreaterThan(0);

      for (const client of clients) client.destroy();
      await waitFor(() => server.requestsInFlight() === 0);
      const idle = await scrape(server.url);
      expect(metricValue(idle, "vllm:num_requests_running")).toBe(0);
      expect(metricValue(idle, "vllm:num_requests_waiting")).toBe(0);
      expect(metricValue(idle, "vllm:kv_cache_usage_perc")).toBe(0);
      expect(server.requestsAborted()).toBe(300);
      expect(idle.filter((sample) => sample.name === "vllm:request_success_total" && sample.labels.finished_reason === "abort").reduce((sum, sample) => sum + sample.value, 0)).toBe(300);
      expect(log).toHaveLength(300);
      expect(log[0]).toMatch(/^Aborted request cmpl-\d+: the client disconnected after 0 streamed tokens\.$/);

      // A new request is served as on an idle engine: all 5 tokens, nothing queued ahead of it.
      const fresh = streamEvents(`${server.url}/v1/completions`, { prompt: "after the storm", max_tokens: 5, stream: true });
      const { status, events } = await pumpUntil(clock, 5, fresh);
      expect(status).toBe(200);
      expect(contentEvents(events).content).toHaveLength(5);
    } finally {
      await server.close();
    }
  });

  it("a stream cut mid-way is aborted after the tokens it got, and its generation stops", async () => {
    const clock = manualClock();
    const log: string[] = [];
    const server = await startTestServer({ timeScale: 1, nowMs: clock.nowMs, onLog: (line) => log.push(line) });
    try {
      const { hostname, port } = new URL(server.url);
      let received = "";
      const client = httpRequest({ host: hostname, port, method: "POST", path: "/v1/completions", agent: false, headers: { "content-type": "application/json" } }, (response) => {
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => { received += chunk; });
      });
      client.on("error", () => undefined);
      client.end(JSON.stringify({ prompt: "tell me a long story", max_tokens: 2000, stream: true }));
      await waitFor(() => server.requestsInFlight() === 1);
      // Run simulated time until a few tokens have reached the client, then hang up.
      const fewTokens = waitFor(() => (received.match(/"text":" tok"/g) ?? []).length >= 3);
      await pumpUntil(clock, 2, fewTokens);
      client.destroy();
      await waitFor(() => server.requestsInFlight() === 0);
      const sent = Number(/after (\d+) streamed tokens/.exec(log[0] ?? "")?.[1]);
      expect(sent).toBeGreaterThanOrEqual(3);
      expect(sent).toBeLessThan(2000);
      const before = metricValue(await scrape(server.url), "vllm:generation_tokens_total");
      clock.advance(60_000); // a minute of simulated time: a request still running would generate thousands of tokens
      await new Promise((resolve) => setTimeout(resolve, 20));
      const after = metricValue(await scrape(server.url), "vllm:generation_tokens_total");
      expect(after).toBe(before);
      expect(before).toBeLessThan(sent + 5);
    } finally {
      await server.close();
    }
  });
});
