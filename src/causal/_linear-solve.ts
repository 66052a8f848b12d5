/** Solves A x = b (A square, row-major number[][]) by Gaussian elimination with partial pivoting; null when A is singular to working precision. */
export function _solveLinear(matrix: readonly (readonly number[])[], rhs: readonly number[]): number[] | null {
  const size = rhs.length;
  const a = matrix.map((row, index) => [...row, rhs[index] ?? 0]);
  let scale = 0;
  for (const row of a) for (let column = 0; column < size; column++) scale = Math.max(scale, Math.abs(row[column] ?? 0));
  if (scale === 0) return null;
  for (let pivot = 0; pivot < size; pivot++) {
    let best = pivot;
    for (let row = pivot + 1; row < size; row++) if (Math.abs(a[row]?.[pivot] ?? 0) > Math.abs(a[best]?.[pivot] ?? 0)) best = row;
    const pivotRow = a[best] ?? [];
    const pivotValue = pivotRow[pivot] ?? 0;
    if (Math.abs(pivotValue) <= 1e-14 * scale) return null;
    a[best] = a[pivot] ?? [];
    a[pivot] = pivotRow;
    for (let row = pivot + 1; row < size; row++) {
      const target = a[row] ?? [];
      const factor = (target[pivot] ?? 0) / pivotValue;
      if (factor === 0) continue;
      for (let column = pivot; column <= size; column++) target[column] = (target[column] ?? 0) - factor * (pivotRow[column] ?? 0);
    }
  }
  const x = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row--) {
    const current = a[row] ?? [];
    let sum = current[size] ?? 0;
    for (let column = row + 1; column < size; column++) sum -= (current[column] ?? 0) * (x[column] ?? 0);
    x[row] = sum / (current[row] ?? 1);
  }
  return x;
}

/** Inverse of a symmetric positive-definite matrix by solving against each unit vector; null when singular. */
export function _invert(matrix: readonly (readonly number[])[]): number[][] | null {
  const size = matrix.length;
  const columns: number[][] = [];
  for (let column = 0; column < size; column++) {
    const unit = Array.from({ length: size }, (_, index) => (index === column ? 1 : 0));
    const solved = _solveLinear(matrix, unit);
    if (solved === null) return null;
    columns.push(solved);
  }
  return Array.from({ length: size }, (_, row) => columns.map((column) => column[row] ?? 0));
}
