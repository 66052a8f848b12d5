import { policyFor } from "../policy-for.js";
import type { RouterConfig } from "../routers/router-schema.js";
import type { ScenarioConfig } from "../scenario/scenario-schema.js";
import type { Assignment, PolicySpec } from "../simulate-fleet.js";
import type { SimRequestSpec } from "../sim-request.js";
import { createAssignment, poolArms } from "./assignment.js";

/** One simulation of a scenario: its policies and how requests are assigned to them. */
export interface PlannedRun {
  /** Suffix of the run id and folder under --out ("" for the primary run). */
  readonly label: string;
  readonly policies: PolicySpec[];
  readonly assign?: (request: SimRequestSpec) => Assignment;
}

/**
 * The runs a scenario needs. `primary` is what the scenario describes (the design run when it has
 * a design). The truth is everyone on A (policies.router) vs everyone on B (design.treatment, or
 * counterfactual.router without a design) on the same arrivals and request attributes (common
 * random numbers, docs/design.md §4). Without a design the primary run *is* all-A; with one, all-A is a run
 * of its own, so the design run is the third.
 */
export interface ScenarioRunPlan {
  readonly primary: PlannedRun;
  readonly truth: { readonly allA: PlannedRun | "primary"; readonly allB: PlannedRun; readonly control: RouterConfig; readonly treatment: RouterConfig } | null;
}

/**
 * Under pool-cluster randomization each pool serves its own users with its own router; the
 * counterfactual is that same system with every pool on one policy (not one router across all
 * pools, which is a different system).
 */
function poolClusterRun(label: string, router: RouterConfig, arm: "A" | "B", seed: number, pools: readonly string[]): PlannedRun {
  const assignPool = createAssignment({ type: "pool-cluster" }, { seed, pools });
  return { label, policies: pools.map((pool) => policyFor(router, pool)), assign: (request) => ({ ...assignPool(request), arm }) };
}

export function planScenarioRuns(config: ScenarioConfig, seed: number, pools: readonly string[]): ScenarioRunPlan {
  const control = config.policies.router;
  const design = config.design;
  if (!design) {
    const primary: PlannedRun = { label: "", policies: [policyFor(control)] };
    if (!config.counterfactual) return { primary, truth: null };
    const treatment = config.counterfactual.router;
    return { primary, truth: { allA: "primary", allB: { label: "-counterfactual", policies: [policyFor(treatment)] }, control, treatment } };
  }
  const treatment = design.treatment;
  const clustered = design.assignment.type === "pool-cluster";
  let policies: PolicySpec[];
  if (clustered) {
    const arms = poolArms(seed, pools);
    policies = pools.map((pool) => policyFor(arms.get(pool) === "B" ? treatment : control, pool));
  } else {
    policies = [policyFor(control), policyFor(treatment)];
  }
  const primary: PlannedRun = { label: "", policies, assign: createAssignment(design.assignment, { seed, pools }) };
  if (!config.counterfactual) return { primary, truth: null };
  const allA = clustered ? poolClusterRun("-all-a", control, "A", seed, pools) : { label: "-all-a", policies: [policyFor(control)] };
  const allB = clustered ? poolClusterRun("-counterfactual", treatment, "B", seed, pools) : { label: "-counterfactual", policies: [policyFor(treatment)] };
  return { primary, truth: { allA, allB, control, treatment } };
}
