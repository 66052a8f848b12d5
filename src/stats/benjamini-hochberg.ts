import { _checkPValues } from "./holm.js";

/** Benjamini & Hochberg (1995) step-up adjusted p-values (false discovery rate), in input order; as R's p.adjust(method = "BH"). */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  _checkPValues("benjaminiHochberg", pValues);
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => b.p - a.p);
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach(({ p, index }, position) => {
    const rank = m - position;
    running = Math.min(running, (m / rank) * p);
    adjusted[index] = running;
  });
  return adjusted;
}
