/** Op colours shared by the cell viewer, the heatmaps and exported figures (colour-blind safe). */

// Okabe & Ito (2008) colour-universal palette; families share a hue (convs blue, dilated greens,
// pools orange/purple) so sizes read as variants. Tints marked * are lighter/darker shades of it.
export const OP_COLORS: Readonly<Record<string, string>> = {
  none: '#BBBBBB',
  zero: '#BBBBBB',
  skip_connect: '#D55E00', // vermillion: the collapse indicator should stand out
  identity: '#D55E00',
  sep_conv_3x3: '#0072B2',
  sep_conv_5x5: '#56B4E9',
  sep_conv_7x7: '#003F63', // *
  dil_conv_3x3: '#009E73',
  dil_conv_5x5: '#7FD1B9', // *
  conv_7x1_1x7: '#8C7A00', // * darkened yellow; pure #F0E442 vanishes on white
  max_pool_3x3: '#CC79A7',
  avg_pool_3x3: '#E69F00',
  nor_conv_1x1: '#56B4E9',
  nor_conv_3x3: '#0072B2',
  dua_sepc_3x3: '#0072B2', // PR-DARTS spellings of the DARTS ops
  dua_sepc_5x5: '#56B4E9',
  dil_sepc_3x3: '#009E73',
  dil_sepc_5x5: '#7FD1B9',
  residual: '#000000',
  concat: '#999999',
}

const FALLBACK = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000']

/** The op's colour; unknown ops (HDARTS motifs `motif_k`, custom ops) get a stable palette colour. */
export function opColor(op: string): string {
  const known = OP_COLORS[op]
  if (known !== undefined) return known
  const motif = /^motif_(\d+)$/.exec(op)
  if (motif) return FALLBACK[Number(motif[1]) % FALLBACK.length]!
  let h = 0
  for (let i = 0; i < op.length; i++) h = (h * 31 + op.charCodeAt(i)) >>> 0
  return FALLBACK[h % FALLBACK.length]!
}
