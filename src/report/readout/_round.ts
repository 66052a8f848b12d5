/**
 * Chart data and table numbers rounded to a fixed number of significant digits, so the same result gives byte-identical
 * reports (and golden snapshots do not hinge on the last bits of a float). NaN and ±∞ become null: JSON and Vega cannot
 * carry them, and a missing point is drawn as missing, not as zero.
 */
export function roundSignificant(value: number | null | undefined, digits = 6): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  if (value === 0) return 0;
  return Number(value.toPrecision(digits));
}

/** A number as short text for sentences: 4 significant digits, "—" when missing. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  const rounded = roundSignificant(value, digits);
  return rounded === null ? "—" : String(rounded);
}

/** "[low, high]" with 4 significant digits. */
export function formatInterval(ci95: readonly [number, number] | readonly number[]): string {
  return `[${formatNumber(ci95[0])}, ${formatNumber(ci95[1])}]`;
}

/** A p-value for tables: 4 significant digits, or "< 1e-12" below that (the normal tail is not meaningful further out). */
export function formatPValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return value < 1e-12 ? "< 1e-12" : formatNumber(value);
}
