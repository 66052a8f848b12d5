import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A real HTTP server on 127.0.0.1, port 0, answering with a test's script. */
export interface ScriptedServer {
  readonly url: string;
  /** Every request's headers and body, in arrival order. */
  readonly seen: { readonly headers: IncomingMessage["headers"]; readonly body: string; readonly url: string }[];
  close(): Promise<void>;
}

export type Script = (request: IncomingMessage, response: ServerResponse, body: string, index: number) => void | Promise<void>;

/** Starts a server whose handler is the script (after reading the request body). */
export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const seen: ScriptedServer["seen"] = [];
  const server = createServer({ noDelay: true, keepAlive: true }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ headers: request.headers, body, url: request.url ?? "" });
      Promise.resolve(script(request, response, body, seen.length - 1)).catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One SSE event carrying the JSON payload. */
export const sse = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;
export const roleChunk = (): string => sse({ choices: [{ index: 0, delta: { role: "assistant" }, finish_reason: null }] });
export const contentChunk = (text: string, finishReason: string | null = null): string => sse({ choices: [{ index: 0, delta: { content: text }, finish_reason: finishReason }] });
export const usageChunk = (completionTokens: number, promptTokens = 10): string => sse({ choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } });
export const doneChunk = "data: [DONE]\n\n";

/** Starts an SSE response. */
export function startStream(response: ServerResponse): void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  response.flushHeaders();
}

/** Writes the steps in order, waiting `afterMs` before each; ends the response unless told not to. */
export async function playStream(response: ServerResponse, steps: readonly { readonly afterMs: number; readonly data: string }[], end = true): Promise<void> {
  startStream(response);
  for (const step of steps) {
    if (step.afterMs > 0) await sleep(step.afterMs);
    response.write(step.data);
  }
  if (end) response.end();
}
