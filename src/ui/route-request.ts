/** What a viewer request asks for, decided from the method and the raw path alone (no store, no file system). */
export type ViewerRoute =
  | { readonly kind: "index" }
  | { readonly kind: "item"; readonly id: string; readonly format: "html" | "md" }
  | { readonly kind: "method-not-allowed" }
  | { readonly kind: "not-found" };

/**
 * Routes `/` and `/item/ID[.md]` for GET and HEAD; everything else is 404 (405 for other methods). The id is one
 * percent-encoded path segment: a raw "/" inside it, or a segment that does not decode, is 404. The decoded id is only
 * ever compared with stored ids (exact match), never joined to a path, so `..` or `%2e%2e%2f` cannot reach a file.
 */
export function routeRequest(method: string | undefined, rawUrl: string | undefined): ViewerRoute {
  if (method !== "GET" && method !== "HEAD") return { kind: "method-not-allowed" };
  const path = (rawUrl ?? "").split(/[?#]/, 1)[0] ?? "";
  if (path === "/") return { kind: "index" };
  const match = /^\/item\/([^/]+)$/.exec(path);
  if (match === null) return { kind: "not-found" };
  const segment = match[1] ?? "";
  const markdown = segment.endsWith(".md");
  let id: string;
  try {
    id = decodeURIComponent(markdown ? segment.slice(0, -3) : segment);
  } catch {
    return { kind: "not-found" };
  }
  if (id === "") return { kind: "not-found" };
  return { kind: "item", id, format: markdown ? "md" : "html" };
}
