import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatedServer } from "../../src/serve/start-simulated-server.js";
import { contentEvents, metricValue, parsePrometheus, startTestServer, streamEvents } from "./serve-helpers.js";

describe("goodput serve under concurrent streams", () => {
  let server: SimulatedServer;
  beforeAll(async () => {
    server = await startTestServer({ timeScale: 10 });
  });
  afterAll(async () => {
    await server.close();
  });

  it("20 concurrent streaming requests all complete with their own exact usage", async () => {
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const path = i % 2 === 0 ? "/v1/chat/completions" : "/v1/completions";
        const body = i % 2 === 0 ? { messages: [{ role: "user", content: `question ${i}` }] } : { prompt: `prompt number ${i}` };
        return streamEvents(`${server.url}${path}`, { ...body, max_tokens: 10 + i, stream: true, stream_options: { include_usage: true } });
      }),
    );
    runs.forEach((run, i) => {
      expect(run.status).toBe(200);
      expect(run.events.at(-1)?.data).toBe("[DONE]");
      const { content, chunks } = contentEvents(run.events);
      const usage = (chunks.at(-1) as { usage?: { completion_tokens: number } }).usage;
      expect(content).toHaveLength(10 + i);
      expect(usage?.completion_tokens).toBe(10 + i);
    });
    const metrics = parsePrometheus(await (await fetch(`${server.url}/metrics`)).text());
    expect(metricValue(metrics.samples, "vllm:num_requests_running")).toBe(0);
    expect(metricValue(metrics.samples, "vllm:generation_tokens_total")).toBe(Array.from({ length: 20 }, (_, i) => 10 + i).reduce((a, b) => a + b, 0));
  });
});
