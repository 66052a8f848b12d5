/** Outcome-name conventions: which columns are latencies (must be ≥ 0) and which direction is better. */

const latencyPattern = /(^|_)(ttft|tpot|e2e|latency|wait|duration|elapsed)(_|$)|(_s|_ms|_seconds|_sec)$/i;
const lowerIsBetterPattern = /(^|_)(ttft|tpot|e2e|latency|wait|duration|cost|usd|error|errors|fail|failed|failure|gpu|seconds|preemptions|drop|dropped|timeout)(_|$)|(_s|_ms|_seconds|_usd)$/i;
const costPattern = /(^|_)(cost|usd|gpu|spend|price)(_|$)|_usd$/i;

// A rate per unit time (tokens_per_s, requests_per_s, tok_s, rps, throughput): the "_s" is a denominator, not a duration.
const ratePattern = /(^|_)(per_s|per_sec|per_second|per_ms|tok_s|tokens_s|rps|qps|tps|throughput)(_|$)/i;

/** A latency or duration column (name ends in _s / _ms or names TTFT, TPOT, E2E, latency, wait); never a rate per second. */
export function isLatencyLike(name: string): boolean {
  return latencyPattern.test(name) && !ratePattern.test(name);
}

/** Latency, cost, errors: a decrease is the improvement. Everything else (earnings, success, goodput, tokens per second): an increase. */
export function isLowerBetter(name: string): boolean {
  return lowerIsBetterPattern.test(name) && !ratePattern.test(name);
}

/** A cost column (the business pays the raw mean of it). */
export function isCostLike(name: string): boolean {
  return costPattern.test(name);
}

/** Which way is better for an outcome: declared by the user, or read from its name. */
export type OutcomeDirection = "higher" | "lower";

// Names that say "more is better": success, SLO attainment, throughput, retention, revenue, earnings, scores, GDP.
const higherIsBetterPattern = /(^|_)(success|succeeded|ok|slo_met|goodput|throughput|per_s|per_sec|per_second|tok_s|tokens_s|rps|qps|tps|completed|completion|accepted|quality|score|retained|retention|active|engagement|revenue|conversion|converted|profit|margin|earnings|income|wage|wages|gdp|gdpcap|hits?)(_|$)/i;

/**
 * The good direction of an outcome for a design readout (IV, DiD, RDD, synthetic control): the declared one, else the one
 * its name says (latency, cost, errors → lower; success, retention, revenue → higher), else null — a column named `y`,
 * `vote` or `log_packs` does not say whether a rise is good, so no design may call it a benefit or a harm on a guess.
 */
export function outcomeDirection(name: string, declared?: OutcomeDirection): OutcomeDirection | null {
  if (declared !== undefined) return declared;
  if (isLowerBetter(name)) return "lower";
  return higherIsBetterPattern.test(name) ? "higher" : null;
}
