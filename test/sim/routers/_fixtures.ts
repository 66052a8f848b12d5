import type { Rng } from "../../../src/numeric/rng.js";
import type { ReplicaSignals, RoutedRequest } from "../../../src/sim/routers/index.js";

/** A healthy, idle replica with overrides. */
export function replica(index: number, overrides: Partial<ReplicaSignals> = {}): ReplicaSignals {
  return {
    index,
    pool: "default",
    healthy: true,
    queueDepth: 0,
    running: 0,
    outstanding: 0,
    kvUtilization: 0,
    kvTotalBlocks: 1000,
    queuedPrefillTokens: 0,
    recentRequestsPerSecond: 0,
    ...overrides,
  };
}

/** A request with 16-token blocks; blockKeys default to none. */
export function request(id: number, overrides: Partial<RoutedRequest> = {}): RoutedRequest {
  return {
    id,
    promptTokens: 0,
    outputTokens: 64,
    tenant: "t",
    tier: "standard",
    latencySensitive: false,
    userId: `user-${id}`,
    sessionId: null,
    prefixGroup: null,
    blockKeys: [],
    blockSizeTokens: 16,
    ...overrides,
  };
}

/**
 * Chained block keys for a path of choices: the key of block i is a unique id for the whole
 * prefix path[0..i], so two prompts share key i exactly when they share their first i+1 blocks.
 */
export class ChainKeys {
  private readonly ids = new Map<string, number>();

  keys(path: readonly (string | number)[]): number[] {
    const keys: number[] = [];
    let prefix = "";
    for (const step of path) {
      prefix += `/${step}`;
      let id = this.ids.get(prefix);
      if (id === undefined) {
        id = this.ids.size + 1;
        this.ids.set(prefix, id);
      }
      keys.push(id);
    }
    return keys;
  }
}

/** `count` path steps: `shared` from group `group`, the rest unique to `unique`. */
export function promptPath(group: string, shared: number, unique: string, count: number): string[] {
  return Array.from({ length: count }, (_, block) => (block < shared ? `${group}:${block}` : `${unique}:${block}`));
}

/** A random fleet view: pools alternate premium/cheap by index % 3, some replicas unhealthy. */
export function randomView(rng: Rng, size: number, unhealthyRate: number): ReplicaSignals[] {
  return Array.from({ length: size }, (_, index) =>
    replica(index, {
      pool: index % 3 === 0 ? "premium" : "cheap",
      healthy: rng.next() >= unhealthyRate,
      queueDepth: Math.floor(rng.next() * 8),
      running: Math.floor(rng.next() * 32),
      outstanding: Math.floor(rng.next() * 48),
      kvUtilization: rng.next(),
      kvTotalBlocks: 2000,
      queuedPrefillTokens: Math.floor(rng.next() * 4096),
      recentRequestsPerSecond: Math.floor(rng.next() * 20),
    }),
  );
}

/** A random request drawing its prefix from one of four groups (so prefix routers get matches). */
export function randomRequest(rng: Rng, id: number, chains: ChainKeys): RoutedRequest {
  const blocks = 1 + Math.floor(rng.next() * 24);
  const group = `g${Math.floor(rng.next() * 4)}`;
  const shared = Math.floor(rng.next() * blocks);
  return request(id, {
    promptTokens: blocks * 16 + Math.floor(rng.next() * 16),
    tier: rng.next() < 0.3 ? "premium" : "standard",
    latencySensitive: rng.next() < 0.1,
    userId: `user-${Math.floor(rng.next() * 20)}`,
    sessionId: rng.next() < 0.5 ? `session-${Math.floor(rng.next() * 30)}` : null,
    blockKeys: chains.keys(promptPath(group, shared, `r${id}`, blocks)),
  });
}
