/** Inverse of a small symmetric positive-definite p × p matrix (row-major) by Gauss–Jordan with partial pivoting; null when singular. */
export function _invert(matrix: Float64Array, p: number): Float64Array | null {
  const a = Float64Array.from(matrix);
  const inverse = new Float64Array(p * p);
  for (let i = 0; i < p; i++) inverse[i * p + i] = 1;
  for (let column = 0; column < p; column++) {
    let pivot = column;
    for (let row = column + 1; row < p; row++) if (Math.abs(a[row * p + column] ?? 0) > Math.abs(a[pivot * p + column] ?? 0)) pivot = row;
    const pivotValue = a[pivot * p + column] ?? 0;
    if (Math.abs(pivotValue) < 1e-12) return null;
    if (pivot !== column) {
      for (let j = 0; j < p; j++) {
        swap(a, column * p + j, pivot * p + j);
        swap(inverse, column * p + j, pivot * p + j);
      }
    }
    for (let j = 0; j < p; j++) {
      a[column * p + j] = (a[column * p + j] ?? 0) / pivotValue;
      inverse[column * p + j] = (inverse[column * p + j] ?? 0) / pivotValue;
    }
    for (let row = 0; row < p; row++) {
      if (row === column) continue;
      const factor = a[row * p + column] ?? 0;
      if (factor === 0) continue;
      for (let j = 0; j < p; j++) {
        a[row * p + j] = (a[row * p + j] ?? 0) - factor * (a[column * p + j] ?? 0);
        inverse[row * p + j] = (inverse[row * p + j] ?? 0) - factor * (inverse[column * p + j] ?? 0);
      }
    }
  }
  return inverse;
}

function swap(values: Float64Array, i: number, j: number): void {
  const held = values[i] ?? 0;
  values[i] = values[j] ?? 0;
  values[j] = held;
}
