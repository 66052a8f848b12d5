import { fnv1a } from "../../numeric/hash.js";
import { hashUniform } from "../../numeric/rng.js";
import type { SimRequestSpec } from "../sim-request.js";
import type { Assignment } from "../simulate-fleet.js";

export type AssignmentDesign =
  | { readonly type: "request-rct"; readonly treatmentShare: number }
  | { readonly type: "user-rct"; readonly treatmentShare: number }
  | { readonly type: "pool-cluster" }
  | { readonly type: "switchback"; readonly blockSeconds: number; readonly washoutSeconds: number };

// Salts keep the design's coin independent of every other per-request draw.
const requestSalt = 0x5eed_0001;
const userSalt = 0x5eed_0002;
const blockSalt = 0x5eed_0003;
const poolSalt = 0x5eed_0004;

/** Arms of the pools under cluster randomization: a seeded shuffle, first half control, second half treatment. */
export function poolArms(seed: number, pools: readonly string[]): ReadonlyMap<string, "A" | "B"> {
  const order = [...pools].sort((a, b) => hashUniform(seed, fnv1a(a), poolSalt) - hashUniform(seed, fnv1a(b), poolSalt) || a.localeCompare(b));
  return new Map(order.map((pool, index) => [pool, index < Math.ceil(order.length / 2) ? "A" : "B"] as const));
}

/**
 * Assigns each request to control (policy 0, arm "A") or treatment (policy 1, arm "B") inside one
 * simulated system, recording the assignment unit and time block (docs/design.md §4):
 * - request-rct: an independent coin per request;
 * - user-rct: one coin per user, so a user's requests share an arm;
 * - pool-cluster: each pool is a cluster with one arm; a user's requests go to one pool (policy
 *   index = pool index, the policy restricted to that pool);
 * - switchback: the whole fleet switches arm per time block; requests arriving in a block's first
 *   `washoutSeconds` are labelled washout (carryover from the previous block).
 */
export function createAssignment(design: AssignmentDesign, options: { readonly seed: number; readonly pools: readonly string[] }): (request: SimRequestSpec) => Assignment {
  const { seed } = options;
  switch (design.type) {
    case "request-rct":
      return (request) => {
        const treated = hashUniform(seed, request.id, requestSalt) < design.treatmentShare;
        return { policyIndex: treated ? 1 : 0, arm: treated ? "B" : "A", unit: `request:${request.id}`, block: null };
      };
    case "user-rct":
      return (request) => {
        const treated = hashUniform(seed, fnv1a(request.userId), userSalt) < design.treatmentShare;
        return { policyIndex: treated ? 1 : 0, arm: treated ? "B" : "A", unit: `user:${request.userId}`, block: null };
      };
    case "pool-cluster": {
      const arms = poolArms(seed, options.pools);
      return (request) => {
        const poolIndex = fnv1a(request.userId) % options.pools.length;
        const pool = options.pools[poolIndex] ?? "";
        return { policyIndex: poolIndex, arm: arms.get(pool) ?? "A", unit: `pool:${pool}`, block: null };
      };
    }
    case "switchback":
      return (request) => {
        const block = Math.floor(request.arrivalSeconds / design.blockSeconds);
        const treated = hashUniform(seed, block, blockSalt) < 0.5;
        const washout = request.arrivalSeconds - block * design.blockSeconds < design.washoutSeconds;
        return { policyIndex: treated ? 1 : 0, arm: treated ? "B" : "A", unit: washout ? `block:${block}:washout` : `block:${block}`, block };
      };
  }
}
