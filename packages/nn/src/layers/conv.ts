/** Conv2d. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/index.js';
import { resetWeightAndBias, weightAndBias } from './linear.js';
import { pyValue } from '../utils/py-format.js';

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

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
export class Conv2d extends Module {
  /** Channels of the input. */
  readonly inChannels: number;
  /** Channels of the output (the number of filters). */
  readonly outChannels: number;
  /** The kernel's `[height, width]`. */
  readonly kernelSize: [number, number];
  /** The step of the kernel, `[h, w]`. */
  readonly stride: [number, number];
  /** The zero padding, `[h, w]`, or `'same'` / `'valid'`. */
  readonly padding: [number, number] | 'same' | 'valid';
  /** The spacing between kernel elements, `[h, w]`. */
  readonly dilation: [number, number];
  /** Blocked connections from input to output channels. */
  readonly groups: number;
  /** Always `'zeros'`. */
  readonly paddingMode = 'zeros';
  /** The filters, `[outChannels, inChannels / groups, kH, kW]`. */
  weight: Parameter;
  /** The bias, `[outChannels]`, or `null`. */
  bias: Parameter | null;

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
    super();
    const options = torch.compat.pythonArgs<Conv2dOptions>(
      'Conv2d',
      ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'],
      args,
      0,
      3,
    );
    const groups = options.groups ?? 1;
    if (groups <= 0) throw new Error('groups must be a positive integer');
    if (inChannels % groups !== 0) throw new Error('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new Error('out_channels must be divisible by groups');
    const padding = options.padding ?? 0;
    const stride = pair(options.stride ?? 1);
    if (padding === 'same' && stride.some((s) => s !== 1)) {
      throw new Error("padding='same' is not supported for strided convolutions");
    }
    if (typeof padding === 'string' && padding !== 'same' && padding !== 'valid') {
      throw new Error(`Invalid padding string '${String(padding)}', should be one of ['valid', 'same']`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pair(kernelSize);
    this.stride = stride;
    this.padding = typeof padding === 'string' ? padding : pair(padding);
    this.dilation = pair(options.dilation ?? 1);
    this.groups = groups;
    [this.weight, this.bias] = weightAndBias([outChannels, inChannels / groups, ...this.kernelSize], options);
    if (this.bias === null) this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** Re-draws weight and bias with PyTorch's default initialisation (kaiming-uniform, a = √5). */
  resetParameters(): void {
    resetWeightAndBias(this.weight, this.bias);
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
