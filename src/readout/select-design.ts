import { GoodputError } from "../errors.js";
import type { ReadoutTable } from "./readout-table.js";

export type DesignKind = "request" | "user" | "cluster" | "switchback" | "observational";

/** The design the readout analyses, why, and whether a request-level estimate may be presented as valid (docs/design.md §7.2). */
export interface DesignChoice {
  readonly requested: DesignKind | "auto";
  readonly chosen: DesignKind;
  /** The docs/design.md §7.2 row this falls under. */
  readonly situation: string;
  readonly keyCheck: string;
  /** The assignment unit in words, e.g. "time block (column time_block)". */
  readonly unit: string;
  /** Column whose labels are the assignment units (null: every row is its own unit). */
  readonly unitColumn: string | null;
  readonly unitCount: number;
  readonly sharedState: boolean;
  readonly sharedStateReason: string | null;
  /** False when the treatment changes shared state and rows / users are the analysed units. */
  readonly requestLevelValid: boolean;
  readonly validity: string;
  readonly recommendation: string | null;
  readonly story: string | null;
  /** Why this design was chosen. */
  readonly basis: readonly string[];
  /** The quasi-experimental design the story calls for (the comparison here is then not valid); null for randomized stories. */
  readonly storyDesign: QuasiDesign | null;
}

const sharedStatePattern = /\b(rout\w*|cache\w*|prefix|queue\w*|batch\w*|schedul\w*|fleet|replica\w*|kv|shared|capacity|admission|autoscal\w*|load[- ]balanc\w*|placement)\b/i;
const observationalPattern = /\b(observational|logs? only|not randomi[sz]ed|no randomi[sz]ation|self[- ]selected|opt[- ]in|chose|chosen by)\b/i;
const switchbackPattern = /\b(switchback|switch-back|time blocks?|alternat\w*|every \d+ ?(s|sec|seconds|min|minutes))\b/i;
const clusterPattern = /\b(cluster\w*|pools?|regions?|per replica|replica groups?|data ?cent(er|re)s?)\b/i;
const userPattern = /\b(users?|accounts?|workspaces?|tenants?|customers?)\b/i;

/** Assignment stories that are not randomized comparisons of the two arms (docs/design.md §7.2): each needs its own design. */
export type QuasiDesign = "rdd" | "did" | "ope" | "synthetic-control";
const storyDesigns: readonly { readonly design: QuasiDesign; readonly pattern: RegExp; readonly why: string; readonly command: string }[] = [
  { design: "rdd", pattern: /\b(cut-?offs?|thresholds?|above (a|the) \w+|below (a|the) \w+|at least \d|score[sd]? (over|above|of)|eligib\w+ (by|when|if))\b/i, why: "assignment followed a threshold of a running variable: units above and below differ in that variable, so the raw arm difference is confounded — only the local jump at the cutoff is identified", command: "--design rdd --running COL --cutoff C" },
  { design: "did", pattern: /\b(waves?|staged|staggered|phased|rolled out|roll-?out|one (region|cohort|team) at a time|gradual\w*)\b/i, why: "the rollout was staged in time: early and late adopters differ and time trends move both, so a cross-sectional comparison is confounded — compare changes (difference-in-differences / event study with pre-trends)", command: "--design did --unit COL --time COL --treatment COL" },
  { design: "ope", pattern: /\b(router logs?|logged propensit\w*|propensit(y|ies)|bandit|epsilon[- ]greedy|softmax polic\w*|only (have )?(the )?logs)\b/i, why: "only router logs exist: the logged policy chose actions from state, so arms are not randomized — evaluate the new policy off-policy from the logged propensities (DM, IPS, SNIPS, DR)", command: "--design ope --reward COL --target-policy NAME|FILE" },
  { design: "synthetic-control", pattern: /\b(one (region|fleet|provider|datacenter|data center|country)|single (region|fleet|provider)|only (region|fleet) \w+ (changed|switched))\b/i, why: "one unit changed and the others did not: compare it with a weighted donor pool (synthetic control) over the pre-period", command: "--design synthetic-control --unit COL --time COL --treated-unit NAME --treatment-start T --pre-period A-B" },
];

