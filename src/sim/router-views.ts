import type { ReplicaEngine } from "./engine/replica-engine.js";
import type { ReplicaSignals } from "./routers/router.js";

/** A replica's signals as a router reads them; mutable here so views are refilled, not reallocated. */
type MutableSignals = { -readonly [Key in keyof ReplicaSignals]: ReplicaSignals[Key] };

function blankSignals(replica: ReplicaEngine): MutableSignals {
  return {
    index: replica.index, pool: replica.pool, healthy: true, queueDepth: 0, running: 0, outstanding: 0, kvUtilization: 0, kvTotalBlocks: replica.blocks.totalBlocks, queuedPrefillTokens: 0, recentRequestsPerSecond: 0,
  };
}

/**
 * What each router replica sees of the fleet. Engine signals are scraped every
 * `refreshSeconds` (0 = read live at each decision), as a router polling vLLM's /metrics would;
 * the router's own in-flight counts are always current, because it keeps them itself.
 */
export class RouterViews {
  // One view per (policy, router copy), refilled at each decision.
  private readonly views: MutableSignals[][][];
  private readonly snapshot: MutableSignals[];
  private snapshotSeconds = -Infinity;
  /** Requests routed to each replica since the last scrape (the router-side arrival rate). */
  private readonly routedInWindow: Float64Array;

  constructor(
    private readonly replicas: readonly ReplicaEngine[],
    shape: readonly (readonly unknown[])[],
    private readonly refreshSeconds: number,
  ) {
    this.views = shape.map((copies) => copies.map(() => replicas.map(blankSignals)));
    this.snapshot = replicas.map(blankSignals);
    this.routedInWindow = new Float64Array(replicas.length);
  }

  /** Counts a decision toward the replica's recent request rate. */
  noteRouted(replica: number): void {
    this.routedInWindow[replica] = (this.routedInWindow[replica] ?? 0) + 1;
  }

  /** The view router copy `copy` of policy `policy` decides on at `now`; `own` are its in-flight counts. */
  viewFor(policy: number, copy: number, now: number, own: Int32Array | undefined): readonly ReplicaSignals[] {
    const view = this.views[policy]?.[copy] ?? [];
    if (this.refreshSeconds <= 0) {
      for (const replica of this.replicas) {
        const row = view[replica.index];
        if (!row) continue;
        this.read(replica, row);
        row.outstanding = own?.[replica.index] ?? 0;
      }
      return view;
    }
    if (now - this.snapshotSeconds >= this.refreshSeconds) {
      for (const replica of this.replicas) {
        const row = this.snapshot[replica.index];
        if (row) this.read(replica, row);
      }
      this.snapshotSeconds = now;
      this.routedInWindow.fill(0);
    }
    // Engine signals are as stale as the last scrape; the router's own in-flight counts are current.
    for (const stale of this.snapshot) {
      const row = view[stale.index];
      if (!row) continue;
      Object.assign(row, stale);
      row.outstanding = own?.[stale.index] ?? 0;
    }
    return view;
  }

  private read(replica: ReplicaEngine, into: MutableSignals): void {
    into.healthy = replica.healthy;
    into.queueDepth = replica.queueDepth;
    into.running = replica.runningCount;
    into.kvUtilization = replica.kvUtilization;
    into.queuedPrefillTokens = replica.queuedPrefillTokens;
    into.recentRequestsPerSecond = this.refreshSeconds > 0 ? (this.routedInWindow[replica.index] ?? 0) / this.refreshSeconds : 0;
  }
}
