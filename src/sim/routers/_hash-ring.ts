import { mix32 } from "../../numeric/hash.js";
import { _hashNumber } from "./_hash.js";
import type { ReplicaSignals } from "./router.js";
import { _eligible } from "./_view.js";

/** Default virtual nodes per replica on a consistent-hash ring. */
export const defaultVirtualNodes = 100;

/** Where a key landed: the replica and whether the walk skipped the hashed-to replica. */
export interface _RingHit {
  readonly signals: ReplicaSignals;
  /** The replica the key hashed to (before skipping ineligible ones). */
  readonly primary: ReplicaSignals;
}

/**
 * A consistent-hash ring over the view's replica indices (Karger et al. 1997): `virtualNodes`
 * points per replica at fmix32-mixed positions. It is rebuilt only when the view's replica set
 * changes, so a key keeps its replica as long as the set is stable; unhealthy replicas stay on
 * the ring and are skipped clockwise, so their keys return when they recover.
 */
export class _HashRing {
  private points = new Uint32Array(0);
  private owners = new Int32Array(0);
  private indices: number[] = [];

  constructor(private readonly virtualNodes: number) {}

  /** The first eligible replica clockwise from `hash`. */
  locate(hash: number, view: readonly ReplicaSignals[], anyHealthy: boolean): _RingHit {
    this.sync(view);
    const count = this.points.length;
    let low = 0;
    let high = count;
    const target = hash >>> 0;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.points[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    const start = low === count ? 0 : low;
    const primary = view[this.owners[start] ?? 0];
    if (primary === undefined) throw new RangeError("hash ring out of sync with its view");
    for (let step = 0; step < count; step++) {
      const signals = view[this.owners[(start + step) % count] ?? 0];
      if (signals !== undefined && _eligible(signals, anyHealthy)) return { signals, primary };
    }
    return { signals: primary, primary };
  }

  private sync(view: readonly ReplicaSignals[]): void {
    let same = this.indices.length === view.length;
    for (let position = 0; same && position < view.length; position++) {
      same = this.indices[position] === view[position]?.index;
    }
    if (same) return;
    this.indices = view.map((signals) => signals.index);
    const total = view.length * this.virtualNodes;
    const hashes = new Uint32Array(total);
    const ownerOf = new Int32Array(total);
    for (let position = 0; position < view.length; position++) {
      const replicaHash = _hashNumber(this.indices[position] ?? 0);
      for (let node = 0; node < this.virtualNodes; node++) {
        const slot = position * this.virtualNodes + node;
        hashes[slot] = mix32(replicaHash ^ mix32(node + 0x632be5ab));
        ownerOf[slot] = position;
      }
    }
    const order = Array.from({ length: total }, (_, slot) => slot);
    const replicaAt = (slot: number): number => this.indices[ownerOf[slot] ?? 0] ?? 0;
    order.sort((a, b) => (hashes[a] ?? 0) - (hashes[b] ?? 0) || replicaAt(a) - replicaAt(b));
    this.points = Uint32Array.from(order, (slot) => hashes[slot] ?? 0);
    this.owners = Int32Array.from(order, (slot) => ownerOf[slot] ?? 0);
  }
}
