/**
 * Money for people: three significant digits below $1 (0.000131 → "$0.000131", never "$0.000"),
 * cents from $1 up; ∞ when nothing was priced.
 */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return "∞";
  if (value === 0) return "$0";
  const sign = value < 0 ? "-" : "";
  const magnitude = Math.abs(value);
  if (magnitude >= 1) return `${sign}$${magnitude.toFixed(2)}`;
  // Three significant digits as fixed decimals (toPrecision would switch to exponent form below 1e-6).
  const decimals = Math.min(20, 2 - Math.floor(Math.log10(magnitude)));
  return `${sign}$${magnitude.toFixed(decimals)}`;
}
