import { _fail } from "./_validate.js";

/** Checks p-values are in [0, 1]. */
export function _checkPValues(where: string, pValues: readonly number[]): void {
  pValues.forEach((p, index) => {
    if (!(p >= 0 && p <= 1)) _fail(where, `pValues[${index}] = ${p} must be in [0, 1]`);
  });
}

/** Holm (1979) step-down adjusted p-values (family-wise error), in input order; as R's p.adjust(method = "holm"). */
export function holm(pValues: readonly number[]): number[] {
  _checkPValues("holm", pValues);
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}
