/**
 * The one escaping function every report renderer passes data text through (docs/design.md §10: log content is untrusted).
 * Escapes the five characters that can end a text node or an attribute value, so the result is safe both between
 * tags and inside a double- or single-quoted attribute. OWASP XSS Prevention Cheat Sheet, rule #1 and #2.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEntities[character] ?? character);
}

const htmlEntities: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
