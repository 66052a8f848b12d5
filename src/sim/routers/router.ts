import type { Rng } from "../../numeric/rng.js";

/**
 * Routers are policies A = π(X, S) (docs/design.md §4): they see the request's features and a *view* of
 * the fleet's state at decision time — which may be stale and which is kept separate from each
 * engine's true state.
 */

/** What a router knows about one replica at decision time (possibly stale). */
export interface ReplicaSignals {
  readonly index: number;
  readonly pool: string;
  readonly healthy: boolean;
  /** Requests waiting in the engine's queue. */
  readonly queueDepth: number;
  /** Sequences in the running batch. */
  readonly running: number;
  /** Requests the router has in flight there: its own count, always current for its own decisions. */
  readonly outstanding: number;
  /** Used KV blocks ÷ total blocks, 0–1. */
  readonly kvUtilization: number;
  readonly kvTotalBlocks: number;
  /** Prompt tokens queued but not yet prefilled (Dynamo's "queued prefill tokens"). */
  readonly queuedPrefillTokens: number;
  /** Requests routed there over the last refresh interval ÷ interval (for lowest-QPS fallbacks). */
  readonly recentRequestsPerSecond: number;
}

/** The request as a router sees it: pre-decision features only. */
export interface RoutedRequest {
  readonly id: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly tenant: string;
  readonly tier: string;
  readonly latencySensitive: boolean;
  readonly userId: string;
  readonly sessionId: string | null;
  readonly prefixGroup: string | null;
  /**
   * Chained hash keys of the prompt's full KV blocks (block i's key identifies the whole prefix up
   * to block i's end). Blocks unique to this request carry fresh keys, so they never match.
   */
  readonly blockKeys: readonly number[];
  readonly blockSizeTokens: number;
}

export interface RouterDecision {
  readonly replica: number;
  /** Probability the policy gave the chosen replica (1 for deterministic rules). */
  readonly propensity: number;
  /** Probability of every replica (index-aligned with the view); null when not computed. */
  readonly candidateProbabilities: readonly number[] | null;
  /** Why this replica, in a few words (e.g. "longest prefix match 12/16 blocks"). */
  readonly reason: string;
  /** Set when the rule's first choice was overridden (load guard, congestion, unhealthy target). */
  readonly fallbackReason: string | null;
  /**
   * The replica the policy recommended before an override (the intended action); absent when
   * what was executed is what it recommended.
   */
  readonly intendedReplica?: number | undefined;
}

/** One routing policy. `route` must draw randomness only from `rng`. */
export interface Router {
  readonly name: string;
  route(request: RoutedRequest, view: readonly ReplicaSignals[], rng: Rng): RouterDecision;
  /** Called after the decision is executed, so the router can update its own approximate index. */
  observe?(request: RoutedRequest, replica: number): void;
}
