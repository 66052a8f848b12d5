/** A generated request, as the workload produces it (pre-decision features only). */
export interface SimRequestSpec {
  readonly id: number;
  readonly arrivalSeconds: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly tenant: string;
  readonly tier: string;
  readonly latencySensitive: boolean;
  readonly userId: string;
  readonly sessionId: string | null;
  readonly turn: number;
  readonly prefixGroup: string | null;
  readonly prefixTokens: number;
  readonly historyTokens: number;
  readonly workloadClass: string;
  readonly preUsage: number;
  /**
   * Trace replay (Mooncake): prefix block ids over `hashBlockTokens`-token blocks; two requests
   * whose first k ids agree share the KV of their first k × hashBlockTokens tokens.
   */
  readonly hashIds?: readonly number[] | undefined;
  readonly hashBlockTokens?: number | undefined;
  /**
   * Prefix keys of the prompt's full blocks (at the fleet's block size), when the caller hashes the
   * prompt's tokens itself (serve: vLLM-style chained block hashes). They replace the group and
   * session keys; output blocks stay unshared.
   */
  readonly promptBlockKeys?: readonly number[];
}

/** Where the simulator pulls requests from, in nondecreasing arrival order; null when exhausted. */
export interface RequestSource {
  next(): SimRequestSpec | null;
}
