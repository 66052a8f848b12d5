/** Seeded mutations of text files and flag values for the fuzz harness (mulberry32: small, fast, reproducible). */

export type Random = () => number;

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: Random, items: readonly T[]): T => {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pick() from an empty list");
  return item;
};

/** Values that have broken parsers before: signs, overflow, non-finite, types, huge counts, hostile `usage`-like numbers. */
export const hostileNumbers = ["-1", "0", "-0", "1e308", "-1e308", "1e-320", "NaN", "Infinity", "-Infinity", "99999999999999999999", "2147483648", "1.5", "0.5", "1e15", "-5", "0x10", "1_000", "", " ", "abc"] as const;
const hostileYamlScalars = [...hostileNumbers.filter((value) => value.trim() !== ""), ".nan", ".inf", "-.inf", "null", "~", "true", "[]", "{}", '"1"', "'../../etc/passwd'", '"../../../tmp/x/pwn"', '"a/b"', '"status=ok"', '"<script>alert(1)</script>"'] as const;

/** One random edit of a text file: a number or scalar replaced, a line deleted, duplicated or swapped, the file cut, bytes inserted. */
export function mutateText(random: Random, text: string): { readonly text: string; readonly edit: string } {
  const lines = text.split("\n");
  const line = Math.floor(random() * lines.length);
  const kind = Math.floor(random() * 7);
  if (kind === 0 || kind === 1) {
    const numbers = [...text.matchAll(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi)];
    const target = numbers.length > 0 ? pick(random, numbers) : undefined;
    if (target?.index !== undefined) {
      const value = kind === 0 ? pick(random, hostileNumbers) : pick(random, hostileYamlScalars);
      return { text: text.slice(0, target.index) + value + text.slice(target.index + target[0].length), edit: `number at ${target.index} → ${JSON.stringify(value)}` };
    }
  }
  if (kind === 2) {
    const scalar = /^(\s*-?\s*[\w"'.-]+\s*:\s*)(\S.*)$/.exec(lines[line] ?? "");
    if (scalar) {
      const value = pick(random, hostileYamlScalars);
      lines[line] = `${scalar[1] ?? ""}${value}`;
      return { text: lines.join("\n"), edit: `line ${line + 1} value → ${value}` };
    }
  }
  if (kind === 3) {
    lines.splice(line, 1);
    return { text: lines.join("\n"), edit: `line ${line + 1} deleted` };
  }
  if (kind === 4) {
    lines.splice(line, 0, lines[line] ?? "");
    return { text: lines.join("\n"), edit: `line ${line + 1} duplicated` };
  }
  if (kind === 5) {
    const cut = Math.floor(random() * text.length);
    return { text: text.slice(0, cut), edit: `cut at byte ${cut}` };
  }
  const at = Math.floor(random() * text.length);
  const junk = pick(random, ["\u0000", "\uFFFD", "\t", ": :", "{", "]", "'", '"', "\\", "%", "\r\n", "é", "&", "*a", "!!binary"]);
  return { text: text.slice(0, at) + junk + text.slice(at), edit: `inserted ${JSON.stringify(junk)} at ${at}` };
}

/** Folder and file names that have been read as data or escaped their folder (hive-style key=value, globs, traversal, quotes). */
export const hostileFolderNames = ["plain", "status=ok", "arm=B", "ttft_s=9", "batched max_num_seqs=256", "a[1]", "star*", "q?", "sp ace", "quote'd", "dq\"", "..%2f..", "~tilde", "{a,b}"] as const;
