/**
 * Golden files compare rendered bytes, but chart coordinates come out of floating-point layout
 * (112.00000000000003 on one machine, 112 on another). Numbers written with six or more decimals
 * are rounded to three before comparison, so only a change a reader could see breaks a snapshot.
 */
export function roundFloatNoise(text: string): string {
  return text.replace(/-?\d+\.\d{6,}/g, (number) => {
    const rounded = Number(Number(number).toFixed(3));
    return String(Object.is(rounded, -0) ? 0 : rounded);
  });
}
