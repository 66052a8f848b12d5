import { _solveLinear } from "./_linear-solve.js";

/**
 * Minimises ½wᵀHw + gᵀw over the simplex {w ≥ 0, Σw = 1} by a primal active-set method (Nocedal & Wright 2006, Alg. 16.3).
 * H is symmetric positive semi-definite; a ridge of 1e-10·trace(H)/J makes each equality-constrained step unique.
 */
export function _minimizeOnSimplex(hessian: readonly (readonly number[])[], linear: readonly number[]): number[] {
  const size = linear.length;
  if (size === 1) return [1];
  const trace = hessian.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
  const ridge = Math.max(1e-10 * (trace / size), 1e-300);
  const h = hessian.map((row, i) => row.map((value, j) => value + (i === j ? ridge : 0)));
  // Start at the best vertex: every other weight is at its bound.
  let start = 0;
  let bestValue = Infinity;
  for (let i = 0; i < size; i++) {
    const value = 0.5 * (h[i]?.[i] ?? 0) + (linear[i] ?? 0);
    if (value < bestValue) {
      bestValue = value;
      start = i;
    }
  }
  const w: number[] = Array.from({ length: size }, (_, i) => (i === start ? 1 : 0));
  const free = new Set<number>([start]);
  for (let iteration = 0; iteration < 50 * size; iteration++) {
    const freeList = [...free].sort((a, b) => a - b);
    const m = freeList.length;
    // KKT system of the equality-constrained subproblem on the free set.
    const kkt = Array.from({ length: m + 1 }, (_, r) => Array.from({ length: m + 1 }, (_, c) => (r < m && c < m ? (h[freeList[r] ?? 0]?.[freeList[c] ?? 0] ?? 0) : r === m && c === m ? 0 : 1)));
    const rhs = [...freeList.map((i) => -(linear[i] ?? 0)), 1];
    const solution = _solveLinear(kkt, rhs);
    if (solution === null) break;
    const target = freeList.map((_, r) => solution[r] ?? 0);
    const step = freeList.map((i, r) => (target[r] ?? 0) - (w[i] ?? 0));
    if (step.every((value) => Math.abs(value) < 1e-14)) {
      // Stationary on the free set: release the bound with the most negative multiplier, or stop.
      const nu = solution[m] ?? 0;
      let release = -1;
      let mostNegative = -1e-12 * (Math.abs(nu) + 1);
      for (let i = 0; i < size; i++) {
        if (free.has(i)) continue;
        let gradient = linear[i] ?? 0;
        for (let j = 0; j < size; j++) gradient += (h[i]?.[j] ?? 0) * (w[j] ?? 0);
        const multiplier = gradient + nu;
        if (multiplier < mostNegative) {
          mostNegative = multiplier;
          release = i;
        }
      }
      if (release < 0) break;
      free.add(release);
      continue;
    }
    let alpha = 1;
    let blocking = -1;
    freeList.forEach((i, r) => {
      const direction = step[r] ?? 0;
      if (direction < 0) {
        const ratio = -(w[i] ?? 0) / direction;
        if (ratio < alpha) {
          alpha = ratio;
          blocking = i;
        }
      }
    });
    freeList.forEach((i, r) => (w[i] = (w[i] ?? 0) + alpha * (step[r] ?? 0)));
    if (blocking >= 0) {
      w[blocking] = 0;
      free.delete(blocking);
    }
  }
  const clipped = w.map((value) => Math.max(0, value));
  const total = clipped.reduce((sum, value) => sum + value, 0);
  return clipped.map((value) => value / total);
}
