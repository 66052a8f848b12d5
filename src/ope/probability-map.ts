import { GoodputError } from "../errors.js";

/** Action labels ↔ indices 0 … K−1: "replica-N" / "N" keep their number; any other labels are indexed in sorted order. */
export interface ActionSpace {
  readonly labels: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** True when every label is replica-N / N (arrays of probabilities are then indexed by N). */
  readonly numbered: boolean;
}

const numberOf = (label: string): number | null => {
  const match = /^(?:replica-)?(\d+)$/.exec(label.trim());
  return match === null ? null : Number(match[1]);
};

/** The action space of a log: its logged labels plus any a target policy names (those have no logging support). */
export function actionSpace(labels: Iterable<string>): ActionSpace {
  const distinct = [...new Set(labels)];
  if (distinct.length > 0 && distinct.every((label) => numberOf(label) !== null)) {
    const count = Math.max(...distinct.map((label) => (numberOf(label) ?? 0) + 1));
    const names = Array.from({ length: count }, (_, a) => distinct.find((label) => numberOf(label) === a) ?? `replica-${a}`);
    return { labels: names, index: new Map(distinct.map((label) => [label, numberOf(label) ?? 0])), numbered: true };
  }
  const sorted = distinct.sort();
  return { labels: sorted, index: new Map(sorted.map((label, a) => [label, a])), numbered: false };
}

/**
 * Probabilities over the action space from a JSON array (numbered actions only) or an object {label: p}. Every p ≥ 0,
 * the sum within 1e-6 of 1, every label known — else a BAD_INPUT naming `where`.
 */
export function probabilityVector(value: unknown, space: ActionSpace, where: string): Float64Array {
  const vector = new Float64Array(space.labels.length);
  if (Array.isArray(value)) {
    if (!space.numbered) throw new GoodputError("BAD_INPUT", `${where}: a probability array needs numbered actions (replica-N); with labels (${space.labels.slice(0, 4).join(", ")}) write an object {"label": p, …}.`, { where });
    value.forEach((p, a) => {
      if (a < vector.length) vector[a] = Number(p);
      else if (Number(p) !== 0) throw new GoodputError("BAD_INPUT", `${where}: probability for action ${a} but the log has ${vector.length} actions.`, { where });
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [label, p] of Object.entries(value)) {
      const a = space.index.get(label);
      if (a === undefined) throw new GoodputError("BAD_INPUT", `${where}: action "${label}" is not one of the log's actions (${space.labels.join(", ")}).`, { where });
      vector[a] = Number(p);
    }
  } else throw new GoodputError("BAD_INPUT", `${where}: ${JSON.stringify(value)} is not a probability array or an object {"action": p}.`, { where });
  let sum = 0;
  for (const p of vector) {
    if (!(p >= 0) || !Number.isFinite(p)) throw new GoodputError("BAD_INPUT", `${where}: probabilities must be finite and ≥ 0 (got ${JSON.stringify(value)}).`, { where });
    sum += p;
  }
  if (Math.abs(sum - 1) > 1e-6) throw new GoodputError("BAD_INPUT", `${where}: probabilities sum to ${sum}, not 1 (${JSON.stringify(value)}).`, { where });
  return vector;
}

/** A target policy written in a file: one distribution for every row, or one per value of a context column. */
export interface PolicyFile {
  readonly name: string;
  /** Context column the rules are keyed by (e.g. tier); absent = the same distribution for every row. */
  readonly by: string | null;
  readonly rules: ReadonlyMap<string, unknown>;
  readonly fallback: unknown;
}

/** Parses {name?, probabilities} or {name?, by, rules: {value: probabilities}, default?} (YAML or JSON, already parsed). */
export function parsePolicyFile(raw: unknown, where: string): PolicyFile {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new GoodputError("BAD_FILE", `${where}: a target policy file is an object: {probabilities: {action: p}} or {by: COLUMN, rules: {value: {action: p}}, default: {…}}.`, { where });
  const record = raw as Record<string, unknown>;
  const name = typeof record.name === "string" ? record.name : where;
  if (record.probabilities !== undefined) return { name, by: null, rules: new Map(), fallback: record.probabilities };
  if (typeof record.by !== "string" || typeof record.rules !== "object" || record.rules === null) throw new GoodputError("BAD_FILE", `${where}: give either probabilities: {action: p} or by: COLUMN with rules: {value: {action: p}}.`, { where });
  return { name, by: record.by, rules: new Map(Object.entries(record.rules as Record<string, unknown>)), fallback: record.default ?? null };
}

/** Labels a policy file names (so actions the log never took still get a slot — with no logging support). */
export function policyFileLabels(policy: PolicyFile): string[] {
  const labelsOf = (value: unknown): string[] => (typeof value === "object" && value !== null && !Array.isArray(value) ? Object.keys(value) : []);
  return [...labelsOf(policy.fallback), ...[...policy.rules.values()].flatMap(labelsOf)];
}
