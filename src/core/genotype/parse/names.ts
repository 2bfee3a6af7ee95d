/**
 * Unique display names in order of appearance: `genotype`, `genotype_2`, `genotype_3`, … A
 * per-base counter keeps a log with thousands of `genotype = ...` lines linear.
 */
export function uniqueNamer(): (base: string) => string {
  const used = new Set<string>()
  const nextSuffix = new Map<string, number>()
  return (base) => {
    let name = base
    let k = nextSuffix.get(base) ?? 2
    while (used.has(name)) name = `${base}_${k++}`
    nextSuffix.set(base, k)
    used.add(name)
    return name
  }
}
