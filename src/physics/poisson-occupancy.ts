/**
 * Live requests under Poisson arrivals: with unlimited slots the number holding KV is Poisson with
 * mean λ·R whatever the residence-time distribution (M/G/∞, Kleinrock, Queueing Systems I, §6.5).
 * P(N > slots) is the share of time a pool of `slots` sequences would be over-subscribed.
 */
export function poissonCdf(mean: number, n: number): number {
  if (n < 0) return 0;
  if (mean === 0) return 1;
  // log p(k) by the recurrence p(k) = p(k−1) · λ/k, so e^(−λ) never underflows on its own.
  let logTerm = -mean;
  let sum = Math.exp(logTerm);
  for (let k = 1; k <= Math.floor(n); k += 1) {
    logTerm += Math.log(mean / k);
    sum += Math.exp(logTerm);
  }
  return Math.min(1, sum);
}

/** P(N > slots) for N ~ Poisson(mean). */
export function poissonOverflowProbability(mean: number, slots: number): number {
  return Math.max(0, 1 - poissonCdf(mean, slots));
}

/** Smallest n with P(N ≤ n) ≥ q for N ~ Poisson(mean). */
export function poissonQuantile(mean: number, q: number): number {
  let logTerm = -mean;
  let sum = Math.exp(logTerm);
  let n = 0;
  while (sum < q && n < mean + 50 * Math.sqrt(mean) + 50) {
    n += 1;
    logTerm += Math.log(mean / n);
    sum += Math.exp(logTerm);
  }
  return n;
}
