/** The convolution layers: Conv1d and Conv2d, ConvTranspose1d and ConvTranspose2d. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/index.js';
import { resetWeightAndBias, weightAndBias } from './linear.js';
import { pyValue } from '../utils/py-format.js';

type Pair = number | [number, number];

/** Conv2d's options past the kernel size, by PyTorch's keyword names. */
export interface Conv2dOptions {
  /** The step of the kernel, one number or `[h, w]` (default 1). */
  stride?: Pair;
  /** Zeros added on each side, or `'same'` / `'valid'` (default 0). */
  padding?: Pair | 'same' | 'valid';
  /** The spacing between kernel elements (default 1). */
  dilation?: Pair;
  /** Blocked connections from input to output channels (default 1). */
  groups?: number;
  /** Whether to learn a bias (default true). */
  bias?: boolean;
  /** Only `'zeros'`, PyTorch's default. */
  paddingMode?: 'zeros';
  /** The parameters' dtype (default float32). */
  dtype?: torch.DType;
}

/** Conv1d's options past the kernel size, by PyTorch's keyword names. */
export interface Conv1dOptions {
  /** The step of the kernel (default 1). */
  stride?: number | [number];
  /** Zeros added on each side, or `'same'` / `'valid'` (default 0). */
  padding?: number | [number] | 'same' | 'valid';
  /** The spacing between kernel elements (default 1). */
  dilation?: number | [number];
  /** Blocked connections from input to output channels (default 1). */
  groups?: number;
  /** Whether to learn a bias (default true). */
  bias?: boolean;
  /** Only `'zeros'`, PyTorch's default. */
  paddingMode?: 'zeros';
  /** The parameters' dtype (default float32). */
  dtype?: torch.DType;
}

/** ConvTranspose2d's options past the kernel size, by PyTorch's keyword names. */
export interface ConvTranspose2dOptions {
  /** The step of the kernel over the output, one number or `[h, w]` (default 1). */
  stride?: Pair;
  /** Rows and columns taken off each side of the full output (default 0). */
  padding?: Pair;
  /** Rows and columns added to the bottom and right of the output (default 0). */
  outputPadding?: Pair;
  /** Blocked connections from input to output channels (default 1). */
  groups?: number;
  /** Whether to learn a bias (default true). */
  bias?: boolean;
  /** The spacing between kernel elements (default 1). */
  dilation?: Pair;
  /** Only `'zeros'`, PyTorch's default. */
  paddingMode?: 'zeros';
  /** The parameters' dtype (default float32). */
  dtype?: torch.DType;
}

/** ConvTranspose1d's options past the kernel size, by PyTorch's keyword names. */
export interface ConvTranspose1dOptions {
  /** The step of the kernel over the output (default 1). */
  stride?: number | [number];
  /** Positions taken off each end of the full output (default 0). */
  padding?: number | [number];
  /** Positions added to the end of the output (default 0). */
  outputPadding?: number | [number];
  /** Blocked connections from input to output channels (default 1). */
  groups?: number;
  /** Whether to learn a bias (default true). */
  bias?: boolean;
  /** The spacing between kernel elements (default 1). */
  dilation?: number | [number];
  /** Only `'zeros'`, PyTorch's default. */
  paddingMode?: 'zeros';
  /** The parameters' dtype (default float32). */
  dtype?: torch.DType;
}

type Sizes = number | readonly number[];
/** Every convolution layer's options, as the shared constructor reads them. */
type AnyConvOptions = (Conv2dOptions | Conv1dOptions) & { outputPadding?: Sizes };

/**
 * What the convolution layers share: PyTorch's arguments, checks, parameters, initialisation and repr, per
 * dimension count, for a convolution or (`transposed`) its adjoint, whose weight is `[in, out / groups, ...]`.
 */
