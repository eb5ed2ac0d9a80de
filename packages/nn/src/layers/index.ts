/** Every layer, loss and container class, for `nn.*` and for named imports. */
export { Module } from '../module.js';
export { Parameter } from '../parameter.js';
export { Linear, Identity, Flatten, Unflatten } from './linear.js';
export { Conv1d, Conv2d } from './conv.js';
export { BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm } from './norm.js';
export type { GroupNormLayerOptions } from './norm.js';
export {
  ReLU,
  LeakyReLU,
  GELU,
  Sigmoid,
  Tanh,
  Softmax,
  LogSoftmax,
  Softmin,
  SiLU,
  Mish,
  ReLU6,
  Hardsigmoid,
  Hardswish,
  SELU,
  LogSigmoid,
  Tanhshrink,
  Softsign,
} from './activation.js';
export {
  ELU,
  CELU,
  Softplus,
  Hardtanh,
  Threshold,
  Hardshrink,
  Softshrink,
  GLU,
  PReLU,
} from './activation-configured.js';
export type {
  AlphaOptions,
  SoftplusLayerOptions,
  HardtanhLayerOptions,
  PReLUOptions,
} from './activation-configured.js';
export { Dropout, Dropout1d, Dropout2d } from './dropout.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d } from './pooling.js';
export { Embedding } from './embedding.js';
export { Sequential, ModuleList, ModuleDict } from './container.js';
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
export { CosineSimilarity, PairwiseDistance } from './distance.js';
export { MultiheadAttention } from './attention.js';
export type { MultiheadAttentionOptions, MultiheadAttentionForwardOptions } from './attention.js';
export { TransformerEncoderLayer, TransformerEncoder } from './transformer.js';
export type { TransformerEncoderLayerOptions, EncoderMasks } from './transformer.js';
export { RNN, LSTM, GRU } from './rnn.js';
export type { RNNOptions, ElmanRNNOptions } from './rnn.js';
export { Upsample } from './upsample.js';
export type { UpsampleOptions } from './upsample.js';
export {
  ConstantPad1d,
  ConstantPad2d,
  ConstantPad3d,
  ZeroPad2d,
  ReflectionPad1d,
  ReflectionPad2d,
  ReflectionPad3d,
  ReplicationPad1d,
  ReplicationPad2d,
  ReplicationPad3d,
} from './padding.js';
export type { Padding } from './padding.js';
export { MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d } from './pooling1d.js';
export type { MaxPool1dLayerOptions, AvgPool1dLayerOptions } from './pooling1d.js';
export { PixelShuffle, PixelUnshuffle } from './pixel-shuffle.js';
