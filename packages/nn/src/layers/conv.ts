/** Conv2d. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/index.js';
import { resetWeightAndBias } from './linear.js';
import { pyValue } from '../utils/py-format.js';

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  paddingMode?: 'zeros';
  dtype?: torch.DType;
}

export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode = 'zeros';
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: Conv2dOptions);
  /** PyTorch's positional order: `new nn.Conv2d(3, 64, 7, 2, 3, 1, 1, false)`. */
  constructor(
    inChannels: number, outChannels: number, kernelSize: Pair, stride?: Pair, padding?: Conv2dOptions['padding'], dilation?: Pair, groups?: number,
    bias?: boolean, paddingMode?: 'zeros', options?: Conv2dOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<Conv2dOptions>('Conv2d', ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'], args, 0, 3);
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
      throw new Error(`Invalid padding string '${padding}', should be one of ['valid', 'same']`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pair(kernelSize);
    this.stride = stride;
    this.padding = typeof padding === 'string' ? padding : pair(padding);
    this.dilation = pair(options.dilation ?? 1);
    this.groups = groups;
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(torch.empty([outChannels, inChannels / groups, ...this.kernelSize], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(torch.empty([outChannels], { dtype }));
    if (this.bias === null) this.registerParameter('bias', null);
    this.resetParameters();
  }

  resetParameters(): void {
    resetWeightAndBias(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.conv2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

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
