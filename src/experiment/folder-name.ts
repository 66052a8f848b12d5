/** FNV-1a 32-bit (Fowler–Noll–Vo), hex: a short, stable id for a name (not a security hash). */
function _fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** A name reduced to [a-z0-9-] (at most 40 characters, never empty): no "/", "..", "=" or spaces reach a path. */
export function slugOf(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return slug === "" ? "x" : slug;
}

/**
 * A folder name for a run: readable slugs of its parts, then an id of the exact names so two
 * names with one slug ("a/b" and "a b") still get different folders. Safe under any lab home:
 * it is one path segment and never reads as a DuckDB hive partition (no "=").
 */
export function runFolderName(parts: readonly string[], stamp: string): string {
  return `${parts.map(slugOf).join("-")}-${slugOf(stamp)}-${_fnv1a(JSON.stringify(parts))}`;
}
