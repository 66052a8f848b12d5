import { GoodputError } from "../errors.js";

/** Kinds of content that change from request to request and so must not precede the static prefix. */
export type VolatileKind = "uuid" | "iso-timestamp" | "date" | "time" | "number-id" | "hex-id";

export interface PrefixStabilityOptions {
  /** Characters per token for the token estimate (default 4, a common English-text average). */
  readonly charsPerToken?: number;
  /** Characters of context shown around the divergence point (default 40). */
  readonly snippetChars?: number;
  /**
   * A volatile value at the divergence point is an error only when moving it out would extend the
   * static prefix by at least this many characters (default 32 ≈ 8 tokens); otherwise it already
   * sits after the static content, where it belongs, and is reported as info.
   */
  readonly minGainChars?: number;
}

/** A volatile span at or before the divergence point. */
export interface VolatileFinding {
  readonly kind: VolatileKind;
  /**
   * `at-divergence`: the span straddles or starts at the first differing character — it is what
   * ends the shared prefix. `before-divergence`: identical in these examples but of a kind that
   * changes over time (today's date, a build id), so it will break the prefix later.
   */
  readonly position: "at-divergence" | "before-divergence";
  readonly severity: "error" | "warning" | "info";
  /** Character offset of the span's start (the earliest across prompts). */
  readonly charIndex: number;
  /** Distinct offending texts seen (at most 5). */
  readonly examples: readonly string[];
  readonly message: string;
  readonly fix: string;
}

export interface PrefixStabilityResult {
  readonly prompts: number;
  /** Longest common prefix of every prompt, in characters. */
  readonly staticPrefixChars: number;
  /** staticPrefixChars ÷ charsPerToken, rounded down (providers cache whole tokens/blocks). */
  readonly staticPrefixTokensApprox: number;
  readonly charsPerToken: number;
  /** Character index of the first difference; null when all prompts are identical. */
  readonly divergenceCharIndex: number | null;
  /** The distinct texts starting at the divergence point (truncated), to show what differs. */
  readonly divergenceSnippets: readonly string[];
  readonly meanPromptChars: number;
  /** Share of all example input characters that fall in the static prefix. */
  readonly cacheableShare: number;
  /** Static prefix (chars) once every volatile span is moved out of the prompt body — the fix's upside. */
  readonly staticPrefixCharsIfVolatileMoved: number;
  readonly findings: readonly VolatileFinding[];
}

// Patterns in priority order: an earlier kind claims its characters (a UUID is not also a hex id).
const volatilePatterns: readonly (readonly [VolatileKind, RegExp])[] = [
  ["uuid", /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi],
  ["iso-timestamp", /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g],
  ["date", /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}\/\d{2,4}\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4}\b/g],
  ["time", /\b\d{1,2}:\d{2}:\d{2}\b/g],
  ["number-id", /\b\d{6,}\b/g],
  ["hex-id", /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{16,}\b/gi],
];

