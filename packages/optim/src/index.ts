/**
 * @kindling/optim — PyTorch's optimizers and LR schedulers, step for step.
 *
 *   import { SGD, Adam, lrScheduler } from '@kindling/optim';
 *
 * @module @kindling/optim
 */
export { Optimizer, required } from './optimizer.js';
export type {
  OptimizerStateDict,
  Group,
  ParamGroup,
  ParamGroupInput,
  ParamState,
  Params,
  Hyper,
  HyperValue,
} from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions, SGDState } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions, AdamState } from './adam.js';
export * from './adam-variants.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions, RMSpropState } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions, AdagradState } from './adagrad.js';
export { Adadelta } from './adadelta.js';
export type { AdadeltaOptions, AdadeltaState } from './adadelta.js';
export { Rprop } from './rprop.js';
export type { RpropOptions, RpropState } from './rprop.js';
export { ASGD } from './asgd.js';
export { LBFGS } from './lbfgs.js';
export type { LBFGSOptions } from './lbfgs.js';
export type { ASGDOptions, ASGDState } from './asgd.js';
export { serializeOptimizerState, deserializeOptimizerState } from './serialize.js';
export { KeyError, ZeroDivisionError } from './python.js';
export * as lrScheduler from './lr-scheduler/index.js';
export * from './lr-scheduler/index.js';
