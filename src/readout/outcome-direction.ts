/** Outcome-name conventions: which columns are latencies (must be ≥ 0) and which direction is better. */

const latencyPattern = /(^|_)(ttft|tpot|e2e|latency|wait|duration|elapsed)(_|$)|(_s|_ms|_seconds|_sec)$/i;
const lowerIsBetterPattern = /(^|_)(ttft|tpot|e2e|latency|wait|duration|cost|usd|error|errors|fail|failed|failure|gpu|seconds|preemptions|drop|dropped|timeout)(_|$)|(_s|_ms|_seconds|_usd)$/i;
const costPattern = /(^|_)(cost|usd|gpu|spend|price)(_|$)|_usd$/i;

/** A latency or duration column (name ends in _s / _ms or names TTFT, TPOT, E2E, latency, wait). */
export function isLatencyLike(name: string): boolean {
  return latencyPattern.test(name);
}

/** Latency, cost, errors: a decrease is the improvement. Everything else (earnings, success, goodput): an increase. */
export function isLowerBetter(name: string): boolean {
  return lowerIsBetterPattern.test(name);
}

/** A cost column (the business pays the raw mean of it). */
export function isCostLike(name: string): boolean {
  return costPattern.test(name);
}
