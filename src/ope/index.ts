/** Off-policy evaluation of routing policies from logs with propensities (docs/design.md §7.4): pure functions. */
export type { LoggedBandit } from "./logged-bandit.js";
export type { OpeEstimate, OpeMethod } from "./ope-estimate.js";
export { fitRewardModel, type ActionFit, type RewardModel, type RewardModelOptions } from "./reward-model.js";
export { estimateIps, type ClipOptions } from "./estimate-ips.js";
export { estimateSnips } from "./estimate-snips.js";
export { estimateDirectMethod } from "./estimate-direct-method.js";
export { estimateDoublyRobust, estimatePolicyImprovement } from "./estimate-doubly-robust.js";
export { weightDiagnostics, type WeightDiagnostics, type WeightDiagnosticsOptions } from "./weight-diagnostics.js";
export { evaluateOffPolicy, opeAssumption, type EvaluateOffPolicyOptions, type OffPolicyEvaluation } from "./evaluate-off-policy.js";
export { fixedActionPolicy, loggedGreedyPolicy, prefixAffinePolicy, prefixAffineReplica, targetPolicyByName, targetPolicyNames, targetProbabilities, uniformPolicy, type OpeRow, type TargetPolicy } from "./target-policies.js";
export { actionSpace, parsePolicyFile, policyFileLabels, probabilityVector, type ActionSpace, type PolicyFile } from "./probability-map.js";
