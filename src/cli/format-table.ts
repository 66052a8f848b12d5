/** Plain-text tables for the terminal: right-aligned numbers, a rule under the header. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  ").trimEnd();
  return [line(headers), widths.map((width) => "─".repeat(width)).join("  "), ...rows.map(line)].join("\n") + "\n";
}

/** Fixed decimals, for table cells. */
export const fixed = (value: number, digits: number): string => value.toFixed(digits);

/** Bytes as GiB with one decimal. */
export const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** Seconds as milliseconds with two decimals. */
export const ms = (seconds: number): string => (seconds * 1000).toFixed(2);
