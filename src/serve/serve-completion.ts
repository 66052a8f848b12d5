import type { ServerResponse } from "node:http";
import { completionBody, fillerText, fillerToken, streamChunk, usageChunk, usageOf, type ResponseMeta } from "./completion-payloads.js";
import { outcomeError, sendError } from "./openai-error.js";
import type { PreparedRequest } from "./prepare-request.js";
import type { RealtimeFleet, ServedOutcome } from "./realtime-fleet.js";

/** Handle on a request being served, so the server can end it early (shutdown). */
export interface ActiveCompletion {
  /** Ends the response now with a 503 (or an error event mid-stream). */
  abort(message: string): void;
}

const sseHeaders = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" };

export interface ServeCompletionOptions {
  readonly fleet: RealtimeFleet;
  readonly meta: ResponseMeta;
  readonly onDone: () => void;
  /** Called when the client went away before the response ended and the request was aborted. */
  readonly onAbort?: (info: { readonly id: string; readonly sentTokens: number }) => void;
}

/**
 * Submits a prepared request and answers it as the simulation runs: SSE chunks as tokens are
 * sampled (headers go out with the first token, so a request that fails before it still gets a
 * proper HTTP status), or one JSON body at the end. `onDone` runs once the response has ended.
 */
export function serveCompletion(response: ServerResponse, prepared: PreparedRequest, options: ServeCompletionOptions): ActiveCompletion {
  const { fleet, meta } = options;
  const { served, stream, includeUsage } = prepared;
  let sentTokens = 0;
  let finished = false;
  const writeEvent = (payload: object | string): void => {
    response.write(`data: ${typeof payload === "string" ? payload : JSON.stringify(payload)}\n\n`);
  };
  const end = (): void => {
    if (finished) return;
    finished = true;
    options.onDone();
  };
  const openStream = (): void => {
    if (response.headersSent) return;
    response.writeHead(200, sseHeaders);
    response.flushHeaders();
    if (meta.kind === "chat") writeEvent(streamChunk(meta, { role: true, text: "" }));
  };
  const fail = (httpStatus: number, error: Parameters<typeof sendError>[2]): void => {
    if (finished || response.writableEnded) {
      end();
      return;
    }
    if (!response.headersSent) sendError(response, httpStatus, error);
    else {
      writeEvent({ error: { ...error, code: httpStatus } });
      writeEvent("[DONE]");
      response.end();
    }
    end();
  };
  const onTokens = (generatedTokens: number): void => {
    if (finished || !stream) return;
    openStream();
    for (; sentTokens < generatedTokens; sentTokens++) writeEvent(streamChunk(meta, { text: fillerToken }));
  };
  const onEnd = (outcome: ServedOutcome): void => {
    if (finished) return;
    if (outcome.status !== "ok") {
      fail(outcome.httpStatus, outcomeError(outcome.status, outcome.httpStatus));
      return;
    }
    const usage = usageOf(served.promptTokens, outcome.outputTokens, outcome.cachedPromptTokens);
    // Every request runs to max_tokens (the simulator has no EOS), so the finish reason is "length".
    if (stream) {
      openStream();
      onTokens(outcome.outputTokens);
      writeEvent(streamChunk(meta, { finishReason: "length" }));
      if (includeUsage) writeEvent(usageChunk(meta, usage));
      writeEvent("[DONE]");
      response.end();
    } else {
      const body = JSON.stringify(completionBody(meta, fillerText(outcome.outputTokens), "length", usage));
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      response.end(body);
    }
    end();
  };
  let requestId = -1;
  // A client that goes away before its response ended is aborted in the simulated engine, as vLLM
  // aborts a request whose connection closed: its batch slot and KV blocks are freed at once.
  response.on("close", () => {
    if (finished) return;
    end();
    if (requestId >= 0 && fleet.cancel(requestId)) options.onAbort?.({ id: meta.id, sentTokens });
  });
  requestId = fleet.submit(served, { onTokens, onEnd });
  return { abort: (message) => { fail(503, { message, type: "server_error", param: null, code: "shutting_down" }); } };
}
