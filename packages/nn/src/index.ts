/**
 * @kindling/nn — Module, layers, losses, functional, init and the ResNet family.
 *
 *   import { nn } from '@kindling/nn';      // nn.Linear, nn.functional (F), nn.init, nn.utils
 *   import { Linear, F, models } from '@kindling/nn';
 */
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { RemovableHandle } from './hooks.js';
import { Linear, Identity, Flatten, Unflatten } from './layers/linear.js';
import { Conv2d } from './layers/conv.js';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from './layers/norm.js';
import { ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax } from './layers/activation.js';
import { Dropout } from './layers/dropout.js';
import { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d } from './layers/pooling.js';
import { Embedding } from './layers/embedding.js';
import { Sequential, ModuleList, ModuleDict } from './layers/container.js';
import { CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss, SmoothL1Loss } from './loss.js';
import * as functional from './functional/index.js';
import * as init from './init.js';
import { clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters } from './utils/clip-grad.js';
import * as resnet from './models/resnet.js';

export const utils = { clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters };
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

export const nn = {
  Module,
  Parameter,
  Linear,
  Identity,
  Flatten,
  Unflatten,
  Conv2d,
  BatchNorm1d,
  BatchNorm2d,
  LayerNorm,
  ReLU,
  LeakyReLU,
  GELU,
  Sigmoid,
  Tanh,
  Softmax,
  LogSoftmax,
  Dropout,
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  Embedding,
  Sequential,
  ModuleList,
  ModuleDict,
  CrossEntropyLoss,
  NLLLoss,
  MSELoss,
  L1Loss,
  BCELoss,
  BCEWithLogitsLoss,
  SmoothL1Loss,
  functional,
  F: functional,
  init,
  utils,
  models,
};

export {
  Module,
  Parameter,
  RemovableHandle,
  Linear,
  Identity,
  Flatten,
  Unflatten,
  Conv2d,
  BatchNorm1d,
  BatchNorm2d,
  LayerNorm,
  ReLU,
  LeakyReLU,
  GELU,
  Sigmoid,
  Tanh,
  Softmax,
  LogSoftmax,
  Dropout,
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  Embedding,
  Sequential,
  ModuleList,
  ModuleDict,
  CrossEntropyLoss,
  NLLLoss,
  MSELoss,
  L1Loss,
  BCELoss,
  BCEWithLogitsLoss,
  SmoothL1Loss,
  functional,
  functional as F,
  init,
};
export type { Tensor } from '@kindling/core';
export type { ForwardHook, ForwardPreHook } from './module.js';
export type { LoadResult } from './state-dict.js';
export type { Reduction } from './loss.js';
export type { ResNet, ResNetOptions } from './models/resnet.js';
