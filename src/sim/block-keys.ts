import type { SimRequestSpec } from "./sim-request.js";

/** Block index bits in a key: keys are namespace · 2^21 + block index (contexts up to 33 M tokens at 16/block). */
const blockBits = 2 ** 21;
/** Namespaces from here up are per-request (never shared). */
const uniqueNamespaceBase = 2 ** 30;
/** Trace hash ids must be below this (trie edges pack parent · 2^24 + id into one safe integer). */
export const maxTraceHashId = 2 ** 24;
/** Trace prefixes (hash-id chains) take namespaces from here, below the per-request ones. */
const traceNamespaceBase = 2 ** 29;
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
  /** A trie of trace hash-id chains: (parent node, id) → node, so a node names a whole id prefix. */
  private readonly traceNodes = new Map<number, number>();
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

  /**
   * Trie nodes of a trace request's id prefixes: node j stands for ids[0..j]. Chaining makes a key
   * depend on every earlier id, as a content hash of the whole prefix does.
   */
  private traceChain(ids: readonly number[]): Int32Array {
    const nodes = new Int32Array(ids.length);
    let parent = 0;
    for (let position = 0; position < ids.length; position++) {
      const edge = parent * maxTraceHashId + (ids[position] ?? 0);
      let node = this.traceNodes.get(edge);
      if (node === undefined) {
        node = this.traceNodes.size + 1;
        this.traceNodes.set(edge, node);
      }
      nodes[position] = node;
      parent = node;
    }
    return nodes;
  }

  /**
   * Keys of a trace request with hash ids over `hashTokens`-token blocks, mapped onto the engine's
   * block size: engine block i (tokens [i·b, (i+1)·b)) ends inside trace block j = ⌊((i+1)·b − 1) / H⌋,
   * so it is shared exactly by requests whose first j + 1 ids agree; past the ids it is unique.
   */
  private traceKeys(ids: readonly number[], hashTokens: number): (blockIndex: number) => number {
    const size = this.blockSizeTokens;
    const nodes = this.traceChain(ids);
    return (blockIndex) => {
      const traceBlock = Math.floor(((blockIndex + 1) * size - 1) / hashTokens);
      const node = nodes[traceBlock];
      return node === undefined ? NaN : (traceNamespaceBase + node) * blockBits + blockIndex;
    };
  }

  /** The engine's key function: NaN for blocks no other request can share. */
  engineKeys(request: SimRequestSpec): (blockIndex: number) => number {
    const own = request.promptBlockKeys;
    if (own !== undefined) return (blockIndex) => own[blockIndex] ?? NaN;
    if (request.hashIds !== undefined && request.hashBlockTokens !== undefined) return this.traceKeys(request.hashIds, request.hashBlockTokens);
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
