/** Small dense linear algebra for E2NAS's novelty term (log|D| from the MLP Jacobian's singular values). */

/**
 * The k largest singular values of m (rows × cols), descending: square roots of the eigenvalues of
 * mᵀm found by cyclic Jacobi rotations (exact to rounding for the 30×30 Jacobians the search uses).
 * Returns fewer than k values if m has fewer columns.
 */
export function topSingularValues(m: readonly (readonly number[])[], k: number): number[] {
  const rows = m.length
  const n = rows ? m[0]!.length : 0
  if (m.some((r) => r.length !== n)) throw new Error('topSingularValues: rows of different lengths')
  // A = mᵀm, symmetric n × n.
  const A = Array.from({ length: n }, () => new Float64Array(n))
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = 0
      for (let r = 0; r < rows; r++) s += m[r]![i]! * m[r]![j]!
      A[i]![j] = s
      A[j]![i] = s
    }
  return jacobiEigenvalues(A)
    .map((e) => Math.sqrt(Math.max(0, e)))
    .sort((a, b) => b - a)
    .slice(0, k)
}

/** Eigenvalues of a symmetric matrix (destroyed) by the cyclic Jacobi method. */
export function jacobiEigenvalues(A: Float64Array[]): number[] {
  const n = A.length
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    let diag = 0
    for (let i = 0; i < n; i++) {
      diag += A[i]![i]! * A[i]![i]!
      for (let j = i + 1; j < n; j++) off += A[i]![j]! * A[i]![j]!
    }
    if (off <= 1e-30 * diag || off === 0) break
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = A[p]![q]!
        if (apq === 0) continue
        // Rotation that zeroes A[p][q] (Golub & Van Loan, Algorithm 8.4.1 / Numerical Recipes `jacobi`).
        const theta = (A[q]![q]! - A[p]![p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let r = 0; r < n; r++) {
          const arp = A[r]![p]!
          const arq = A[r]![q]!
          A[r]![p] = c * arp - s * arq
          A[r]![q] = s * arp + c * arq
        }
        for (let r = 0; r < n; r++) {
          const apr = A[p]![r]!
          const aqr = A[q]![r]!
          A[p]![r] = c * apr - s * aqr
          A[q]![r] = s * apr + c * aqr
        }
      }
  }
  return A.map((row, i) => row[i]!)
}
