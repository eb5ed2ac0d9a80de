/** The 1-D pooling layers over (N, C, L) or (C, L): `MaxPool1d`, `AvgPool1d`, `AdaptiveAvgPool1d`, `AdaptiveMaxPool1d`. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';
import { pyValue } from '../utils/py-format.js';
import { AvgPoolNd, MaxPoolNd } from './pooling.js';

/** MaxPool1d's options past the kernel size, by PyTorch's keyword names. */
export interface MaxPool1dLayerOptions {
  stride?: number | null;
  padding?: number;
  dilation?: number;
  returnIndices?: boolean;
  ceilMode?: boolean;
}

/** The maximum of each window along the last dim (`torch.nn.MaxPool1d`). */
export class MaxPool1d extends MaxPoolNd<number, boolean> {
  /** `new nn.MaxPool1d(kernelSize, { stride, padding, dilation, returnIndices, ceilMode })`, or PyTorch's order. */
  constructor(kernelSize: number, options?: MaxPool1dLayerOptions);
  constructor(
    kernelSize: number,
    stride?: number | null,
    padding?: number,
    dilation?: number,
    returnIndices?: boolean,
    ceilMode?: boolean,
  );
  constructor(kernelSize: number, ...args: unknown[]) {
    super(kernelSize, args);
  }

  /** Pools `input`; `[output, indices]` with `returnIndices`. */
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return F.maxPool1d(input, this.kernelSize, this.poolOptions());
  }

  /** The configuration, as PyTorch prints it. */
  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=${this.dilation}, ceil_mode=${pyValue(this.ceilMode)}`;
  }
}

/** AvgPool1d's options past the kernel size, by PyTorch's keyword names. */
export interface AvgPool1dLayerOptions {
  stride?: number | null;
  padding?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** The mean of each window along the last dim (`torch.nn.AvgPool1d`). */
export class AvgPool1d extends AvgPoolNd<number> {
  /** `new nn.AvgPool1d(kernelSize, { stride, padding, ceilMode, countIncludePad })`, or PyTorch's order. */
  constructor(kernelSize: number, options?: AvgPool1dLayerOptions);
  constructor(
    kernelSize: number,
    stride?: number | null,
    padding?: number,
    ceilMode?: boolean,
    countIncludePad?: boolean,
  );
  constructor(kernelSize: number, ...args: unknown[]) {
    super(
      kernelSize,
      torch.compat.pythonArgs<AvgPool1dLayerOptions>(
        'AvgPool1d',
        ['stride', 'padding', 'ceilMode', 'countIncludePad'],
        args,
      ),
    );
  }

  /** Pools `input`. */
  override forward(input: Tensor): Tensor {
    return F.avgPool1d(input, this.kernelSize, this.poolOptions());
  }

  /** The configuration, as PyTorch prints it (one-element tuples). */
  override extraRepr(): string {
    return `kernel_size=(${this.kernelSize},), stride=(${this.stride},), padding=(${this.padding},)`;
  }
}

/** The mean over each of `outputSize` windows along the last dim (`torch.nn.AdaptiveAvgPool1d`). */
export class AdaptiveAvgPool1d extends Module {
  /** `new nn.AdaptiveAvgPool1d(outputSize)`. */
  constructor(readonly outputSize: number) {
    super();
  }

  /** Pools `input`. */
  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool1d(input, this.outputSize);
  }

  /** The output size, as PyTorch prints it. */
  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

/** The maximum over each of `outputSize` windows along the last dim (`torch.nn.AdaptiveMaxPool1d`). */
export class AdaptiveMaxPool1d extends Module {
  /** `new nn.AdaptiveMaxPool1d(outputSize, returnIndices = false)`. */
  constructor(
    readonly outputSize: number,
    readonly returnIndices = false,
  ) {
    super();
  }

  /** Pools `input`; `[output, indices]` with `returnIndices`. */
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return F.adaptiveMaxPool1d(input, this.outputSize, { returnIndices: this.returnIndices });
  }

  /** The output size, as PyTorch prints it. */
  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}
