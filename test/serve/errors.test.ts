import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatedServer } from "../../src/serve/start-simulated-server.js";
import { rawRequest, startTestServer } from "./serve-helpers.js";

interface ErrorBody { error: { message: string; type: string; param: string | null; code: string | null } }

describe("goodput serve answers bad requests with OpenAI-style errors", () => {
  let server: SimulatedServer;
  beforeAll(async () => {
    server = await startTestServer({ timeScale: 10 });
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

  it("an unknown model → 404 naming model; a request too long for the KV cache → 400", async () => {
    const unknown = await post("/v1/completions", JSON.stringify({ model: "gpt-9", prompt: "x" }));
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.param).toBe("model");
    expect(unknown.json.error.message).toContain("llama-3-8b");
    const tooLong = await post("/v1/completions", JSON.stringify({ prompt: [1, 2, 3], max_tokens: 100_000_000 }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error).toMatchObject({ param: "max_tokens", code: "context_length_exceeded" });
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
