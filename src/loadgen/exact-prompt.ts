import { hashUniform } from "../numeric/rng.js";

/** The tokenizer prompts are measured in: gpt-tokenizer's default encoding (ships with the package). */
export const promptTokenizerName = "o200k_base";

// Common English words; only those that are exactly one o200k_base token with a leading space are kept.
const candidateWords =
  "the of and to in is for on that with as was by at from this be are or an have not it but which all more they one their can has were will its about other new also been when there time some would these first only who into may out two after than most over such years many any used system work people use make between each state well then made number very through part world where while under both being those during same high long before city since water group small public three over life area general however development should great order level form large year data point local power second family another found known without early based line government school name number place"
    .split(" ")
    .filter((word, index, words) => words.indexOf(word) === index);

/** A request prompt of an exact token length, and its shared prefix group if any. */
export interface BuiltPrompt {
  readonly text: string;
  /** Total tokens: prefix + request-specific. */
  readonly tokens: number;
  readonly prefixGroup: string | null;
  readonly prefixTokens: number;
}

/** Builds exact-length prompts and counts tokens with the same tokenizer. */
export interface PromptBuilder {
  /** Prompt for request `requestId`: `prefixTokens` of group `prefixGroup` (if any), then `tokens` request-specific tokens. */
  build(requestId: number, tokens: number, prefix?: { readonly group: number; readonly tokens: number }): BuiltPrompt;
  /**
   * Prompt of `tokens` tokens in blocks of `blockTokens`, block j's words drawn from `ids[j]` (a
   * trace's prefix block id), so requests sharing their first k ids share their first k blocks'
   * text; blocks past the ids are the request's own.
   */
  buildFromBlocks(requestId: number, ids: readonly number[], blockTokens: number, tokens: number): BuiltPrompt;
  /** Token count of a text under the same tokenizer. */
  countTokens(text: string): number;
  readonly tokenizer: string;
}

/**
 * A prompt builder over o200k_base (gpt-tokenizer, loaded on first use so other commands do not
 * pay for it). Prompts are streams of words each exactly one token with its leading space; the
 * tokenizer's pre-split puts every " word" in its own piece, so N words are exactly N tokens
 * (checked by the tests with encode()). Words are chosen by hashUniform(seed, request, k), so a
 * request's prompt is deterministic and distinct requests do not share a prefix by accident;
 * prefix groups draw from their own key space and reuse the identical prefix text.
 */
export async function createPromptBuilder(seed: number): Promise<PromptBuilder> {
  const tokenizer = await import("gpt-tokenizer");
  const words = candidateWords.map((word) => ` ${word}`).filter((word) => tokenizer.encode(word).length === 1);
  const wordCount = words.length;
  const prefixCache = new Map<number, string>();
  const wordsFor = (key: number, stream: number, count: number): string => {
    const parts = new Array<string>(count);
    for (let index = 0; index < count; index++) parts[index] = words[Math.floor(hashUniform(seed + stream, key, index) * wordCount)] ?? " the";
    return parts.join("");
  };
  return {
    tokenizer: promptTokenizerName,
    countTokens: (text) => tokenizer.encode(text).length,
    buildFromBlocks(requestId, ids, blockTokens, tokens) {
      const parts: string[] = [];
      for (let block = 0; block * blockTokens < tokens; block++) {
        const count = Math.min(blockTokens, tokens - block * blockTokens);
        const id = ids[block];
        parts.push(id === undefined ? wordsFor(requestId, 0x6b10d + block, count) : wordsFor(id, 0x6b10c, count));
      }
      return { text: parts.join(""), tokens, prefixGroup: null, prefixTokens: 0 };
    },
    build(requestId, tokens, prefix) {
      if (!prefix || prefix.tokens <= 0) return { text: wordsFor(requestId, 0, tokens), tokens, prefixGroup: null, prefixTokens: 0 };
      const cacheKey = prefix.group * 1_000_003 + prefix.tokens;
      let prefixText = prefixCache.get(cacheKey);
      if (prefixText === undefined) {
        prefixText = wordsFor(prefix.group, 0x5eed, prefix.tokens);
        prefixCache.set(cacheKey, prefixText);
      }
      return { text: prefixText + wordsFor(requestId, 0, tokens), tokens: prefix.tokens + tokens, prefixGroup: `g${prefix.group}`, prefixTokens: prefix.tokens };
    },
  };
}
