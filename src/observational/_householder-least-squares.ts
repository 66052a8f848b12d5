/**
 * Least squares min ‖A β − b‖² (+ λ‖β‖²) by Householder QR (Golub & Van Loan §5.3), on the augmented system [A; √λ I],
 * [b; 0] when λ > 0. Accurate to cond(A), where the normal equations lose cond(A)² — spline bases need that. `a` is n×k
 * row-major. A column whose R diagonal falls below 1e-10 of the largest is rank deficient: its coefficient is set to 0.
 */
export function _householderLeastSquares(a: Float64Array, b: ArrayLike<number>, n: number, k: number, lambda = 0): Float64Array {
  const rows = lambda > 0 ? n + k : n;
  // Column-major copy: each Householder step works down one column.
  const columns = Array.from({ length: k }, (_, j) => {
    const column = new Float64Array(rows);
    for (let i = 0; i < n; i++) column[i] = a[i * k + j] ?? 0;
    if (lambda > 0) column[n + j] = Math.sqrt(lambda);
    return column;
  });
  const rhs = new Float64Array(rows);
  for (let i = 0; i < n; i++) rhs[i] = b[i] ?? 0;
  const diagonal = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const column = columns[j] ?? new Float64Array(rows);
    let norm = 0;
    for (let i = j; i < rows; i++) norm += (column[i] ?? 0) ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) {
      diagonal[j] = 0;
      continue;
    }
    const alpha = (column[j] ?? 0) > 0 ? -norm : norm;
    // v = x − alpha e₁, stored in place; H = I − 2 v vᵀ / vᵀv.
    column[j] = (column[j] ?? 0) - alpha;
    let vNorm = 0;
    for (let i = j; i < rows; i++) vNorm += (column[i] ?? 0) ** 2;
    const reflect = (target: Float64Array): void => {
      let dot = 0;
      for (let i = j; i < rows; i++) dot += (column[i] ?? 0) * (target[i] ?? 0);
      const scale = (2 * dot) / vNorm;
      for (let i = j; i < rows; i++) target[i] = (target[i] ?? 0) - scale * (column[i] ?? 0);
    };
    for (let other = j + 1; other < k; other++) reflect(columns[other] ?? new Float64Array(rows));
    reflect(rhs);
    diagonal[j] = alpha;
  }
  const largest = Math.max(...Array.from(diagonal, Math.abs));
  const beta = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    const r = diagonal[j] ?? 0;
    if (!(Math.abs(r) > 1e-10 * largest)) {
      beta[j] = 0;
      continue;
    }
    let sum = rhs[j] ?? 0;
    for (let other = j + 1; other < k; other++) sum -= (columns[other]?.[j] ?? 0) * (beta[other] ?? 0);
    beta[j] = sum / r;
  }
  return beta;
}
