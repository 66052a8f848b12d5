import { normalCdf, normalDensity, normalQuantile } from "./normal-distribution.js";
import { logGamma, regularizedIncompleteBeta } from "./_special.js";

/** Upper tail P(T > t) for t ≥ 0: ½·I_{ν/(ν+t²)}(ν/2, ½) (Abramowitz & Stegun 26.7.1; NR §6.14). */
function upperTail(t: number, df: number): number {
  if (!Number.isFinite(df)) return 1 - normalCdf(t);
  return 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

function density(t: number, df: number): number {
  if (!Number.isFinite(df)) return normalDensity(t);
  const logValue = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df);
  return Math.exp(logValue);
}

/** Student-t CDF P(T ≤ t) with df > 0 degrees of freedom (df = Infinity gives the normal) via the incomplete beta function (NR betai). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = upperTail(Math.abs(t), df);
  return t >= 0 ? 1 - tail : tail;
}

/** Two-sided p-value 2·P(T > |t|) for a t statistic with df degrees of freedom. */
export function studentTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  return Math.min(1, 2 * upperTail(Math.abs(t), df));
}

/** Student-t quantile: inverts the CDF by safeguarded Newton steps on the upper tail (relative accuracy ≈ 1e-13). */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return Number.NaN;
  if (!Number.isFinite(df)) return normalQuantile(p);
  if (p === 0.5) return 0;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const tailTarget = p > 0.5 ? 1 - p : p;
  const sign = p > 0.5 ? 1 : -1;
  // Closed forms (Cauchy; df = 2), written in the tail probability to keep precision far out.
  if (df === 1) return sign / Math.tan(Math.PI * tailTarget);
  if (df === 2) return (sign * (1 - 2 * tailTarget)) / Math.sqrt(2 * tailTarget * (1 - tailTarget));
  let low = 0;
  let high = Math.max(1, -normalQuantile(tailTarget));
  while (upperTail(high, df) > tailTarget) {
    low = high;
    high *= 2;
  }
  let t = Math.min(Math.max(-normalQuantile(tailTarget), low), high);
  for (let iteration = 0; iteration < 200; iteration++) {
    const gap = upperTail(t, df) - tailTarget;
    if (gap > 0) low = t;
    else high = t;
    const step = gap / density(t, df);
    let next = t + step;
    if (!(next > low && next < high)) next = 0.5 * (low + high);
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t)) || high - low <= 1e-15 * Math.max(1, high)) {
      t = next;
      break;
    }
    t = next;
  }
  return sign * t;
}