interface _Span {
  readonly kind: VolatileKind;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function _volatileSpans(text: string): _Span[] {
  const spans: _Span[] = [];
  for (const [kind, pattern] of volatilePatterns) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (spans.some((span) => start < span.end && span.start < end)) continue;
      spans.push({ kind, start, end, text: match[0] });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

function _commonPrefixLength(texts: readonly string[]): number {
  const first = texts[0] ?? "";
  let length = first.length;
  for (const text of texts) {
    let index = 0;
    const limit = Math.min(length, text.length);
    while (index < limit && text.charCodeAt(index) === first.charCodeAt(index)) index++;
    length = index;
  }
  return length;
}

/** The prompt with its volatile spans taken out (as if moved after the static content). */
function _withoutVolatile(text: string): string {
  let out = "";
  let cursor = 0;
  for (const span of _volatileSpans(text)) {
    out += text.slice(cursor, span.start);
    cursor = span.end;
  }
  return out + text.slice(cursor);
}

const kindLabel: Readonly<Record<VolatileKind, string>> = {
  uuid: "a UUID",
  "iso-timestamp": "a timestamp",
  date: "a date",
  time: "a time of day",
  "number-id": "a numeric id",
  "hex-id": "a hex id",
};

/**
 * Prefix-stability lint (docs/design.md §3.4): where example prompts first differ (longest common prefix),
 * how much is cacheable, and which timestamps / dates / UUIDs / ids sit at or before that point —
 * a volatile value before the static content makes every request a cache miss.
 */
export function lintPrefixStability(prompts: readonly string[], options: PrefixStabilityOptions = {}): PrefixStabilityResult {
  const charsPerToken = options.charsPerToken ?? 4;
  const snippetChars = options.snippetChars ?? 40;
  const minGainChars = options.minGainChars ?? 32;
  if (prompts.length < 2) {
    throw new GoodputError("BAD_INPUT", `The prefix lint needs at least 2 example prompts to compare; got ${prompts.length}. Add more examples of real requests.`, { where: "prompts" });
  }
  if (!(charsPerToken > 0) || !Number.isFinite(charsPerToken)) {
    throw new GoodputError("BAD_INPUT", `charsPerToken: ${charsPerToken} must be a number greater than 0 (for example 4).`, { where: "charsPerToken" });
  }
  const staticPrefixChars = _commonPrefixLength(prompts);
  const diverges = prompts.some((prompt) => prompt.length !== staticPrefixChars);
  const divergenceCharIndex = diverges ? staticPrefixChars : null;
  const totalChars = prompts.reduce((sum, prompt) => sum + prompt.length, 0);
  const staticPrefixCharsIfVolatileMoved = _commonPrefixLength(prompts.map(_withoutVolatile));
  const gainChars = staticPrefixCharsIfVolatileMoved - staticPrefixChars;

  const divergenceSnippets = divergenceCharIndex === null
    ? []
    : [...new Set(prompts.map((prompt) => prompt.slice(divergenceCharIndex, divergenceCharIndex + snippetChars) || "(end of prompt)"))].slice(0, 5);

  const findings: VolatileFinding[] = [];
  // At the divergence point: spans with start ≤ divergence < end in any prompt (or starting right there).
  if (divergenceCharIndex !== null) {
    const atDivergence = new Map<VolatileKind, { charIndex: number; examples: Set<string> }>();
    for (const prompt of prompts) {
      for (const span of _volatileSpans(prompt)) {
        if (span.start <= divergenceCharIndex && divergenceCharIndex < span.end) {
          const entry = atDivergence.get(span.kind) ?? { charIndex: span.start, examples: new Set<string>() };
          entry.charIndex = Math.min(entry.charIndex, span.start);
          entry.examples.add(span.text);
          atDivergence.set(span.kind, entry);
        }
      }
    }
    for (const [kind, entry] of atDivergence) {
      const examples = [...entry.examples].slice(0, 5);
      const blocking = gainChars >= minGainChars;
      findings.push({
        kind,
        position: "at-divergence",
        severity: blocking ? "error" : "info",
        charIndex: entry.charIndex,
        examples,
        message: blocking
          ? `${kindLabel[kind]} at character ${entry.charIndex} (e.g. "${examples[0] ?? ""}") is where the prompts first differ, with ≈ ${gainChars} shared characters after it: everything after it is a cache miss on every request.`
          : `${kindLabel[kind]} at character ${entry.charIndex} (e.g. "${examples[0] ?? ""}") ends the static prefix, but little shared content follows it.`,
        fix: blocking
          ? `Move ${kindLabel[kind]} after the static content (end of the prompt, or the user turn) so the prefix before it stays byte-identical.`
          : "None needed: the volatile value already comes after the static content.",
      });
    }
  }
  // Inside the shared prefix: identical here, but volatile by kind (it will change between days or deploys).
  const first = prompts[0] ?? "";
  for (const span of _volatileSpans(first)) {
    if (span.end > staticPrefixChars) continue;
    findings.push({
      kind: span.kind,
      position: "before-divergence",
      severity: "warning",
      charIndex: span.start,
      examples: [span.text],
      message: `${kindLabel[span.kind]} "${span.text}" at character ${span.start} is inside the shared prefix; when it changes, every prefix after it stops matching.`,
      fix: `If "${span.text}" changes over time, move it after the static content; if it is truly constant, ignore this warning.`,
    });
  }
  findings.sort((a, b) => a.charIndex - b.charIndex);

  return {
    prompts: prompts.length,
    staticPrefixChars,
    staticPrefixTokensApprox: Math.floor(staticPrefixChars / charsPerToken),
    charsPerToken,
    divergenceCharIndex,
    divergenceSnippets,
    meanPromptChars: totalChars / prompts.length,
    cacheableShare: totalChars > 0 ? (staticPrefixChars * prompts.length) / totalChars : 0,
    staticPrefixCharsIfVolatileMoved,
    findings,
  };
}
