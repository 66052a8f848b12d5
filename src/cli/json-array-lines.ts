/**
 * Line number (1-based) where each element of a top-level JSON array starts, so errors about
 * element i can name its line. Walks the text once, skipping strings.
 */
export function jsonArrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectingElement = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "\n") line++;
    if (inString) {
      if (char === "\\") index++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === " " || char === "\t" || char === "\r" || char === "\n") continue;
    if (depth === 1 && expectingElement) {
      lines.push(line);
      expectingElement = false;
    }
    if (char === '"') inString = true;
    else if (char === "[" || char === "{") {
      depth++;
      if (depth === 1 && char === "[") expectingElement = true;
    } else if (char === "]" || char === "}") depth--;
    else if (char === "," && depth === 1) expectingElement = true;
  }
  return lines;
}
