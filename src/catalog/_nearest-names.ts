/** Levenshtein distance, used only to suggest the names a user probably meant. */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      const left = previous[j - 1] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, left + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/** The known names closest to `wanted` (substring matches first, then by edit distance). */
export function nearestNames(wanted: string, known: readonly string[], count = 3): string[] {
  const needle = wanted.toLowerCase();
  return [...known]
    .map((name) => {
      const hay = name.toLowerCase();
      const contains = hay.includes(needle) || needle.includes(hay) ? -100 : 0;
      return { name, score: contains + editDistance(needle, hay) };
    })
    .sort((x, y) => x.score - y.score || x.name.localeCompare(y.name))
    .slice(0, count)
    .map((entry) => entry.name);
}
