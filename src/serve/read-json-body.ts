import type { IncomingMessage } from "node:http";

/** A body that could not be read as JSON, with the HTTP status to answer. */
export type BodyResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly httpStatus: 400 | 413; readonly message: string };

/** Reads a request body of at most `maxBytes` and parses it as JSON. */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    if (bytes > maxBytes) return { ok: false, httpStatus: 413, message: `Request body is larger than ${maxBytes} bytes.` };
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return { ok: false, httpStatus: 400, message: "Request body is empty; send a JSON object." };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, httpStatus: 400, message: `Request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}
