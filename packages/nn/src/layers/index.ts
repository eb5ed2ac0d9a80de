/** Every layer, loss and container class, for `nn.*` and for named imports. */
export { Module } from '../module.js';
export { Parameter } from '../parameter.js';
export { Linear, Bilinear, Identity, Flatten, Unflatten } from './linear.js';
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from './conv.js';
export type { ConvTranspose1dOptions, ConvTranspose2dOptions } from './conv.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, LayerNorm, GroupNorm, LocalResponseNorm } from './norm.js';
export { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from './instance-norm.js';
export type { GroupNormLayerOptions } from './norm.js';
export * from './activation.js';
export * from './activation-configured.js';
export * from './dropout.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d } from './pooling.js';
export { Embedding, EmbeddingBag } from './embedding.js';
export type { EmbeddingBagLayerOptions } from './embedding.js';
export { Sequential, ModuleList, ModuleDict } from './container.js';
export { ParameterList, ParameterDict } from './parameter-containers.js';
export {
  CrossEntropyLoss,
  NLLLoss,
  MSELoss,
  L1Loss,
  BCELoss,
  BCEWithLogitsLoss,
  SmoothL1Loss,
  HuberLoss,
  KLDivLoss,
} from '../loss.js';
export * from '../loss-embedding.js';
export * from './distance.js';
export * from './attention.js';
export * from './transformer.js';
export * from './transformer-model.js';
export * from './rnn.js';
export * from './rnn-cells.js';
export * from './upsample.js';
export * from './padding.js';
export * from './pooling1d.js';
export * from './pixel-shuffle.js';
export * from './fold.js';
