/** MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';
import { pyValue } from '../utils/py-format.js';

type Pair = number | [number, number];

/** What a max-pooling layer's forward returns: the output, or `[output, indices]` with `returnIndices: true`. */
export type MaxPoolResult<WithIndices extends boolean> = WithIndices extends true ? [Tensor, Tensor] : Tensor;

interface MaxPool2dOptions<WithIndices extends boolean> {
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  returnIndices?: WithIndices;
  ceilMode?: boolean;
}

interface AvgPool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export class MaxPool2d<WithIndices extends boolean = false> extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly returnIndices: WithIndices;
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, options?: MaxPool2dOptions<WithIndices>);
  /** PyTorch's positional order: `new nn.MaxPool2d(3, 2, 1)`. */
  constructor(kernelSize: Pair, stride?: Pair | null, padding?: Pair, dilation?: Pair, returnIndices?: WithIndices, ceilMode?: boolean, options?: MaxPool2dOptions<WithIndices>);
  constructor(kernelSize: Pair, ...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<MaxPool2dOptions<WithIndices>>('MaxPool2d', ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode'], args);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.returnIndices = options.returnIndices ?? (false as WithIndices);
    this.ceilMode = options.ceilMode ?? false;
  }

  override forward(input: Tensor): MaxPoolResult<WithIndices> {
    return F.maxPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
      returnIndices: this.returnIndices,
    }) as MaxPoolResult<WithIndices>;
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, dilation=${pyValue(this.dilation)}, ceil_mode=${pyValue(this.ceilMode)}`;
  }
}

export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Pair, options?: AvgPool2dOptions);
  /** PyTorch's positional order: `new nn.AvgPool2d(2, 2, 0, false, true)`. */
  constructor(kernelSize: Pair, stride?: Pair | null, padding?: Pair, ceilMode?: boolean, countIncludePad?: boolean, divisorOverride?: number | null, options?: AvgPool2dOptions);
  constructor(kernelSize: Pair, ...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<AvgPool2dOptions>('AvgPool2d', ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'], args);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }

  override forward(input: Tensor): Tensor {
    return F.avgPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}

export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: Pair;

  constructor(outputSize: Pair) {
    super();
    this.outputSize = outputSize;
  }

  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}

export class AdaptiveMaxPool2d<WithIndices extends boolean = false> extends Module {
  readonly outputSize: Pair;
  readonly returnIndices: WithIndices;

  constructor(outputSize: Pair, options?: { returnIndices?: WithIndices });
  /** PyTorch's positional order: `new nn.AdaptiveMaxPool2d(1, true)`. */
  constructor(outputSize: Pair, returnIndices?: WithIndices);
  constructor(outputSize: Pair, ...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<{ returnIndices?: WithIndices }>('AdaptiveMaxPool2d', ['returnIndices'], args);
    this.outputSize = outputSize;
    this.returnIndices = options.returnIndices ?? (false as WithIndices);
  }

  override forward(input: Tensor): MaxPoolResult<WithIndices> {
    return F.adaptiveMaxPool2d(input, this.outputSize, { returnIndices: this.returnIndices }) as MaxPoolResult<WithIndices>;
  }

  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}
