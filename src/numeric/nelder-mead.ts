/** Result of a derivative-free minimisation. */
export interface MinimizeResult {
  readonly point: number[];
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface NelderMeadOptions {
  readonly maxIterations?: number;
  /** Stop when the simplex's values differ by less than this. */
  readonly tolerance?: number;
  /** Initial simplex edge along each axis. */
  readonly step?: number;
}

/**
 * Nelder–Mead simplex minimisation with the standard coefficients (reflection 1, expansion 2,
 * contraction 0.5, shrink 0.5; Nelder & Mead 1965, as in Numerical Recipes §10.5). Deterministic.
 */
export function minimizeNelderMead(objective: (point: readonly number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): MinimizeResult {
  const dimensions = start.length;
  const maxIterations = options.maxIterations ?? 400 * dimensions;
  const tolerance = options.tolerance ?? 1e-10;
  const step = options.step ?? 0.1;
  const safe = (point: readonly number[]): number => {
    const value = objective(point);
    return Number.isFinite(value) ? value : Number.MAX_VALUE;
  };
  let simplex = Array.from({ length: dimensions + 1 }, (_, vertex) => start.map((value, axis) => (vertex === axis + 1 ? value + step : value)));
  let values = simplex.map(safe);
  let iterations = 0;
  const combine = (a: readonly number[], b: readonly number[], weight: number): number[] => a.map((value, axis) => value + weight * (value - (b[axis] ?? 0)));
  while (iterations < maxIterations) {
    const order = values.map((value, index) => [value, index] as const).sort((x, y) => x[0] - y[0]).map(([, index]) => index);
    simplex = order.map((index) => simplex[index] ?? []);
    values = order.map((index) => values[index] ?? Number.MAX_VALUE);
    const best = values[0] ?? 0;
    const worst = values[dimensions] ?? 0;
    if (Math.abs(worst - best) <= tolerance * (Math.abs(best) + tolerance)) {
      return { point: simplex[0] ?? [...start], value: best, iterations, converged: true };
    }
    iterations++;
    const centroid = Array.from({ length: dimensions }, (_, axis) => simplex.slice(0, dimensions).reduce((sum, vertex) => sum + (vertex[axis] ?? 0), 0) / dimensions);
    const worstPoint = simplex[dimensions] ?? [];
    const reflected = combine(centroid, worstPoint, 1);
    const reflectedValue = safe(reflected);
    const secondWorst = values[dimensions - 1] ?? 0;
    if (reflectedValue < best) {
      const expanded = combine(centroid, worstPoint, 2);
      const expandedValue = safe(expanded);
      simplex[dimensions] = expandedValue < reflectedValue ? expanded : reflected;
      values[dimensions] = Math.min(expandedValue, reflectedValue);
    } else if (reflectedValue < secondWorst) {
      simplex[dimensions] = reflected;
      values[dimensions] = reflectedValue;
    } else {
      const outside = reflectedValue < worst;
      const contracted = combine(centroid, outside ? reflected : worstPoint, -0.5);
      const contractedValue = safe(contracted);
      if (contractedValue < Math.min(worst, reflectedValue)) {
        simplex[dimensions] = contracted;
        values[dimensions] = contractedValue;
      } else {
        const bestPoint = simplex[0] ?? [];
        simplex = simplex.map((vertex, index) => (index === 0 ? vertex : vertex.map((value, axis) => (bestPoint[axis] ?? 0) + 0.5 * (value - (bestPoint[axis] ?? 0)))));
        values = simplex.map((vertex, index) => (index === 0 ? (values[0] ?? 0) : safe(vertex)));
      }
    }
  }
  const bestIndex = values.indexOf(Math.min(...values));
  return { point: simplex[bestIndex] ?? [...start], value: values[bestIndex] ?? Number.MAX_VALUE, iterations, converged: false };
}
