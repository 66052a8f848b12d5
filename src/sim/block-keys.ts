import type { SimRequestSpec } from "./sim-request.js";

/** Block index bits in a key: keys are namespace · 2^21 + block index (contexts up to 33 M tokens at 16/block). */
const blockBits = 2 ** 21;
/** Namespaces from here up are per-request (never shared). */
const uniqueNamespaceBase = 2 ** 30;
/**
 * Prefix groups and sessions remembered at once. A forgotten one gets a fresh namespace when it
 * comes back, so its blocks miss the cache once — as if the engine had evicted them — and a
 * long-running online simulation (serve) keeps a bounded map.
 */
export const defaultMaxNamespaces = 65_536;

/**
 * Prefix keys for KV blocks. Block i of a request covers tokens [i·b, (i+1)·b). Blocks inside
 * the shared prefix of a group get the group's key; later blocks of a multi-turn session get the
 * session's key (the next turn repeats the history, so they match); anything else is unique.
 * A key identifies the whole prefix up to its block, like vLLM's chained block hashes. A request
 * that carries its own `promptBlockKeys` (hashes of its tokens) uses those instead.
 */
export class BlockKeys {
  /** Name → namespace, least recently used first (a Map keeps insertion order). */
  private readonly namespaces = new Map<string, number>();
  private nextNamespace = 1;
  readonly blockSizeTokens: number;
  readonly maxNamespaces: number;

  constructor(blockSizeTokens: number, maxNamespaces: number = defaultMaxNamespaces) {
    this.blockSizeTokens = blockSizeTokens;
    this.maxNamespaces = maxNamespaces;
  }

  /** Groups and sessions remembered now (at most maxNamespaces). */
  get namespaceCount(): number {
    return this.namespaces.size;
  }

  private namespaceOf(name: string): number {
    let id = this.namespaces.get(name);
    if (id === undefined) {
      id = this.nextNamespace++;
      if (this.namespaces.size >= this.maxNamespaces) {
        const oldest = this.namespaces.keys().next();
        if (oldest.done !== true) this.namespaces.delete(oldest.value);
      }
    } else {
      this.namespaces.delete(name);
    }
    this.namespaces.set(name, id);
    return id;
  }

  /** The engine's key function: NaN for blocks no other request can share. */
  engineKeys(request: SimRequestSpec): (blockIndex: number) => number {
    const own = request.promptBlockKeys;
    if (own !== undefined) return (blockIndex) => own[blockIndex] ?? NaN;
    const size = this.blockSizeTokens;
    const prefixBlocks = Math.floor(request.prefixTokens / size);
    const group = request.prefixGroup === null ? -1 : this.namespaceOf(`g:${request.prefixGroup}`);
    const session = request.sessionId === null ? -1 : this.namespaceOf(`s:${request.sessionId}`);
    return (blockIndex) => {
      if (blockIndex < prefixBlocks && group > 0) return group * blockBits + blockIndex;
      if (session > 0) return session * blockBits + blockIndex;
      return NaN;
    };
  }

  /** Keys of the prompt's full blocks as a router sees them (unique blocks get unique keys). */
  promptKeys(request: SimRequestSpec, engineKey: (blockIndex: number) => number): number[] {
    const blocks = Math.floor(request.promptTokens / this.blockSizeTokens);
    const keys = new Array<number>(blocks);
    for (let block = 0; block < blocks; block++) {
      const key = engineKey(block);
      keys[block] = Number.isNaN(key) ? (uniqueNamespaceBase + request.id) * blockBits + block : key;
    }
    return keys;
  }
}
