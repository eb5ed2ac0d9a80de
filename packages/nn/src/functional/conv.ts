/**
 * Convolution and pooling: `F.conv1d`, `F.conv2d`, `F.conv_transpose1d`, `F.conv_transpose2d`, `F.max_pool2d`,
 * `F.avg_pool2d`, `F.adaptive_avg_pool2d` and `F.adaptive_max_pool2d` are core's ops, which already take PyTorch's
 * F signatures (`F.conv2d(x, w, b, { stride, padding, dilation, groups })`, `F.maxPool2d(x, 2, { returnIndices: true })`).
 */
export {
  conv1d,
  conv2d,
  convTranspose1d,
  convTranspose2d,
  maxPool2d,
  avgPool2d,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
} from '@kindling/core';
export type {
  Conv1dOptions,
  Conv2dOptions,
  ConvTranspose1dOptions,
  ConvTranspose2dOptions,
  Size2,
  MaxPool2dOptions,
  AvgPool2dOptions,
  AdaptiveMaxPool2dOptions,
  AdaptiveSize,
} from '@kindling/core';
