import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatedServer } from "../../src/serve/start-simulated-server.js";
import { startTestServer } from "./serve-helpers.js";

/** Runs /usr/bin/curl and returns what it printed. */
function curl(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/curl", ["-s", "-S", ...args]);
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", (code) => { resolve({ code, stdout }); });
  });
}

describe("curl -N sees a well-formed SSE stream", () => {
  let server: SimulatedServer;
  beforeAll(async () => {
    server = await startTestServer({ timeScale: 10 });
  });
  afterAll(async () => {
    await server.close();
  });

  for (const [path, body] of [
    ["/v1/chat/completions", { messages: [{ role: "user", content: "hello" }], max_tokens: 6, stream: true, stream_options: { include_usage: true } }],
    ["/v1/completions", { model: "llama-3-8b", prompt: "hello", max_tokens: 6, stream: true }],
  ] as const) {
    it(`${path}: blank-line separated "data: " events, JSON until "data: [DONE]"`, async () => {
      const { code, stdout } = await curl(["-N", "-H", "content-type: application/json", "-d", JSON.stringify(body), `${server.url}${path}`]);
      expect(code).toBe(0);
      expect(stdout.endsWith("data: [DONE]\n\n")).toBe(true);
      const events = stdout.split("\n\n").filter((event) => event !== "");
      for (const event of events) expect(event).toMatch(/^data: [^\n]+$/);
      const payloads = events.map((event) => event.slice("data: ".length));
      expect(payloads.filter((payload) => payload === "[DONE]")).toHaveLength(1);
      const chunks = payloads.slice(0, -1).map((payload) => JSON.parse(payload) as { choices: { finish_reason: string | null }[] });
      expect(chunks.filter((chunk) => chunk.choices[0]?.finish_reason === "length")).toHaveLength(1);
    });
  }

  it("a traversal path stays a 404 even when curl sends it as is", async () => {
    const { stdout } = await curl(["--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", `${server.url}/../../etc/passwd`]);
    expect(stdout).toBe("404");
  });
});
