import { GoodputError } from "../errors.js";
import type { PoolSpec } from "./simulate-fleet.js";

/**
 * Checks the fleet the core is asked to simulate, whoever built it (CLI scenario or library caller).
 * Prefix keys are per KV block, so a fleet whose pools page KV in different block sizes cannot
 * share one key space: keying every pool with one size would let a cached prefix exceed what the
 * requests actually share.
 */
export function validatePools(pools: readonly PoolSpec[]): void {
  if (pools.length === 0) throw new GoodputError("BAD_INPUT", "simulateFleet: pools is empty; give at least one pool with one replica.", { where: "pools" });
  const first = pools[0];
  for (const pool of pools) {
    if (!Number.isInteger(pool.replicas) || pool.replicas < 1) {
      throw new GoodputError("BAD_INPUT", `simulateFleet: pool "${pool.name}" has replicas ${pool.replicas}; give a whole number ≥ 1.`, { where: `pools.${pool.name}.replicas` });
    }
    if (first && pool.engine.blockSizeTokens !== first.engine.blockSizeTokens) {
      throw new GoodputError(
        "BAD_INPUT",
        `simulateFleet: pool "${pool.name}" uses engine.blockSizeTokens ${pool.engine.blockSizeTokens} but pool "${first.name}" uses ${first.engine.blockSizeTokens}; prefix keys are per block, so every pool must use the same block size — set them equal.`,
        { where: `pools.${pool.name}.engine.blockSizeTokens` },
      );
    }
  }
}
