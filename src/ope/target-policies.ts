import { mixedStringHash } from "../numeric/hash.js";
import { GoodputError } from "../errors.js";

/**
 * What a target policy may look at for one logged row. The canonical log records only the *chosen*
 * replica's decision-time state, not every replica's, so state-dependent routers (least-queue,
 * cache-aware, KV-cost) cannot be replayed from it; target policies here use request features and
 * the logged probabilities only.
 */
export interface OpeRow {
  readonly loggedAction: number;
  readonly prefixGroup: string | null;
  /** The logger's probability of every action at this row, when logged. */
  readonly loggingProbabilities: readonly number[] | null;
}

/** A target policy π(a | x) over K actions for off-policy evaluation. */
export interface TargetPolicy {
  readonly name: string;
  readonly description: string;
  /** π(· | row) over the K actions; sums to 1. */
  probabilities(row: OpeRow, actions: number): Float64Array;
}

const oneHot = (action: number, actions: number): Float64Array => {
  const probabilities = new Float64Array(actions);
  probabilities[action] = 1;
  return probabilities;
};

/** Uniform over all K actions. */
export function uniformPolicy(): TargetPolicy {
  return { name: "uniform", description: "uniform random over all replicas", probabilities: (_row, actions) => new Float64Array(actions).fill(1 / actions) };
}

/** Always action `action` (e.g. "send everything to replica 0"). */
export function fixedActionPolicy(action: number): TargetPolicy {
  return {
    name: `replica-${action}`,
    description: `always replica ${action}`,
    probabilities: (_row, actions) => {
      if (action >= actions) throw new GoodputError("BAD_INPUT", `target policy replica-${action} names a replica beyond the log's ${actions} replicas (0…${actions - 1}).`, { where: "--target-policy" });
      return oneHot(action, actions);
    },
  };
}

/**
 * The logger's most likely action in each row (ties → lowest index): for an ε-exploration wrapper this is
 * the base router's choice, so it evaluates "the base router without exploration". Needs per-row probabilities.
 */
export function loggedGreedyPolicy(): TargetPolicy {
  return {
    name: "logged-greedy",
    description: "the logging policy's most likely replica in each row (the base router of an ε-exploration wrapper)",
    probabilities: (row, actions) => {
      const logged = row.loggingProbabilities;
      if (logged === null) throw new GoodputError("BAD_INPUT", "target policy logged-greedy needs every row's action_probabilities; instrument the router to log every candidate's probability.", { where: "action_probabilities" });
      let best = 0;
      for (let a = 1; a < actions; a++) if ((logged[a] ?? 0) > (logged[best] ?? 0)) best = a;
      return oneHot(best, actions);
    },
  };
}

/** The home replica of a prefix group under the prefix-affine rule: hash(prefix_group) mod K. */
export function prefixAffineReplica(prefixGroup: string, replicas: number): number {
  return mixedStringHash(prefixGroup) % replicas;
}

/**
 * Prefix-affine routing: every request of a prefix group goes to its home replica hash(group) mod K (no load
 * guard, so it is expressible per row); requests without a prefix group are spread uniformly.
 */
export function prefixAffinePolicy(): TargetPolicy {
  return {
    name: "prefix-affine",
    description: "replica = hash(prefix_group) mod K (no load guard); uniform when the row has no prefix group",
    probabilities: (row, actions) => (row.prefixGroup === null ? new Float64Array(actions).fill(1 / actions) : oneHot(prefixAffineReplica(row.prefixGroup, actions), actions)),
  };
}

/** The target policies `--target-policy` accepts. */
export const targetPolicyNames = ["uniform", "logged-greedy", "prefix-affine", "replica-N"] as const;

/** Parses a `--target-policy` value: uniform | logged-greedy | prefix-affine | replica-N. */
export function targetPolicyByName(name: string): TargetPolicy {
  const text = name.trim();
  if (text === "uniform") return uniformPolicy();
  if (text === "logged-greedy") return loggedGreedyPolicy();
  if (text === "prefix-affine") return prefixAffinePolicy();
  const fixed = /^replica-(\d+)$/.exec(text);
  if (fixed !== null) return fixedActionPolicy(Number(fixed[1]));
  throw new GoodputError("BAD_USAGE", `--target-policy "${name}" is not one of ${targetPolicyNames.join(", ")}; for example --target-policy prefix-affine.`, { where: "--target-policy" });
}

/** π(a | x_i) for every row, row-major n × K. */
export function targetProbabilities(policy: TargetPolicy, rows: readonly OpeRow[], actions: number): Float64Array {
  const matrix = new Float64Array(rows.length * actions);
  rows.forEach((row, i) => {
    matrix.set(policy.probabilities(row, actions), i * actions);
  });
  return matrix;
}
