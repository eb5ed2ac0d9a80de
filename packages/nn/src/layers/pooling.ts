/** MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';
import { pyValue } from '../utils/py-format.js';

type Pair = number | [number, number];

/** What a max-pooling layer's forward returns: the output, or `[output, indices]` with `returnIndices: true`. */
export type MaxPoolResult<WithIndices extends boolean> = WithIndices extends true ? [Tensor, Tensor] : Tensor;

/** Max pooling's settings past the kernel size: each size one number (`S`), or one per spatial dim. */
interface MaxPoolSettings<S, WithIndices extends boolean> {
  stride?: S | null;
  padding?: S;
  dilation?: S;
  returnIndices?: WithIndices;
  ceilMode?: boolean;
}

type MaxPool2dOptions<WithIndices extends boolean> = MaxPoolSettings<Pair, WithIndices>;

/** Average pooling's settings past the kernel size that AvgPool1d and AvgPool2d share. */
interface AvgPoolSettings<S> {
  stride?: S | null;
  padding?: S;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

interface AvgPool2dOptions extends AvgPoolSettings<Pair> {
  divisorOverride?: number | null;
}

/**
 * What MaxPool1d and MaxPool2d share (PyTorch's `_MaxPoolNd`): the settings, read from PyTorch's positional order
 * or an options object, and the options the max-pooling functions take. `S` is a size: one number, or a tuple.
 */
export abstract class MaxPoolNd<S, WithIndices extends boolean> extends Module {
  /** The window size. */
  readonly kernelSize: S;
  /** The step of the window (defaults to `kernelSize`). */
  readonly stride: S;
  /** Implicit negative-infinity padding on each side. */
  readonly padding: S | number;
  /** The spacing between window elements. */
  readonly dilation: S | number;
  /** Whether `forward` returns `[output, indices]`. */
  readonly returnIndices: WithIndices;
  /** Whether the output size rounds up instead of down. */
  readonly ceilMode: boolean;

  constructor(kernelSize: S, args: readonly unknown[]) {
    super();
    const options = torch.compat.pythonArgs<MaxPoolSettings<S, WithIndices>>(
      this.constructor.name,
      ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode'],
      args,
    );
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.returnIndices = options.returnIndices ?? (false as WithIndices);
    this.ceilMode = options.ceilMode ?? false;
  }

  /** The settings past the kernel size, as the max-pooling functions take them. */
  protected poolOptions(): {
    stride: S;
    padding: S | number;
    dilation: S | number;
    ceilMode: boolean;
    returnIndices: WithIndices;
  } {
    const { stride, padding, dilation, ceilMode, returnIndices } = this;
    return { stride, padding, dilation, ceilMode, returnIndices };
  }
}

/**
 * What AvgPool1d and AvgPool2d share (PyTorch's `_AvgPoolNd`): the settings and the options the average-pooling
 * functions take. `S` is a size: one number, or a tuple.
 */
export abstract class AvgPoolNd<S> extends Module {
  /** The window size. */
  readonly kernelSize: S;
  /** The step of the window (defaults to `kernelSize`). */
  readonly stride: S;
  /** Implicit zero padding on each side. */
  readonly padding: S | number;
  /** Whether the output size rounds up instead of down. */
  readonly ceilMode: boolean;
  /** Whether the padding zeros count in the mean's divisor. */
  readonly countIncludePad: boolean;

  /** Keeps the kernel size and `options`, the settings read from the layer's arguments. */
  constructor(kernelSize: S, options: AvgPoolSettings<S>) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }

  /** The settings past the kernel size, as the average-pooling functions take them. */
  protected poolOptions(): { stride: S; padding: S | number; ceilMode: boolean; countIncludePad: boolean } {
    const { stride, padding, ceilMode, countIncludePad } = this;
    return { stride, padding, ceilMode, countIncludePad };
  }
}

/**
 * The maximum over each `kernelSize` window of `[N, C, H, W]` inputs; `returnIndices: true` also gives the argmax indices (for `F.maxUnpool2d`).
 *
 * @example
 * ```ts
 * const pool = new nn.MaxPool2d(2);
 * console.log(pool);
 * const x = torch.arange(16, { dtype: 'float32' }).view(1, 1, 4, 4);
 * console.log(pool.forward(x));
 * ```
 * ```text
 * MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
 * tensor([[[[ 5.,  7.],
 *           [13., 15.]]]])
 * ```
 */
export class MaxPool2d<WithIndices extends boolean = false> extends MaxPoolNd<Pair, WithIndices> {
  /** `new nn.MaxPool2d(kernelSize, { stride, padding, dilation, returnIndices, ceilMode })`. */
  constructor(kernelSize: Pair, options?: MaxPool2dOptions<WithIndices>);
  /** PyTorch's positional order: `new nn.MaxPool2d(3, 2, 1)`. */
  constructor(
    kernelSize: Pair,
    stride?: Pair | null,
    padding?: Pair,
    dilation?: Pair,
    returnIndices?: WithIndices,
    ceilMode?: boolean,
    options?: MaxPool2dOptions<WithIndices>,
  );
  constructor(kernelSize: Pair, ...args: unknown[]) {
    super(kernelSize, args);
  }

