import { request } from "undici";

/** The first model id the target lists at GET /v1/models, or null when it lists none or fails. */
export async function discoverModel(modelsUrl: string, headers: Readonly<Record<string, string>>, timeoutMs = 5000): Promise<string | null> {
  try {
    const response = await request(modelsUrl, { method: "GET", headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const body: unknown = await response.body.json();
    if (response.statusCode !== 200 || typeof body !== "object" || body === null) return null;
    const data = (body as { data?: unknown }).data;
    if (!Array.isArray(data)) return null;
    const first: unknown = data[0];
    return typeof first === "object" && first !== null && typeof (first as { id?: unknown }).id === "string" ? (first as { id: string }).id : null;
  } catch {
    return null;
  }
}