abstract class ConvNd<S extends number[]> extends Module {
  /** Channels of the input. */
  readonly inChannels: number;
  /** Channels of the output (the number of filters). */
  readonly outChannels: number;
  /** The kernel's size per spatial dim. */
  readonly kernelSize: S;
  /** The step of the kernel per spatial dim. */
  readonly stride: S;
  /** The zero padding per spatial dim, or `'same'` / `'valid'`. */
  readonly padding: S | 'same' | 'valid';
  /** The spacing between kernel elements per spatial dim. */
  readonly dilation: S;
  /** Blocked connections from input to output channels. */
  readonly groups: number;
  /** Whether this is a transposed convolution. */
  readonly transposed: boolean;
  /** The size added to one side of a transposed convolution's output per spatial dim (zeros otherwise). */
  readonly outputPadding: S;
  /** Always `'zeros'`. */
  readonly paddingMode = 'zeros';
  /** The filters: `[outChannels, inChannels / groups, ...kernelSize]`, transposed `[inChannels, outChannels / groups, ...]`. */
  weight: Parameter;
  /** The bias, `[outChannels]`, or `null`. */
  bias: Parameter | null;

  constructor(
    dims: number,
    inChannels: number,
    outChannels: number,
    kernelSize: Sizes,
    args: readonly unknown[],
    transposed = false,
  ) {
    super();
    const options = torch.compat.pythonArgs<AnyConvOptions>(
      this.constructor.name,
      transposed
        ? ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode']
        : ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'],
      args,
      0,
      3,
    );
    const tuple = (v: Sizes): S =>
      (typeof v === 'number'
        ? new Array<number>(dims).fill(v)
        : v.length === 1
          ? new Array<number>(dims).fill(v[0])
          : [...v]) as S;
    const groups = options.groups ?? 1;
    if (groups <= 0) throw new Error('groups must be a positive integer');
    if (inChannels % groups !== 0) throw new Error('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new Error('out_channels must be divisible by groups');
    const padding = options.padding ?? 0;
    const stride = tuple(options.stride ?? 1);
    if (padding === 'same' && stride.some((s) => s !== 1)) {
      throw new Error("padding='same' is not supported for strided convolutions");
    }
    if (typeof padding === 'string' && padding !== 'same' && padding !== 'valid') {
      throw new Error(`Invalid padding string '${String(padding)}', should be one of ['valid', 'same']`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tuple(kernelSize);
    this.stride = stride;
    this.padding = typeof padding === 'string' ? padding : tuple(padding);
    this.dilation = tuple(options.dilation ?? 1);
    this.groups = groups;
    this.transposed = transposed;
    this.outputPadding = tuple(options.outputPadding ?? 0);
    const weightShape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    [this.weight, this.bias] = weightAndBias(weightShape, options, outChannels);
    if (this.bias === null) this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** Re-draws weight and bias with PyTorch's default initialisation (kaiming-uniform, a = √5). */
  resetParameters(): void {
    resetWeightAndBias(this.weight, this.bias);
  }

  /** The stride, padding, dilation and groups, as the convolution functions take them. */
  protected convOptions(): { stride: S; padding: S | 'same' | 'valid'; dilation: S; groups: number } {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
  }

  /**
   * The transposed convolution functions' options; `outputSize`, when given, picks the output padding that reaches
   * it among the sizes the stride allows.
   */
  protected transposeOptions(
    input: Tensor,
    outputSize: readonly number[] | undefined,
  ): { stride: S; padding: S; outputPadding: number[]; groups: number; dilation: S } {
    return {
      stride: this.stride,
      padding: this.padding as S,
      outputPadding: outputSize === undefined ? this.outputPadding : outputPaddingFor(this, input, outputSize),
      groups: this.groups,
      dilation: this.dilation,
    };
  }

  /** The configuration, as PyTorch prints it. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyValue(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyValue(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyValue(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

/**
 * A 2-D convolution over `[N, C, H, W]` inputs, PyTorch's `nn.Conv2d` (cross-correlation, weight `[out, in / groups, kH, kW]`).
 *
 * @example
 * ```ts
 * const conv = new nn.Conv2d(3, 16, 3, { stride: 2, padding: 1 });
 * console.log(conv);
 * console.log(conv.weight.shape);
 * console.log(conv.forward(torch.zeros(8, 3, 32, 32)).shape);
 * ```
 * ```text
 * Conv2d(3, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
 * torch.Size([16, 3, 3, 3])
 * torch.Size([8, 16, 16, 16])
 * ```
 */
export class Conv2d extends ConvNd<[number, number]> {
  /** `new nn.Conv2d(inChannels, outChannels, kernelSize, { stride, padding, dilation, groups, bias })`. */
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: Conv2dOptions);
  /** PyTorch's positional order: `new nn.Conv2d(3, 64, 7, 2, 3, 1, 1, false)`. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    stride?: Pair,
    padding?: Conv2dOptions['padding'],
    dilation?: Pair,
    groups?: number,
    bias?: boolean,
    paddingMode?: 'zeros',
    options?: Conv2dOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: unknown[]) {
    super(2, inChannels, outChannels, kernelSize, args);
  }

  /** Convolves `input` (`[N, C, H, W]` or `[C, H, W]`). */
  override forward(input: Tensor): Tensor {
    return F.conv2d(input, this.weight, this.bias, this.convOptions());
  }
}

/**
 * A 1-D convolution over `[N, C, L]` inputs, PyTorch's `nn.Conv1d` (weight `[out, in / groups, k]`).
 *
 * @example
 * ```ts
 * const conv = new nn.Conv1d(4, 8, 3, { padding: 1 });
 * console.log(conv);
 * console.log(conv.forward(torch.zeros(2, 4, 10)).shape);
 * ```
 * ```text
 * Conv1d(4, 8, kernel_size=(3,), stride=(1,), padding=(1,))
 * torch.Size([2, 8, 10])
 * ```
 */
export class Conv1d extends ConvNd<[number]> {
  /** `new nn.Conv1d(inChannels, outChannels, kernelSize, { stride, padding, dilation, groups, bias })`. */
  constructor(inChannels: number, outChannels: number, kernelSize: number | [number], options?: Conv1dOptions);
  /** PyTorch's positional order: `new nn.Conv1d(16, 32, 3, 1, 1)`. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | [number],
    stride?: number | [number],
    padding?: Conv1dOptions['padding'],
    dilation?: number | [number],
    groups?: number,
    bias?: boolean,
    paddingMode?: 'zeros',
    options?: Conv1dOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: number | [number], ...args: unknown[]) {
    super(1, inChannels, outChannels, kernelSize, args);
  }

  /** Convolves `input` (`[N, C, L]` or `[C, L]`). */
  override forward(input: Tensor): Tensor {
    return F.conv1d(input, this.weight, this.bias, this.convOptions());
  }
}

/**
 * The output padding that makes a transposed convolution's output `outputSize` (PyTorch's `_output_padding`):
 * the spatial sizes, optionally preceded by the batch and channel sizes.
 */
function outputPaddingFor(layer: ConvNd<number[]>, input: Tensor, outputSize: readonly number[]): number[] {
  const dims = layer.kernelSize.length;
  const nonSpatial = input.ndim === dims + 2 ? 2 : 1;
  const sizes = outputSize.length === nonSpatial + dims ? outputSize.slice(nonSpatial) : [...outputSize];
  if (sizes.length !== dims) {
    throw new torch.ValueError(
      `ConvTranspose${dims}D: for ${input.ndim}D input, output_size must have ${dims} or ${nonSpatial + dims} elements (got ${outputSize.length})`,
    );
  }
  const padding = layer.padding as number[];
  const min = sizes.map(
    (_, d) =>
      (input.shape[d + nonSpatial] - 1) * layer.stride[d] -
      2 * padding[d] +
      layer.dilation[d] * (layer.kernelSize[d] - 1) +
      1,
  );
  const max = min.map((m, d) => m + layer.stride[d] - 1);
  const list = (a: readonly number[]): string => `[${a.join(', ')}]`;
  if (sizes.some((size, d) => size < min[d] || size > max[d])) {
    throw new torch.ValueError(
      `requested an output size of ${list(sizes)}, but valid sizes range from ${list(min)} to ${list(max)} (for an input of ${String(torch.Size.from(input.shape.slice(2)))})`,
    );
  }
  return sizes.map((size, d) => size - min[d]);
}

/**
 * A transposed 2-D convolution over `[N, C, H, W]` inputs, PyTorch's `nn.ConvTranspose2d` (the adjoint of a
 * convolution, weight `[in, out / groups, kH, kW]`): the upsampling layer of decoders and generators.
 *
 * @example
 * ```ts
 * const up = new nn.ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1, outputPadding: 1 });
 * console.log(up);
 * console.log(up.weight.shape);
 * console.log(up.forward(torch.zeros(4, 16, 7, 7)).shape);
 * ```
 * ```text
 * ConvTranspose2d(16, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))
 * torch.Size([16, 8, 3, 3])
 * torch.Size([4, 8, 14, 14])
 * ```
 */
export class ConvTranspose2d extends ConvNd<[number, number]> {
  /** `new nn.ConvTranspose2d(inChannels, outChannels, kernelSize, { stride, padding, outputPadding, groups, bias, dilation })`. */
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: ConvTranspose2dOptions);
  /** PyTorch's positional order: `new nn.ConvTranspose2d(16, 8, 3, 2, 1, 1)`. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    stride?: Pair,
    padding?: Pair,
    outputPadding?: Pair,
    groups?: number,
    bias?: boolean,
    dilation?: Pair,
    paddingMode?: 'zeros',
    options?: ConvTranspose2dOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: unknown[]) {
    super(2, inChannels, outChannels, kernelSize, args, true);
  }

  /** Applies the layer to `input` (`[N, C, H, W]` or `[C, H, W]`); `outputSize` picks among the sizes a stride allows. */
  override forward(input: Tensor, outputSize?: readonly number[]): Tensor {
    return F.convTranspose2d(input, this.weight, this.bias, this.transposeOptions(input, outputSize));
  }
}

/**
 * A transposed 1-D convolution over `[N, C, L]` inputs, PyTorch's `nn.ConvTranspose1d` (weight `[in, out / groups, k]`).
 *
 * @example
 * ```ts
 * const up = new nn.ConvTranspose1d(4, 6, 3, { stride: 2 });
 * console.log(up);
 * console.log(up.forward(torch.zeros(2, 4, 10)).shape);
 * ```
 * ```text
 * ConvTranspose1d(4, 6, kernel_size=(3,), stride=(2,))
 * torch.Size([2, 6, 21])
 * ```
 */
export class ConvTranspose1d extends ConvNd<[number]> {
  /** `new nn.ConvTranspose1d(inChannels, outChannels, kernelSize, { stride, padding, outputPadding, groups, bias, dilation })`. */
  constructor(inChannels: number, outChannels: number, kernelSize: number | [number], options?: ConvTranspose1dOptions);
  /** PyTorch's positional order: `new nn.ConvTranspose1d(4, 6, 3, 2)`. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | [number],
    stride?: number | [number],
    padding?: number | [number],
    outputPadding?: number | [number],
    groups?: number,
    bias?: boolean,
    dilation?: number | [number],
    paddingMode?: 'zeros',
    options?: ConvTranspose1dOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: number | [number], ...args: unknown[]) {
    super(1, inChannels, outChannels, kernelSize, args, true);
  }

  /** Applies the layer to `input` (`[N, C, L]` or `[C, L]`); `outputSize` picks among the lengths a stride allows. */
  override forward(input: Tensor, outputSize?: readonly number[]): Tensor {
    return F.convTranspose1d(input, this.weight, this.bias, this.transposeOptions(input, outputSize));
  }
}
