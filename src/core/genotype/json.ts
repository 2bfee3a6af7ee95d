/**
 * The project's own JSON form, versioned (docs/genotype-json.md). One document holds any number of
 * named genotypes; a single bare genotype object is accepted too.
 */
import { z } from 'zod'
import { type Genotype, GenotypeError, type NamedGenotype, validateGenotype } from './model'

export const GENOTYPE_JSON_SCHEMA = 'hdarts.genotype'
export const GENOTYPE_JSON_VERSION = 1

const edge = z.strictObject({ op: z.string().min(1), from: z.number().int() })
const cell = z.strictObject({ nodes: z.array(z.array(edge)), concat: z.array(z.number().int()) })
const entryBase = { name: z.string().min(1), aliases: z.array(z.string()).optional() }
const dartsEntry = z.strictObject({ ...entryBase, space: z.literal('darts'), normal: cell, reduce: cell })
const nb201Entry = z.strictObject({ ...entryBase, space: z.literal('nb201'), nodes: z.array(z.array(edge)) })
const entry = z.discriminatedUnion('space', [dartsEntry, nb201Entry])
export const genotypeDocument = z.strictObject({
  schema: z.literal(GENOTYPE_JSON_SCHEMA),
  version: z.literal(GENOTYPE_JSON_VERSION),
  genotypes: z.array(entry).min(1),
})
export type GenotypeDocument = z.infer<typeof genotypeDocument>
type Entry = z.infer<typeof entry>

function entryOf(g: NamedGenotype): Entry {
  const aliases = g.aliases.length ? { aliases: [...g.aliases] } : {}
  const copyCell = (c: { nodes: readonly (readonly { op: string; from: number }[])[]; concat: readonly number[] }) => ({
    nodes: c.nodes.map((n) => n.map((e) => ({ op: e.op, from: e.from }))),
    concat: [...c.concat],
  })
  return g.genotype.kind === 'darts'
    ? { name: g.name, ...aliases, space: 'darts', normal: copyCell(g.genotype.normal), reduce: copyCell(g.genotype.reduce) }
    : { name: g.name, ...aliases, space: 'nb201', nodes: copyCell({ nodes: g.genotype.nodes, concat: [] }).nodes }
}

export function toJsonDocument(genotypes: readonly NamedGenotype[]): GenotypeDocument {
  return { schema: GENOTYPE_JSON_SCHEMA, version: GENOTYPE_JSON_VERSION, genotypes: genotypes.map(entryOf) }
}

export const toJson = (genotypes: readonly NamedGenotype[]): string => JSON.stringify(toJsonDocument(genotypes), null, 2) + '\n'

/** Describes the first schema problem as one line: `genotypes[0].normal.nodes[1][0].op: expected string`. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!
  const path = issue.path.reduce<string>(
    (p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)),
    '',
  )
  return `${path || '(document)'}: ${issue.message}`
}

/** Parses already-decoded JSON. A bare entry (`{"name":…,"space":…}`) is wrapped as a one-genotype document. */
export function fromJsonValue(value: unknown): NamedGenotype[] {
  const isBareEntry =
    typeof value === 'object' && value !== null && !Array.isArray(value) && 'space' in value && !('schema' in value)
  const doc = isBareEntry ? { schema: GENOTYPE_JSON_SCHEMA, version: GENOTYPE_JSON_VERSION, genotypes: [value] } : value
  if (
    typeof doc === 'object' &&
    doc !== null &&
    'version' in doc &&
    (doc as { version: unknown }).version !== GENOTYPE_JSON_VERSION
  )
    throw new GenotypeError(
      `unsupported genotype JSON version ${JSON.stringify((doc as { version: unknown }).version)} (this build reads version ${GENOTYPE_JSON_VERSION})`,
    )
  const parsed = genotypeDocument.safeParse(doc)
  if (!parsed.success)
    throw new GenotypeError(`not a ${GENOTYPE_JSON_SCHEMA} v${GENOTYPE_JSON_VERSION} document: ${firstIssue(parsed.error)}`)
  return parsed.data.genotypes.map((e, k) => {
    const genotype: Genotype =
      e.space === 'darts' ? { kind: 'darts', normal: e.normal, reduce: e.reduce } : { kind: 'nb201', nodes: e.nodes }
    try {
      validateGenotype(genotype)
    } catch (err) {
      if (err instanceof GenotypeError) throw new GenotypeError(`genotypes[${k}] (${e.name}): ${err.message}`)
      throw err
    }
    return { name: e.name, aliases: e.aliases ?? [], genotype, format: 'json' as const }
  })
}
