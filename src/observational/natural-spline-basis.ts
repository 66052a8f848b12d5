import { quantileSorted } from "../stats/quantile.js";

/** How one covariate enters a flexible learner: as is, or through a natural cubic spline with these knots. */
export type SplineTerm =
  | { readonly column: string; readonly kind: "linear" }
  | { readonly column: string; readonly kind: "spline"; readonly boundary: readonly [number, number]; readonly interior: readonly number[] };

export interface SplinePlanOptions {
  /** Covariates with fewer distinct values enter linearly (dummies, small counts); default 10. */
  readonly minDistinct?: number;
  /** Interior knots at these type-7 quantiles (deduplicated, strictly inside the range); default 0.2, 0.4, 0.6, 0.8. */
  readonly knotProbabilities?: readonly number[];
}

/** Chooses each covariate's term from the (training) rows given: knots from its quantiles, boundary knots at its range. */
export function planSplineBasis(covariates: Readonly<Record<string, ArrayLike<number>>>, rows: ArrayLike<number>, options: SplinePlanOptions = {}): SplineTerm[] {
  const minDistinct = options.minDistinct ?? 10;
  const probabilities = options.knotProbabilities ?? [0.2, 0.4, 0.6, 0.8];
  return Object.entries(covariates).map(([column, values]): SplineTerm => {
    const sorted = Float64Array.from({ length: rows.length }, (_, i) => values[rows[i] ?? 0] ?? Number.NaN).sort();
    let distinct = sorted.length > 0 ? 1 : 0;
    for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
    if (distinct < minDistinct) return { column, kind: "linear" };
    const low = sorted[0] ?? 0;
    const high = sorted[sorted.length - 1] ?? 0;
    const interior = [...new Set(probabilities.map((p) => quantileSorted(sorted, p)))].filter((knot) => knot > low && knot < high);
    return { column, kind: "spline", boundary: [low, high], interior };
  });
}

/**
 * The basis columns for `rows`: a linear term is the covariate itself; a spline term is the natural cubic spline basis
 * of Hastie, Tibshirani & Friedman (ESL 2009, eq. 5.4–5.5) on the knots ξ₁ < … < ξ_K (boundary knots included):
 * N₁ = x, N_{j+1} = d_j − d_{K−1} for j = 1 … K − 2, d_j = ((x − ξ_j)₊³ − (x − ξ_K)₊³)/(ξ_K − ξ_j). It is linear beyond the
 * boundary knots and spans the same space as R's splines::ns with the same knots (plus an intercept). x is first mapped
 * to (x − ξ₁)/(ξ_K − ξ₁) so cubes of large values (e.g. earnings) stay well conditioned.
 */
export function expandSplineBasis(terms: readonly SplineTerm[], covariates: Readonly<Record<string, ArrayLike<number>>>, rows: ArrayLike<number>): Float64Array[] {
  const columns: Float64Array[] = [];
  for (const term of terms) {
    const values = covariates[term.column] ?? [];
    const at = (i: number): number => values[rows[i] ?? 0] ?? Number.NaN;
    if (term.kind === "linear") {
      columns.push(Float64Array.from({ length: rows.length }, (_, i) => at(i)));
      continue;
    }
    const [low, high] = term.boundary;
    const width = high - low;
    const knots = [0, ...term.interior.map((knot) => (knot - low) / width), 1];
    const last = knots.length - 1;
    const u = Float64Array.from({ length: rows.length }, (_, i) => (at(i) - low) / width);
    columns.push(u);
    const cube = (value: number): number => (value > 0 ? value * value * value : 0);
    const d = (j: number, x: number): number => (cube(x - (knots[j] ?? 0)) - cube(x - (knots[last] ?? 1))) / ((knots[last] ?? 1) - (knots[j] ?? 0));
    for (let j = 0; j < last - 1; j++) columns.push(Float64Array.from(u, (x) => d(j, x) - d(last - 1, x)));
  }
  return columns;
}
