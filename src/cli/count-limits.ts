/**
 * Upper bounds of the CLI's count flags, by flag name (every command that takes the flag gets the bound): a count past
 * these would run for hours, fill the disk or exhaust memory before doing anything useful, so it is refused up front
 * with exit 2 instead of hanging or crashing. Each bound sits well above any realistic use; README "Limits" lists them.
 */
export const countLimits: Readonly<Record<string, { readonly max: number; readonly why: string }>> = {
  requests: { max: 10_000_000, why: "about 10 minutes of simulation and ~12 GB of request log; split larger runs" },
  permutations: { max: 1_000_000, why: "randomization inference's p-value resolution is 1/P; 10^6 is far past any decision's need" },
  bootstrap: { max: 100_000, why: "bootstrap CIs settle long before 10^5 replicates" },
  folds: { max: 100, why: "cross-fitting uses a handful of folds (5 by default)" },
  replicas: { max: 10_000, why: "no fleet behind one router is larger; calc locality takes ~10 s there" },
  prefixes: { max: 1_000_000, why: "distinct shared prefixes; calc locality takes ~15 s at this many" },
  "prefix-groups": { max: 1_000_000, why: "distinct shared prefixes" },
  "prefix-tokens": { max: 10_000_000, why: "longer than any model's context window" },
  "prompt-tokens": { max: 10_000_000, why: "longer than any model's context window" },
  "output-tokens": { max: 10_000_000, why: "longer than any model's context window" },
  prompt: { max: 10_000_000, why: "tokens; longer than any model's context window" },
  context: { max: 10_000_000, why: "tokens; longer than any model's context window" },
  "context-samples": { max: 10_000_000, why: "tokens; longer than any model's context window" },
  batch: { max: 1_000_000, why: "sequences in one batch; engines cap this in the thousands" },
  concurrency: { max: 100_000, why: "open connections of one load generator" },
  "sweep-concurrency": { max: 100_000, why: "open connections of one load generator" },
  tp: { max: 1024, why: "GPUs in one tensor-parallel group" },
  gpus: { max: 1_000_000, why: "GPUs in one deployment" },
  "kv-blocks": { max: 1_000_000_000, why: "KV blocks of one replica" },
  "block-size": { max: 1_000_000, why: "tokens per KV block" },
};

/** The bound shown in --help for a count flag, e.g. " (at most 10,000,000)"; empty for other flags. */
export function countLimitHelp(name: string): string {
  const limit = countLimits[name];
  return limit === undefined ? "" : ` (at most ${limit.max.toLocaleString("en-US")})`;
}
