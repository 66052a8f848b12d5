/**
 * Expected distinct experts touched in one MoE layer when `tokens` tokens each pick `k` of `experts`
 * uniformly (docs/design.md §3.5): E · (1 − (1 − k/E)^tokens). Each expert is missed by one token with
 * probability 1 − k/E, independently across tokens.
 */
export function expectedExpertsTouched(experts: number, expertsPerToken: number, tokens: number): number {
  return experts * (1 - Math.pow(1 - expertsPerToken / experts, tokens));
}
