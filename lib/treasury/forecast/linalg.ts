/**
 * Solves (A + ridge·I) X = B in place for symmetric positive semi-definite A (n×n, row-major) and
 * B (n×m, row-major) by Cholesky. Hand-written: a ~40-line solve is all the engine needs, and no
 * maintained npm linear-algebra package is as small and fast on typed arrays.
 * Returns X in B's storage. The ridge term is added to the diagonal except at `skipRidgeIndex`
 * (the intercept, which must not be shrunk).
 */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number, m: number, ridge: number, skipRidgeIndex = -1): Float64Array {
  for (let i = 0; i < n; i++) if (i !== skipRidgeIndex) a[i * n + i]! += ridge;
  // Lower-triangular factor L overwrites A's lower half.
  for (let j = 0; j < n; j++) {
    let diagonal = a[j * n + j]!;
    for (let k = 0; k < j; k++) diagonal -= a[j * n + k]! * a[j * n + k]!;
    const pivot = Math.sqrt(Math.max(diagonal, 1e-12));
    a[j * n + j] = pivot;
    for (let i = j + 1; i < n; i++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = sum / pivot;
    }
  }
  // Forward then backward substitution, column by column of B.
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let sum = b[i * m + c]!;
      for (let k = 0; k < i; k++) sum -= a[i * n + k]! * b[k * m + c]!;
      b[i * m + c] = sum / a[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = b[i * m + c]!;
      for (let k = i + 1; k < n; k++) sum -= a[k * n + i]! * b[k * m + c]!;
      b[i * m + c] = sum / a[i * n + i]!;
    }
  }
  return b;
}
