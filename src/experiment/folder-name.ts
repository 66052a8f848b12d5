import { fnv1a } from "../numeric/hash.js";

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
  return `${parts.map(slugOf).join("-")}-${slugOf(stamp)}-${fnv1a(JSON.stringify(parts)).toString(16).padStart(8, "0")}`;
}
