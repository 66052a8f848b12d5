// Small dense symmetric k×k matrices stored row-major in Float64Array (k is the number of regressors).

/** Inverse of a symmetric positive-definite matrix by Cholesky (Golub & Van Loan §4.2); null when not positive definite. */
export function _invertSpd(matrix: Float64Array, k: number): Float64Array | null {
  const lower = new Float64Array(k * k);
  let scale = 0;
  for (let i = 0; i < k; i++) scale = Math.max(scale, Math.abs(matrix[i * k + i] ?? 0));
  const tolerance = 1e-12 * Math.max(scale, Number.MIN_VALUE);
  for (let j = 0; j < k; j++) {
    let diagonal = matrix[j * k + j] ?? 0;
    for (let p = 0; p < j; p++) diagonal -= (lower[j * k + p] ?? 0) ** 2;
    if (!(diagonal > tolerance)) return null;
    const root = Math.sqrt(diagonal);
    lower[j * k + j] = root;
    for (let i = j + 1; i < k; i++) {
      let value = matrix[i * k + j] ?? 0;
      for (let p = 0; p < j; p++) value -= (lower[i * k + p] ?? 0) * (lower[j * k + p] ?? 0);
      lower[i * k + j] = value / root;
    }
  }
  // Invert L (lower triangular), then A⁻¹ = L⁻ᵀ L⁻¹.
  const inverseLower = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    inverseLower[i * k + i] = 1 / (lower[i * k + i] ?? 1);
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let p = j; p < i; p++) sum += (lower[i * k + p] ?? 0) * (inverseLower[p * k + j] ?? 0);
      inverseLower[i * k + j] = -sum / (lower[i * k + i] ?? 1);
    }
  }
  const inverse = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let p = i; p < k; p++) sum += (inverseLower[p * k + i] ?? 0) * (inverseLower[p * k + j] ?? 0);
      inverse[i * k + j] = sum;
      inverse[j * k + i] = sum;
    }
  }
  return inverse;
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan §8.5): A = V diag(values) Vᵀ, eigenvectors in V's columns. */
export function _symmetricEigen(matrix: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    let total = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const square = (a[i * k + j] ?? 0) ** 2;
        total += square;
        if (i !== j) offDiagonal += square;
      }
    }
    if (offDiagonal <= 1e-30 * total || offDiagonal === 0) break;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q] ?? 0;
        if (apq === 0) continue;
        const app = a[p * k + p] ?? 0;
        const aqq = a[q * k + q] ?? 0;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p] ?? 0;
          const arq = a[r * k + q] ?? 0;
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r] ?? 0;
          const aqr = a[q * k + r] ?? 0;
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p] ?? 0;
          const vrq = v[r * k + q] ?? 0;
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) values[i] = a[i * k + i] ?? 0;
  return { values, vectors: v };
}

/** y = A x for a k×k matrix. */
export function _multiply(matrix: Float64Array, x: Float64Array, k: number, output = new Float64Array(k)): Float64Array {
  for (let i = 0; i < k; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += (matrix[i * k + j] ?? 0) * (x[j] ?? 0);
    output[i] = sum;
  }
  return output;
}

/** xᵀ A y for a k×k matrix. */
export function _quadraticForm(x: Float64Array, matrix: Float64Array, y: Float64Array, k: number): number {
  let sum = 0;
  for (let i = 0; i < k; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) row += (matrix[i * k + j] ?? 0) * (y[j] ?? 0);
    sum += (x[i] ?? 0) * row;
  }
  return sum;
}

/** A B for k×k matrices. */
export function _matrixProduct(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const output = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += (a[i * k + p] ?? 0) * (b[p * k + j] ?? 0);
      output[i * k + j] = sum;
    }
  }
  return output;
}
