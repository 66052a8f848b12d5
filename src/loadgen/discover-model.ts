import { request } from "undici";
import { cleanErrorText, transportErrorText } from "./send-request.js";

/** What GET /v1/models told about the target before a run: its first model, none, or that nothing answered. */
export type TargetProbe =
  | { readonly kind: "model"; readonly model: string }
  | { readonly kind: "no-model"; readonly httpStatus: number }
  | { readonly kind: "unreachable"; readonly message: string };

/**
 * The readiness check before a live run: GET /v1/models. Any HTTP answer means the target is
 * reachable (a server without /v1/models can still be driven with --model); a transport failure
 * (refused, reset, DNS, timeout) means it is not, and the run must not start.
 */
export async function probeTarget(modelsUrl: string, headers: Readonly<Record<string, string>>, timeoutMs = 5000, apiKey?: string): Promise<TargetProbe> {
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(modelsUrl, { method: "GET", headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  } catch (error) {
    return { kind: "unreachable", message: cleanErrorText(transportErrorText(error), apiKey) };
  }
  let body: unknown;
  try {
    body = await response.body.json();
  } catch {
    body = null;
  }
  if (response.statusCode !== 200 || typeof body !== "object" || body === null) return { kind: "no-model", httpStatus: response.statusCode };
  const data = (body as { data?: unknown }).data;
  const first: unknown = Array.isArray(data) ? data[0] : undefined;
  return typeof first === "object" && first !== null && typeof (first as { id?: unknown }).id === "string" ? { kind: "model", model: (first as { id: string }).id } : { kind: "no-model", httpStatus: response.statusCode };
}

/** The first model id the target lists at GET /v1/models, or null when it lists none or fails. */
export async function discoverModel(modelsUrl: string, headers: Readonly<Record<string, string>>, timeoutMs = 5000): Promise<string | null> {
  const probe = await probeTarget(modelsUrl, headers, timeoutMs);
  return probe.kind === "model" ? probe.model : null;
}
