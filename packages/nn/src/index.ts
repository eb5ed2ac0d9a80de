/**
 * @kindling/nn — Module, layers, losses, functional, init and the ResNet family.
 *
 *   import { nn } from '@kindling/nn';      // nn.Linear, nn.functional (F), nn.init, nn.utils, nn.models
 *   import { Linear, F, models } from '@kindling/nn';
 *
 * @module @kindling/nn
 */
import * as layers from './layers/index.js';
import { functional } from './functional/checked.js';
import * as init from './init.js';
import { clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters } from './utils/clip-grad.js';
import * as resnet from './models/resnet.js';
import { padSequence } from './utils/rnn.js';
import { removeWeightNorm, weightNorm } from './utils/weight-norm.js';
import { removeSpectralNorm, spectralNorm } from './utils/spectral-norm.js';

/** `nn.utils`: gradient clipping, parameter vectors, weight and spectral normalisation, and `rnn.padSequence`. */
export const utils = {
  clipGradNorm_,
  clipGradValue_,
  parametersToVector,
  vectorToParameters,
  weightNorm,
  removeWeightNorm,
  spectralNorm,
  removeSpectralNorm,
  rnn: { padSequence },
};
export const models = {
  ResNet: resnet.ResNet,
  BasicBlock: resnet.BasicBlock,
  Bottleneck: resnet.Bottleneck,
  resnet18: resnet.resnet18,
  resnet34: resnet.resnet34,
  resnet50: resnet.resnet50,
  resnet101: resnet.resnet101,
  resnet152: resnet.resnet152,
};

export const nn = { ...layers, functional, F: functional, init, utils, models };

export * from './layers/index.js';
export { RemovableHandle } from './hooks.js';
export { functional, functional as F, init };
export type { ForwardHook, ForwardPreHook } from './hooks.js';
export type { MemberOptions } from './module-traversal.js';
export type { LoadResult } from './state-dict.js';
export type { Reduction } from './loss.js';
export type { ResNet, ResNetOptions } from './models/resnet.js';
export type { Tensor } from '@kindling/core';
