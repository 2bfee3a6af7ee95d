/** DARTS genotypes as a `.py` module that pastes into (or replaces) a DARTS-family `genotypes.py`. */
import type { DartsGenotype } from '../model'
import { toDartsAssignment } from '../serialize'

export const PY_HEADER =
  "from collections import namedtuple\n\nGenotype = namedtuple('Genotype', 'normal normal_concat reduce reduce_concat')\n"

/** `NAME = Genotype(...)` lines under the header DARTS's genotypes.py starts with; aliases as `ALIAS = NAME`. */
export function toDartsPy(list: readonly { name: string; aliases?: readonly string[]; genotype: DartsGenotype }[]): string {
  const body = list.map((g) =>
    [toDartsAssignment(g.name, g.genotype), ...(g.aliases ?? []).map((a) => `${a} = ${g.name}`)].join('\n'),
  )
  return `${PY_HEADER}\n${body.join('\n')}\n`
}
