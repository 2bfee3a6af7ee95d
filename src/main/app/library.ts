/**
 * `genotypes.library`: the published genotypes shipped in resources/genotypes, one entry per named
 * genotype with text of its own that the core parsers read back (`NAME = Genotype(...)`, an NB201
 * arch string, or `NAME = HGenotype(...)`), so a cell viewer can show and parse each one alone.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import { toHdartsText } from '../../core/genotype/hdartsText'
import { parseAnyGenotypes } from '../../core/genotype/parse/index'
import { toDartsAssignment, toNb201String } from '../../core/genotype/serialize'
import type { LibraryGenotype } from '../../shared/api'

const EXTENSIONS = new Set(['.py', '.txt', '.json', '.genotype'])
/** Library files are a few kB; anything larger is not a genotype file. */
const MAX_FILE_BYTES = 1024 * 1024

export function readLibrary(dir: string): LibraryGenotype[] {
  let files: string[]
  try {
    files = readdirSync(dir).filter((f) => EXTENSIONS.has(extname(f).toLowerCase()))
  } catch {
    return [] // no library shipped (a trimmed install): an empty list, not an error
  }
  const out: LibraryGenotype[] = []
  for (const file of files.sort()) {
    const path = join(dir, file)
    if (!statSync(path).isFile() || statSync(path).size > MAX_FILE_BYTES) continue
    const text = readFileSync(path, 'utf8')
    let list
    try {
      list = parseAnyGenotypes(text)
    } catch {
      // Unparsable here means unparsable in the viewer too: show the file whole, it will say why.
      out.push({ file, name: file, text })
      continue
    }
    for (const g of list) {
      const genotype = g.genotype
      const own =
        genotype.kind === 'darts'
          ? toDartsAssignment(g.name, genotype)
          : genotype.kind === 'nb201'
            ? toNb201String(genotype)
            : `${g.name} = ${toHdartsText(genotype)}`
      out.push({ file, name: g.name, text: own })
    }
  }
  return out
}
