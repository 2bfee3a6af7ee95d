/**
 * Cosine annealing with a floor, `η_t = η_min + (η_0 − η_min)(1 + cos(πt/T))/2`. DARTS calls
 * `scheduler.step()` at the start of each epoch, so epoch e runs at t = e+1 (convention 'darts');
 * current PyTorch code steps after the epoch, so epoch e runs at t = e ('pytorch'). The run records which.
 */
export type ScheduleConvention = 'darts' | 'pytorch'

export interface CosineSchedule {
  readonly lr: number
  readonly lrMin: number
  readonly epochs: number
  readonly convention: ScheduleConvention
}

export function cosineLr(s: CosineSchedule, epoch: number): number {
  const t = s.convention === 'darts' ? epoch + 1 : epoch
  return s.lrMin + ((s.lr - s.lrMin) * (1 + Math.cos((Math.PI * t) / s.epochs))) / 2
}
