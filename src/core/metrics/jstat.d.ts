// jstat ships no types (and there is no @types/jstat); these are the functions stats.ts uses.
declare module 'jstat' {
  interface JStat {
    /** Regularized incomplete beta I_x(a, b). */
    ibeta(x: number, a: number, b: number): number
    studentt: { cdf(t: number, df: number): number; inv(p: number, df: number): number }
    normal: { cdf(x: number, mean: number, std: number): number; inv(p: number, mean: number, std: number): number }
  }
  const jStat: JStat
  export default jStat
}