  /** Pools `input` (`[N, C, H, W]` or `[C, H, W]`). */
  override forward(input: Tensor): MaxPoolResult<WithIndices> {
    return F.maxPool2d(input, this.kernelSize, this.poolOptions()) as MaxPoolResult<WithIndices>;
  }

  /** The configuration, as PyTorch prints it. */
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, dilation=${pyValue(this.dilation)}, ceil_mode=${pyValue(this.ceilMode)}`;
  }
}

/**
 * The mean over each `kernelSize` window of `[N, C, H, W]` inputs.
 *
 * @example
 * ```ts
 * const pool = new nn.AvgPool2d(2);
 * console.log(pool);
 * console.log(pool.forward(torch.arange(16, { dtype: 'float32' }).view(1, 1, 4, 4)));
 * ```
 * ```text
 * AvgPool2d(kernel_size=2, stride=2, padding=0)
 * tensor([[[[ 2.5000,  4.5000],
 *           [10.5000, 12.5000]]]])
 * ```
 */
export class AvgPool2d extends AvgPoolNd<Pair> {
  /** A divisor used instead of the window size, or `null`. */
  readonly divisorOverride: number | null;

  /** `new nn.AvgPool2d(kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride })`. */
  constructor(kernelSize: Pair, options?: AvgPool2dOptions);
  /** PyTorch's positional order: `new nn.AvgPool2d(2, 2, 0, false, true)`. */
  constructor(
    kernelSize: Pair,
    stride?: Pair | null,
    padding?: Pair,
    ceilMode?: boolean,
    countIncludePad?: boolean,
    divisorOverride?: number | null,
    options?: AvgPool2dOptions,
  );
  constructor(kernelSize: Pair, ...args: unknown[]) {
    const options = torch.compat.pythonArgs<AvgPool2dOptions>(
      'AvgPool2d',
      ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'],
      args,
    );
    super(kernelSize, options);
    this.divisorOverride = options.divisorOverride ?? null;
  }

  /** Pools `input` (`[N, C, H, W]` or `[C, H, W]`). */
  override forward(input: Tensor): Tensor {
    return F.avgPool2d(input, this.kernelSize, { ...this.poolOptions(), divisorOverride: this.divisorOverride });
  }

  /** The configuration, as PyTorch prints it. */
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}

/**
 * The mean over windows chosen so that the output is `outputSize` whatever the input size (ResNet's global pooling with 1).
 *
 * @example
 * ```ts
 * const pool = new nn.AdaptiveAvgPool2d(1);
 * console.log(pool);
 * console.log(pool.forward(torch.ones(8, 512, 7, 7)).shape);
 * ```
 * ```text
 * AdaptiveAvgPool2d(output_size=1)
 * torch.Size([8, 512, 1, 1])
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  /** The output's `[h, w]` (one number for both). */
  readonly outputSize: Pair;

  /** `new nn.AdaptiveAvgPool2d(outputSize)`. */
  constructor(outputSize: Pair) {
    super();
    this.outputSize = outputSize;
  }

  /** Pools `input` to `outputSize`. */
  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }

  /** The output size, as PyTorch prints it. */
  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}

/** The maximum over windows chosen so that the output is `outputSize` whatever the input size. */
export class AdaptiveMaxPool2d<WithIndices extends boolean = false> extends Module {
  /** The output's `[h, w]` (one number for both). */
  readonly outputSize: Pair;
  /** Whether `forward` returns `[output, indices]`. */
  readonly returnIndices: WithIndices;

  /** `new nn.AdaptiveMaxPool2d(outputSize, { returnIndices })`. */
  constructor(outputSize: Pair, options?: { returnIndices?: WithIndices });
  /** PyTorch's positional order: `new nn.AdaptiveMaxPool2d(1, true)`. */
  constructor(outputSize: Pair, returnIndices?: WithIndices);
  constructor(outputSize: Pair, ...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<{ returnIndices?: WithIndices }>(
      'AdaptiveMaxPool2d',
      ['returnIndices'],
      args,
    );
    this.outputSize = outputSize;
    this.returnIndices = options.returnIndices ?? (false as WithIndices);
  }

  /** Pools `input` to `outputSize`. */
  override forward(input: Tensor): MaxPoolResult<WithIndices> {
    return F.adaptiveMaxPool2d(input, this.outputSize, {
      returnIndices: this.returnIndices,
    }) as MaxPoolResult<WithIndices>;
  }

  /** The output size, as PyTorch prints it. */
  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}
