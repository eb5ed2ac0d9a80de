/**
 * `nn.functional` (imported as `F`): PyTorch's functional forms of the layers and losses, spelled in camelCase
 * (`F.crossEntropy`, `F.batchNorm`, `F.maxPool2d`, ...), with keyword arguments in a trailing options object.
 */
export * from './activation.js';
export * from './linear.js';
export * from './conv.js';
export * from './normalization.js';
export * from './dropout.js';
export * from './embedding.js';
export * from './loss.js';
export * from './loss-embedding.js';
export * from './distance.js';
export * from './attention.js';
export * from './interpolate.js';
export * from './grid.js';
export * from './pooling1d.js';
export * from './shape.js';
