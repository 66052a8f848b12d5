import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatedServer } from "../../src/serve/start-simulated-server.js";
import { rawRequest, startTestServer } from "./serve-helpers.js";

interface ErrorBody { error: { message: string; type: string; param: string | null; code: string | number | null } }

describe("goodput serve answers bad requests with OpenAI-style errors", () => {
  let server: SimulatedServer;
  beforeAll(async () => {
    server = await startTestServer({ timeScale: 100 });
  });
  afterAll(async () => {
    await server.close();
  });
  const post = async (path: string, body: string): Promise<{ status: number; json: ErrorBody }> => {
    const response = await fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    return { status: response.status, json: (await response.json()) as ErrorBody };
  };

  it("bad JSON → 400 that says so", async () => {
    const { status, json } = await post("/v1/chat/completions", "{not json");
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/not valid JSON/);
    expect(json.error.type).toBe("invalid_request_error");
  });

  it("a bad field → 400 naming the field", async () => {
    const cases: [string, object, string][] = [
      ["/v1/chat/completions", { messages: [{ role: "user", content: "x" }], max_tokens: "many" }, "max_tokens"],
      ["/v1/chat/completions", { messages: [{ role: "user", content: "x" }], max_tokens: 0 }, "max_tokens"],
      ["/v1/chat/completions", { max_tokens: 3 }, "messages"],
      ["/v1/chat/completions", { messages: [{ role: "robot", content: "x" }] }, "messages.0.role"],
      ["/v1/chat/completions", { messages: [{ role: "user", content: "x" }], stream: "yes" }, "stream"],
      ["/v1/completions", { prompt: ["a", "b"], max_tokens: 3 }, "prompt"],
      ["/v1/completions", { prompt: "x", n: 2 }, "n"],
    ];
    for (const [path, body, field] of cases) {
      const { status, json } = await post(path, JSON.stringify(body));
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json.error.param).toBe(field);
      expect(json.error.message).toContain(field);
    }
  });

  it("an unknown model → 404 naming model", async () => {
    const unknown = await post("/v1/completions", JSON.stringify({ model: "gpt-9", prompt: "x" }));
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.param).toBe("model");
    expect(unknown.json.error.message).toContain("llama-3-8b");
  });

  // The default model is Llama-3-8B with its 8192-token context. Expected bodies are vLLM's
  // (vllm/entrypoints/openai serving, v0.11+: BadRequestError, code 400, param input_tokens), written out here.
  it("a 20,007-token prompt on the 8k-context model → 400 with vLLM's input-tokens message", async () => {
    const prompt = Array.from({ length: 20_007 }, (_, i) => i % 1000);
    const { status, json } = await post("/v1/completions", JSON.stringify({ prompt, max_tokens: 16 }));
    expect(status).toBe(400);
    expect(json.error).toEqual({
      message: "This model's maximum context length is 8192 tokens. However, your request has 20007 input tokens. Please reduce the length of the input messages. (parameter=input_tokens, value=20007)",
      type: "BadRequestError",
      param: "input_tokens",
      code: 400,
    });
  });

  it("prompt + max_tokens beyond the context → 400 with vLLM's total message; exactly at the limit → 200", async () => {
    const prompt = Array.from({ length: 8000 }, (_, i) => i % 1000);
    const over = await post("/v1/completions", JSON.stringify({ prompt, max_tokens: 193 }));
    expect(over.status).toBe(400);
    expect(over.json.error).toEqual({
      message: "This model's maximum context length is 8192 tokens. However, you requested 193 output tokens and your prompt contains 8000 input tokens, for a total of 8193 tokens. Please reduce the length of the input prompt or the number of requested output tokens. (parameter=input_tokens, value=8193)",
      type: "BadRequestError",
      param: "input_tokens",
      code: 400,
    });
    const chat = await post("/v1/chat/completions", JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: 100_000_000 }));
    expect(chat.status).toBe(400);
    expect(chat.json.error.message).toMatch(/^This model's maximum context length is 8192 tokens\. However, you requested 100000000 output tokens/);
    // Without max_tokens the output is capped at what the context leaves (vLLM's default): 192 here.
    const unset = await fetch(`${server.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt }) });
    expect(unset.status).toBe(200);
    expect(((await unset.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(192);
    const fits = await fetch(`${server.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt, max_tokens: 192 }) });
    expect(fits.status).toBe(200);
    await fits.text();
  });

  it("unknown paths → 404, wrong methods → 405, traversal attempts → 404", async () => {
    expect((await rawRequest(server.url, "GET", "/v1/nope")).status).toBe(404);
    expect((await rawRequest(server.url, "GET", "/")).status).toBe(404);
    const wrong = await rawRequest(server.url, "GET", "/v1/chat/completions");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("POST");
    expect((await rawRequest(server.url, "DELETE", "/metrics")).status).toBe(405);
    for (const path of ["/../etc/passwd", "/v1/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/v1/models/../../../etc/passwd", "/metrics/..", "/v1//models"]) {
      const response = await rawRequest(server.url, "GET", path);
      expect(response.status, path).toBe(404);
      expect(response.body).not.toContain("root:");
    }
  });
});
