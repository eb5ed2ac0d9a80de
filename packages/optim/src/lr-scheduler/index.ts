/**
 * Learning-rate schedulers, PyTorch 1.13's `torch.optim.lr_scheduler`:
 *
 *   import { SGD, lrScheduler } from '@kindling/optim';
 *   const scheduler = new lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 */
export { LRScheduler } from './base.js';
export type { SchedulerOptions, SchedulerStateDict } from './base.js';
export { StepLR, MultiStepLR, ExponentialLR } from './step-decay.js';
export type { StepLROptions, MultiStepLROptions, ExponentialLROptions } from './step-decay.js';
export { ConstantLR, LinearLR, PolynomialLR, CosineAnnealingLR } from './annealing.js';
export type { ConstantLROptions, LinearLROptions, PolynomialLROptions, CosineAnnealingLROptions } from './annealing.js';
export { LambdaLR, MultiplicativeLR } from './lambda.js';
export type { LrLambda, LambdaLROptions } from './lambda.js';
export { CosineAnnealingWarmRestarts } from './warm-restarts.js';
export type { CosineAnnealingWarmRestartsOptions } from './warm-restarts.js';
export { OneCycleLR } from './one-cycle.js';
export { CyclicLR } from './cyclic.js';
export type { CyclicLROptions } from './cyclic.js';
export type { OneCycleLROptions, SchedulePhase } from './one-cycle.js';
export { SequentialLR, ChainedScheduler } from './composite.js';
export type { SequentialLROptions } from './composite.js';
export { ReduceLROnPlateau } from './plateau.js';
export type { ReduceLROnPlateauOptions, PlateauMode, ThresholdMode } from './plateau.js';
