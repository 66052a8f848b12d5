import { regularizedGammaP, regularizedGammaQ } from "./_special.js";

/** Standard normal CDF Φ(z) through erfc(u) = Q(1/2, u²) (Abramowitz & Stegun 7.1.2, 6.5.17); accurate in both tails. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const u = Math.abs(z) / Math.SQRT2;
  const upperTail = 0.5 * regularizedGammaQ(0.5, u * u);
  if (z >= 0) return u * u < 1.5 ? 0.5 + 0.5 * regularizedGammaP(0.5, u * u) : 1 - upperTail;
  return upperTail;
}

/** Standard normal density φ(z). */
export function normalDensity(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

function polynomial(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (let index = coefficients.length - 1; index >= 0; index--) value = value * x + (coefficients[index] ?? 0);
  return value;
}

const centralNumerator = [3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987, 67265.7709270087, 33430.57558358813, 2509.0809287301227];
const centralDenominator = [1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271, 28729.085735721943, 5226.495278852546];
const intermediateNumerator = [1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684, 0.2417807251774506, 0.022723844989269184, 0.0007745450142783414];
const intermediateDenominator = [1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457, 0.0005475938084995345, 1.0507500716444169e-09];
const tailNumerator = [6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124, 0.0012426609473880784, 2.7115555687434876e-05, 2.0103343992922881e-07];
const tailDenominator = [1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133, 1.8463183175100548e-05, 1.421511758316446e-07, 2.0442631033899397e-15];

/** Standard normal quantile Φ⁻¹(p) by Wichura's AS 241 (PPND16, Applied Statistics 1988; relative error ≈ 1e-16). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(centralNumerator, r)) / polynomial(centralDenominator, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = polynomial(intermediateNumerator, r) / polynomial(intermediateDenominator, r);
  } else {
    r -= 5;
    value = polynomial(tailNumerator, r) / polynomial(tailDenominator, r);
  }
  return q < 0 ? -value : value;
}
