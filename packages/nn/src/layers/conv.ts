/** Conv2d. */
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

type Sizes = number | readonly number[];

/** What Conv1d and Conv2d share: PyTorch's arguments, checks, parameters, initialisation and repr, per dimension count. */
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
  /** Always `'zeros'`. */
  readonly paddingMode = 'zeros';
  /** The filters, `[outChannels, inChannels / groups, ...kernelSize]`. */
  weight: Parameter;
  /** The bias, `[outChannels]`, or `null`. */
  bias: Parameter | null;

  constructor(dims: number, inChannels: number, outChannels: number, kernelSize: Sizes, args: readonly unknown[]) {
    super();
    const options = torch.compat.pythonArgs<Conv2dOptions | Conv1dOptions>(
      this.constructor.name,
      ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'],
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
    [this.weight, this.bias] = weightAndBias([outChannels, inChannels / groups, ...this.kernelSize], options);
    if (this.bias === null) this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** Re-draws weight and bias with PyTorch's default initialisation (kaiming-uniform, a = √5). */
  resetParameters(): void {
    resetWeightAndBias(this.weight, this.bias);
  }

  /** The configuration, as PyTorch prints it. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyValue(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyValue(this.dilation)}`;
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
    return F.conv2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
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
    return F.conv1d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}
