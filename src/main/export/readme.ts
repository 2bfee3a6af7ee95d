/** README.md inside a reproducibility bundle: what is in it, how to re-run each run, how to import it back. */
import type { BundleRun } from './bundle'

const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? '--' : `${(x * 100).toFixed(2)} %`)

function runSection(r: BundleRun): string {
  const { row, repro } = r
  const versions = Object.entries(r.versions).map(([k, v]) => `${k} ${v}`)
  const lines = [
    `### ${row.id}`,
    '',
    `- method \`${row.method}\`, dataset \`${row.dataset}\`, seed ${row.seed}, status ${row.status}` +
      (row.status === 'finished' ? `, final validation accuracy ${pct(row.lastValAcc)}` : ''),
    `- backend ${row.backend ?? 'unknown'}${row.backendVersion ? ` (${row.backendVersion})` : ''}, device ${row.device ?? 'unknown'}`,
    `- versions: ${versions.length ? versions.join(', ') : 'not recorded'}`,
    `- files: ${r.files.map((f) => `\`${r.dir}/${f}\``).join(', ')}`,
    '',
  ]
  if (repro.command) {
    lines.push(
      repro.exactPreset
        ? "Reproduce (the run's preset plus every setting that differs from it):"
        : `This run has no preset of its own (imported); closest preset of its method, \`${repro.preset}\`, plus the settings that differ:`,
      '',
      '```sh',
      repro.command,
      '```',
      '',
    )
    if (repro.unsettable.length)
      lines.push(
        `Not expressible with \`--set\` (edit the config instead): ${repro.unsettable.map((s) => `\`${s}\``).join(', ')}.`,
        '',
      )
  } else lines.push(`No preset exists for method \`${row.method}\`; the full config is in \`${r.dir}/run.json\`.`, '')
  return lines.join('\n')
}

export function bundleReadme(b: {
  name: string
  runs: readonly BundleRun[]
  groupBy: string | null
  date: Date
  appVersion: string
  notes: readonly string[]
}): string {
  return [
    `# ${b.name}`,
    '',
    `A reproducibility bundle written by HDARTS Studio ${b.appVersion} on ${b.date.toISOString()}: ${b.runs.length} run${b.runs.length === 1 ? '' : 's'}` +
      (b.groupBy ? `, tables grouped by \`${b.groupBy}\`.` : '.'),
    '',
    '## Contents',
    '',
    '- `runs/<id>/run.json`: the run file as the app wrote it (config with the seed, preset, versions).',
    "- `runs/<id>/events.jsonl`: the full event log (every epoch's metrics, α, genotypes, the `started` event with backend and device).",
    '- `runs/<id>/provenance.json`: backend, device, versions, timings, final accuracy and genotype, and the command below.',
    '- `runs/<id>/genotype.{py,json,svg,pdf,tex}`: the final genotype as a `genotypes.py` module, JSON, and the cell figure (SVG, PDF, TikZ).',
    '- `tables/results.{tex,csv,md}`: the results table (LaTeX needs `\\usepackage{booktabs}`).',
    '- `manifest.json`: the list of runs, read by `hdarts slurm import` (below).',
    '',
    '## Reproducing each run',
    '',
    'Install the same HDARTS Studio version (`npm install` in its source tree), then run the command of each run. The',
    "seed is one of the settings; results match exactly only on the same backend and version (see each run's versions).",
    '',
    ...b.runs.map(runSection),
    '## Importing this bundle back',
    '',
    '```sh',
    `unzip ${b.name}.zip -d ${b.name}`,
    // (split so the layer lint does not read `import "…"` in this string as a module import)
    'npx hdarts slurm import ' + `"$PWD/${b.name}"   # add --db FILE for another database`,
    '```',
    '',
    'The runs appear in `hdarts runs list` and the app with their metrics, α and genotypes (the run directories are the',
    'unzipped folders, so keep them). `hdarts genotype convert runs/<id>/genotype.py --to png` redraws a figure.',
    '',
    ...(b.notes.length ? ['## Notes', '', ...b.notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n')
}
