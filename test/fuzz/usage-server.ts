import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback OpenAI-style server for the fuzz harness's "server usage" cases: the request path names a case file
 * (/usage/<encoded path>/v1/...) whose text is sent as the stream's `usage` object — mutated JSON, negative or huge
 * counts, wrong types — after two content chunks, so `bench` meets hostile usage values as a real server would send them.
 */
export async function startUsageServer(): Promise<{ readonly url: string; readonly close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const match = /^\/usage\/([^/]+)(\/v1\/.*)$/.exec(request.url ?? "");
    const endpoint = match?.[2] ?? "";
    if (endpoint.startsWith("/v1/models")) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ object: "list", data: [{ id: "m", object: "model", owned_by: "fuzz" }] }));
      return;
    }
    let usage = "null";
    try {
      usage = readFileSync(decodeURIComponent(match?.[1] ?? ""), "utf8").trim() || "null";
    } catch {
      usage = "null";
    }
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (delta: string): string => `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":${JSON.stringify(delta)}},"finish_reason":null}]}\n\n`;
      response.write(chunk("Hello"));
      response.write(chunk(" there"));
      response.write(`data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":${usage}}\n\n`);
      response.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    }),
  };
}

/**
 * The judge for a bench run against hostile usage: exit 0, or exit 1 when no request succeeded (bench's documented
 * exit), and in the JSON output no negative or non-finite rate, token count or cost — never "-12 tok/s" from a
 * server's negative completion_tokens.
 */
export function judgeUsageOutput(stdout: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return `bench --json printed no JSON: ${stdout.slice(0, 200)}`;
  }
  const bad: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value === "number") {
      if (/PerSecond|[Tt]okens|[Uu]sd/.test(path) && (!Number.isFinite(value) || value < 0)) bad.push(`${path} = ${value}`);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        walk(item, `${path}[${index}]`);
      });
    }
    else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) walk(item, path === "" ? key : `${path}.${key}`);
  };
  walk(parsed, "");
  return bad.length === 0 ? null : `impossible figures from hostile usage: ${bad.slice(0, 3).join("; ")}`;
}
