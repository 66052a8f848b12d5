/** Strings an attacker could put in a prompt, label or model name (issue #7's XSS check). */
export const hostileScript = "<script>alert(1)</script>";
export const hostileImage = '"><img src=x onerror=alert(1)>';
export const hostileMarkdown = "](javascript:alert(1)) | *bold* # <b>x</b>\n# heading\n---";

/** Count of real `<script` / `<img` / `<link` / `<iframe` tags: data text is escaped, so only the renderer's own tags may appear. */
export function countTags(html: string, tag: string): number {
  return html.match(new RegExp(`<${tag}[\\s>/]`, "gi"))?.length ?? 0;
}

/**
 * Names of the event-handler attributes (onerror, onload, …) on real start tags. A small tokenizer, not a regex over
 * the text: attribute values are skipped whole, so escaped data inside a value (`aria-label="… onerror=…"`) is not
 * mistaken for an attribute, while a real `<img onerror=…>` is found.
 */
export function eventHandlerAttributes(html: string): string[] {
  const found: string[] = [];
  const startTag = /<([a-zA-Z][\w:-]*)/g;
  for (let match = startTag.exec(html); match !== null; match = startTag.exec(html)) {
    let index = match.index + match[0].length;
    for (;;) {
      while (/\s|\//.test(html[index] ?? "")) index++;
      if (index >= html.length || html[index] === ">") break;
      const name = /^[^\s=>/]+/.exec(html.slice(index))?.[0] ?? "";
      index += Math.max(1, name.length);
      while (/\s/.test(html[index] ?? "")) index++;
      if (html[index] === "=") {
        index++;
        while (/\s/.test(html[index] ?? "")) index++;
        const quote = html[index];
        if (quote === '"' || quote === "'") index = html.indexOf(quote, index + 1) + 1;
        else index += /^[^\s>]*/.exec(html.slice(index))?.[0].length ?? 0;
        if (index === 0) break;
      }
      if (/^on/i.test(name)) found.push(name);
    }
    startTag.lastIndex = index;
  }
  return found;
}
