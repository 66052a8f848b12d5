import { GoodputError } from "../errors.js";

/** Which OpenAI-compatible API to drive. */
export type LoadApi = "chat" | "completions";

/** The URLs derived from `--target`. */
export interface Endpoints {
  readonly origin: string;
  /** e.g. http://host:8000/v1/chat/completions */
  readonly generateUrl: string;
  readonly modelsUrl: string;
  readonly metricsUrl: string;
}

/**
 * Resolves `--target` (a server root such as http://host:8000, or its /v1 base) to the API URLs.
 * Only http and https; the user names the target, nothing else is contacted.
 */
export function resolveEndpoints(target: string, api: LoadApi): Endpoints {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new GoodputError("BAD_INPUT", `--target: "${target}" is not a URL; for example --target http://127.0.0.1:8000.`, { where: "--target" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new GoodputError("BAD_INPUT", `--target: "${target}" must be an http:// or https:// URL; for example --target http://127.0.0.1:8000.`, { where: "--target" });
  }
  const path = url.pathname.replace(/\/+$/, "");
  const base = `${url.origin}${path.endsWith("/v1") ? path : `${path}/v1`}`;
  return {
    origin: url.origin,
    generateUrl: `${base}/${api === "chat" ? "chat/completions" : "completions"}`,
    modelsUrl: `${base}/models`,
    metricsUrl: `${url.origin}/metrics`,
  };
}
