/** Which parts of the method model combine (DESIGN.md §6); validateConfig applies it. */
import type { SearchConfig } from './search'

/**
 * The parametrizations defined in each search space. The engine's method registry
 * (engine/methods/registry.ts) has one entry for each pair; a test holds the two in step.
 */
export const SPACE_PARAMETRIZATIONS: Readonly<Record<SearchConfig['space'], readonly SearchConfig['parametrization'][]>> = {
  darts: ['softmax', 'hierarchical', 'hard-concrete', 'sigmoid', 'partial-channel'],
  nb201: ['softmax', 'sigmoid', 'latent'],
}

/**
 * The composition rules of DESIGN.md §6: a part combines with a parametrization where its math is
 * defined. Returns why a combination is refused, or null.
 */
export function incompatibility(c: SearchConfig): string | null {
  const p = c.parametrization
  const reg = c.regularization
  const simplex = p === 'softmax' || p === 'partial-channel'
  if (p === 'latent') {
    const why = latentIncompatibility(c)
    if (why) return why
  }
  const choices = SPACE_PARAMETRIZATIONS[c.space]
  if (!choices.includes(p))
    return c.space === 'nb201'
      ? `parametrization '${p}' is defined on the DARTS cell, not on NAS-Bench-201 (choices there: ${choices.join(', ')})`
      : `parametrization '${p}' is not defined in the DARTS space (choices there: ${choices.join(', ')})`
  if (reg.pathGroup.lambdaSkip + reg.pathGroup.lambdaOther + reg.pathGroup.lambdaPath > 0 && p !== 'hard-concrete')
    return `the PR-DARTS group/path regularizer reads the hard-concrete gates; it needs parametrization=hard-concrete, not '${p}'`
  if (reg.zeroOne.weight > 0 && p !== 'sigmoid')
    return `the zero-one loss pushes independent sigmoid weights to 0 or 1; it needs parametrization=sigmoid, not '${p}'`
  if (reg.betaDecay.lambdaMax > 0 && !(simplex || p === 'hierarchical'))
    return `β-decay regularizes softmax-normalized α (its gradient is softmax(α)); it is undefined for '${p}'`
  if (reg.auxSkip.beta > 0 && !(simplex || p === 'sigmoid'))
    return `the DARTS- auxiliary skip sits beside a mixed op's candidates; it is undefined for '${p}'`
  if (c.perturbation.kind !== 'none' && !simplex) return `SDARTS perturbs softmax(α) on the simplex; it is undefined for '${p}'`
  if (c.unrolled && (p === 'hierarchical' || p === 'hard-concrete' || c.alternation === 'epoch'))
    return `the second-order (unrolled) step needs per-step alternation of a deterministic mixture; use unrolled=false with '${p}'${c.alternation === 'epoch' ? ' and epoch alternation' : ''}`
  if (c.selection === 'pt' && !(simplex || p === 'sigmoid'))
    return `DARTS-PT selection zeroes one op's mixing weight on a cell edge and keeps two inputs per node; it needs one weight per op and edge (softmax, partial-channel or sigmoid), not '${p}'`
  if ((c.hessian.earlyStop || c.hessian.ada) && c.hessian.every === 0)
    return `hessian.earlyStop and hessian.ada watch λ_max; set hessian.every to a positive number of epochs`
  if (c.hessian.every > 0 && p === 'hard-concrete')
    return `λ_max of ∇²_α L_val needs a loss that is smooth in α; hard-concrete gates are sampled (a top-k selection in evaluation), so it is undefined for '${p}'`
  if (c.selection === 'pt' && c.hessian.earlyStop && !c.hessian.ada)
    return `R-DARTS early stopping ends the search with the genotype of its stop epoch, DARTS-PT selects from the final supernet; use one of them (hessian.ada, which trains on to the end, combines with selection=pt)`
  if (p === 'partial-channel' && c.C % c.partialChannel.K !== 0)
    return `partialChannel.K (${c.partialChannel.K}) must divide C (${c.C})`
  return null
}

/** E2NAS's latent z is decoded by an autoencoder of NB201 cells and stepped by a first-order straight-through gradient. */
function latentIncompatibility(c: SearchConfig): string | null {
  if (c.space !== 'nb201')
    return `the latent parametrization decodes z with an autoencoder trained on NAS-Bench-201 cells; it needs space=nb201`
  if (c.unrolled) return `E2NAS steps z with a first-order straight-through gradient; use unrolled=false with 'latent'`
  if (c.hessian.every > 0)
    return `λ_max of ∇²_α L_val is undefined for 'latent': the decoded cell is piecewise constant in z (straight-through)`
  return null
}
