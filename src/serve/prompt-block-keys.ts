import { createHash } from "node:crypto";

/**
 * Prefix-cache keys of a prompt's full blocks, as vLLM hashes them (vllm/v1/core/kv_cache_utils.py,
 * hash_block_tokens): block i's hash covers the parent block's hash and block i's token ids, so
 * equal keys mean equal prompts up to the end of that block. A partial last block gets no key
 * (vLLM caches full blocks only). Keys are negative integers (48-bit SHA-256 prefixes) so they never
 * meet the simulator's own non-negative group and session keys.
 */
export function promptBlockKeys(tokenIds: readonly number[], blockSizeTokens: number): number[] {
  const blocks = Math.floor(tokenIds.length / blockSizeTokens);
  const keys = new Array<number>(blocks);
  let parent = Buffer.from("goodput-serve-root");
  const block = new Uint32Array(blockSizeTokens);
  for (let index = 0; index < blocks; index++) {
    for (let offset = 0; offset < blockSizeTokens; offset++) block[offset] = tokenIds[index * blockSizeTokens + offset] ?? 0;
    const digest = createHash("sha256").update(parent).update(new Uint8Array(block.buffer)).digest();
    keys[index] = -1 - digest.readUIntBE(0, 6);
    parent = digest;
  }
  return keys;
}