/** The quasi-experimental design an assignment story describes, if any (threshold → RDD, waves → DiD, router logs → OPE, one unit → SC). */
export function storyDesign(story: string | null): { readonly design: QuasiDesign; readonly why: string; readonly command: string } | null {
  if (story === null) return null;
  return storyDesigns.find((entry) => entry.pattern.test(story)) ?? null;
}

/** Counts distinct non-null labels and reads the canonical "kind:" prefix of assignment_unit values. */
function describeUnits(labels: readonly (string | null)[]): { count: number; prefixes: Set<string>; rowsPerUnit: number } {
  const seen = new Set<string>();
  const prefixes = new Set<string>();
  let present = 0;
  for (const label of labels) {
    if (label === null) continue;
    present++;
    seen.add(label);
    const colon = label.indexOf(":");
    if (colon > 0) prefixes.add(label.slice(0, colon));
  }
  return { count: seen.size, prefixes, rowsPerUnit: seen.size === 0 ? 1 : present / seen.size };
}

/** Picks the design from the requested one, the assignment story and the columns (docs/design.md §7.2). */
export function selectDesign(table: ReadoutTable, options: { readonly requested: DesignKind | "auto"; readonly story: string | null }): DesignChoice {
  const { requested, story } = options;
  const basis: string[] = [];
  const units = table.unit === null ? null : describeUnits(table.unit.labels);
  const policies = new Set((table.log.policy ?? []).filter((value): value is string => value !== null));
  let sharedStateReason: string | null = null;
  if (story !== null && sharedStatePattern.test(story)) sharedStateReason = `the assignment story says the policy acts on shared serving state ("${story.match(sharedStatePattern)?.[0] ?? ""}"): requests in both arms share queues, KV caches and replicas`;
  else if (table.isRequestLog && policies.size > 0) sharedStateReason = `the log's policy column names routing policies (${[...policies].slice(0, 4).join(", ")}): a router changes the queues and prefix caches every request shares`;
  const sharedState = sharedStateReason !== null;

  let chosen: DesignKind;
  if (requested !== "auto") {
    chosen = requested;
    basis.push(`--design ${requested}`);
  } else if (story !== null && observationalPattern.test(story)) {
    chosen = "observational";
    basis.push("the assignment story says treatment was not randomized");
  } else if (units?.prefixes.has("block") === true || (story !== null && switchbackPattern.test(story))) {
    chosen = "switchback";
    basis.push(units?.prefixes.has("block") === true ? "assignment units are time blocks (block:… labels)" : "the assignment story describes time blocks");
  } else if ((table.cluster !== null && !table.clusterSpansArms) || units?.prefixes.has("pool") === true || (story !== null && clusterPattern.test(story) && !table.clusterSpansArms && storyDesign(story) === null)) {
    chosen = "cluster";
    basis.push(table.cluster !== null ? `--cluster ${table.cluster.name} (every cluster sits in one arm: clusters are the assignment units)` : units?.prefixes.has("pool") === true ? "assignment units are pools (pool:… labels)" : "the assignment story randomizes clusters");
  } else if (units?.prefixes.has("user") === true || (units !== null && units.rowsPerUnit > 1.0001) || (story !== null && userPattern.test(story))) {
    chosen = "user";
    basis.push(units !== null ? `assignment units (${table.unit?.name ?? ""}) hold ${units.rowsPerUnit.toFixed(1)} rows each` : "the assignment story randomizes users");
  } else {
    chosen = "request";
    basis.push(units === null ? "no assignment-unit column: every row is its own unit" : "every row is its own assignment unit");
  }
  if (table.cluster !== null && table.clusterSpansArms) basis.push(`--cluster ${table.cluster.name}: treatment varies within its clusters, so they group correlated rows for CR2 SEs (Bell–McCaffrey df); they are not the assignment unit`);
  if (sharedState && sharedStateReason !== null) basis.push(sharedStateReason);

  let unitColumn: string | null = null;
  let unit = "request (row)";
  let unitCount = table.rows;
  if (chosen === "switchback") {
    if (table.block === null) throw new GoodputError("BAD_USAGE", `${table.file}: a switchback readout needs the time-block column; pass --block COLUMN (no time_block column with values found).`, { where: "--block" });
    unitColumn = table.block.name;
    unit = `time block (column ${table.block.name})`;
    unitCount = describeUnits(table.block.labels).count;
  } else if (chosen === "cluster") {
    const column = (table.clusterSpansArms ? null : table.cluster) ?? table.unit;
    if (column === null) throw new GoodputError("BAD_USAGE", `${table.file}: a cluster readout needs the cluster column; pass --cluster COLUMN.`, { where: "--cluster" });
    unitColumn = column.name;
    unit = `cluster (column ${column.name})`;
    unitCount = describeUnits(column.labels).count;
    if (unitCount < 2) throw new GoodputError("BAD_INPUT", `${table.file}: all rows are in one cluster of "${column.name}"; a cluster readout needs at least 2 clusters.`, { where: `${table.file}:${column.name}` });
  } else if (chosen === "user" && table.unit !== null) {
    unitColumn = table.unit.name;
    unit = `user / unit (column ${table.unit.name})`;
    unitCount = units?.count ?? table.rows;
  }

  const rowsAreUnits = chosen === "request" || chosen === "user" || chosen === "observational";
  // A story that describes a threshold, a staged rollout or router logs is not an RCT: never read the arm difference as one.
  const quasi = requested === "auto" ? storyDesign(story) : null;
  if (quasi !== null) basis.push(`the assignment story describes a ${quasi.design === "rdd" ? "threshold (regression discontinuity)" : quasi.design === "did" ? "staged rollout (difference-in-differences)" : quasi.design === "ope" ? "logged routing policy (off-policy evaluation)" : "single treated unit (synthetic control)"}`);
  const requestLevelValid = !(sharedState && rowsAreUnits) && quasi === null;
  const situation = chosen === "observational" ? "logs only" : chosen === "switchback" || chosen === "cluster" ? "policy changes shared state (queue, cache, fleet)" : "randomization feasible, low spillover";
  const keyCheck = chosen === "observational" ? "overlap; unobserved confounding stated" : chosen === "switchback" || chosen === "cluster" ? "no per-request independence claims" : "SRM, balance, unit matches decision";
  const validity = requestLevelValid
    ? chosen === "switchback" || chosen === "cluster"
      ? `analysed at the ${chosen === "switchback" ? "time-block" : "cluster"} level: each ${chosen === "switchback" ? "block" : "cluster"} runs one policy for all its traffic, so the comparison includes the policy's effect on shared state`
      : chosen === "observational"
        ? "observational: estimates are associations adjusted for the given covariates; unobserved confounding is not ruled out"
        : "randomized at the analysed unit with no shared state named: the unit-level comparison estimates the ATE"
    : quasi !== null
      ? `NOT VALID as a randomized comparison: ${quasi.why}`
      : `NOT VALID as an estimate of the rollout effect: ${sharedStateReason ?? ""}. A ${chosen}-level A/B measures a policy running beside the other one, not the fleet running it alone — both arms see the other arm's effect on the shared state (interference), so the difference is biased against the global effect`;
  const recommendation = requestLevelValid
    ? chosen === "observational"
      ? "randomize if you can (request / user RCT, or switchback when the policy changes shared state); until then treat the estimate as a hypothesis"
      : null
    : quasi !== null
      ? `goodput readout FILE ${quasi.command}`
      : "run a switchback (the whole fleet alternates policy in time blocks — e.g. 20–60 s blocks with a washout — analysed at block level: goodput readout FILE --design switchback) or cluster randomization (whole pools / replica groups per arm, analysed with CR2 by cluster)";
  return { requested, chosen, situation, keyCheck, unit, unitColumn, unitCount, sharedState, sharedStateReason, requestLevelValid, validity, recommendation, story, basis, storyDesign: quasi?.design ?? null };
}
