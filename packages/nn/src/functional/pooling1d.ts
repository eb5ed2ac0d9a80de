/**
 * The 1-D poolings (`F.maxPool1d`, `F.avgPool1d`, `F.adaptiveAvgPool1d`, `F.adaptiveMaxPool1d`) as PyTorch composes
 * them: the input given a height of 1 (`unsqueeze(-2)`), the 2-D pooling with a kernel of height 1, the height taken
 * away again; so the graph ends in `SqueezeBackward1` over the 2-D pooling's node, as PyTorch's.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';

export interface MaxPool1dOptions {
  /** Defaults to the kernel size. */
  stride?: number | null;
  padding?: number;
  dilation?: number;
  ceilMode?: boolean;
  /** Return `[output, indices]`. */
  returnIndices?: boolean;
}

export interface AvgPool1dOptions {
  /** Defaults to the kernel size. */
  stride?: number | null;
  padding?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** A size given as a number or a one-element list. */
function one(v: number | readonly number[]): number {
  return typeof v === 'number' ? v : v[0];
}

function checkRank(input: Tensor, op: string): void {
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new torch.RuntimeError(
      `${op}() Expected 2D or 3D input tensor, but got ${input.ndim}D tensor of size [${input.shape.join(', ')}]`,
    );
  }
}

/** `F.max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)`. */
export function maxPool1d(
  input: Tensor,
  kernelSize: number | readonly number[],
  options: MaxPool1dOptions = {},
): Tensor | [Tensor, Tensor] {
  checkRank(input, 'max_pool1d');
  const k = one(kernelSize);
  const { stride = null, padding = 0, dilation = 1, ceilMode = false, returnIndices = false } = options;
  const result = torch.maxPool2d(input.unsqueeze(-2), [1, k], {
    stride: [1, stride === null ? k : one(stride)],
    padding: [0, one(padding)],
    dilation: [1, one(dilation)],
    ceilMode,
    returnIndices,
  });
  if (Array.isArray(result)) return [result[0].squeeze(-2), result[1].squeeze(-2)];
  return result.squeeze(-2);
}

/** `F.avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`. */
export function avgPool1d(
  input: Tensor,
  kernelSize: number | readonly number[],
  options: AvgPool1dOptions = {},
): Tensor {
  checkRank(input, 'avg_pool1d');
  const k = one(kernelSize);
  const { stride = null, padding = 0, ceilMode = false, countIncludePad = true } = options;
  return torch
    .avgPool2d(input.unsqueeze(-2), [1, k], {
      stride: [1, stride === null ? k : one(stride)],
      padding: [0, one(padding)],
      ceilMode,
      countIncludePad,
    })
    .squeeze(-2);
}

/** `F.adaptive_avg_pool1d(input, output_size)`: the mean over each of `outputSize` windows along the last dim. */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly number[]): Tensor {
  checkRank(input, 'adaptive_avg_pool1d');
  return torch.adaptiveAvgPool2d(input.unsqueeze(-2), [1, one(outputSize)]).squeeze(-2);
}

/** `F.adaptive_max_pool1d(input, output_size, return_indices=False)`. */
export function adaptiveMaxPool1d(
  input: Tensor,
  outputSize: number | readonly number[],
  options: { returnIndices?: boolean } = {},
): Tensor | [Tensor, Tensor] {
  checkRank(input, 'adaptive_max_pool1d');
  const result = torch.adaptiveMaxPool2d(input.unsqueeze(-2), [1, one(outputSize)], {
    returnIndices: options.returnIndices ?? false,
  });
  if (Array.isArray(result)) return [result[0].squeeze(-2), result[1].squeeze(-2)];
  return result.squeeze(-2);
}
