/** The inline `<svg>` elements of a rendered report, in document order. */
export function svgsOf(html: string): string[] {
  return html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

/** How many marks of a kind Vega drew (its aria-roledescription: "point", "bar", "rect mark", "line mark", …). */
export function countMarks(svg: string, roleDescription: string): number {
  return svg.split(`aria-roledescription="${roleDescription}"`).length - 1;
}

/**
 * Self-contained: no URL other than the SVG/XLink namespace names, no script, no stylesheet link, no external source.
 * Returns the offending snippets (empty when the page stands alone).
 */
export function externalReferences(html: string): string[] {
  const namespaces = new Set(["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"]);
  const urls = (html.match(/https?:\/\/[^\s"'<>)]+/g) ?? []).filter((url) => !namespaces.has(url));
  const tags = html.match(/<script|<link|<iframe|<object|<embed|\ssrc="http|@import|url\(\s*['"]?http/gi) ?? [];
  return [...urls, ...tags];
}
