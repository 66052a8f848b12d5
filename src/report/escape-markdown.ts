/**
 * Escapes text for Markdown (CommonMark + GFM tables) so data can never become markup: `&`, `<`, `>` as HTML entities
 * (no raw HTML block or inline tag can start), the inline-syntax characters backslash-escaped (CommonMark §2.4: any
 * ASCII punctuation may be), `|` so a cell cannot split a table row, and line breaks folded into spaces and leading blanks
 * dropped so text cannot open a new block (heading, list, quote, code block); a leading list marker is escaped too.
 */
export function escapeMarkdown(text: string): string {
  const oneLine = text.replace(/\r\n?|\n/g, " ").trimStart();
  const escaped = oneLine
    .replace(/[\\`*_[\]{}|~!#]/g, (character) => `\\${character}`)
    .replace(/[&<>]/g, (character) => markdownEntities[character] ?? character);
  // A leading "-"/"+" could open a list or (as "---") a thematic break; "1. " or "1) " an ordered list.
  return escaped.replace(/^[-+]/, "\\$&").replace(/^(\d{1,9})([.)])(?=\s|$)/, "$1\\$2");
}

const markdownEntities: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
