/** Linear, Identity, Flatten, Unflatten. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/index.js';
import * as init from '../init.js';
import { pyValue } from '../utils/py-format.js';

/** Linear's and Conv's default initialisation: kaiming-uniform with a = √5, bias U(±1/√fan_in), as PyTorch. */
export function resetWeightAndBias(weight: Tensor, bias: Tensor | null): void {
  init.kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const [fanIn] = init.calculateFanInAndFanOut(weight);
    if (fanIn > 0) init.uniform_(bias, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
  }
}

/**
 * A weight of `weightShape` and, unless `bias` is false, a bias of `biasSize` (by default the weight's first dim):
 * Linear's and the convolutions', uninitialised.
 */
export function weightAndBias(
  weightShape: readonly number[],
  options: { bias?: boolean; dtype?: torch.DType },
  biasSize = weightShape[0],
): [Parameter, Parameter | null] {
  const dtype = options.dtype ?? 'float32';
  const weight = new Parameter(torch.empty([...weightShape], { dtype }));
  return [weight, options.bias === false ? null : new Parameter(torch.empty([biasSize], { dtype }))];
}

/** The factory keyword a layer's parameters take. */
export interface FactoryOptions {
  /** The parameters' dtype (default float32). */
  dtype?: torch.DType;
}

/**
 * `y = x Wᵀ + b` over the last dim, PyTorch's `nn.Linear`.
 *
 * @example
 * ```ts
 * const fc = new nn.Linear(4, 2);
 * console.log(fc);
 * console.log(fc.weight.shape, fc.bias?.shape);
 * console.log(fc.forward(torch.zeros(5, 4)).shape);
 * console.log(new nn.Linear(4, 2, { bias: false }).bias);
 * ```
 * ```text
 * Linear(in_features=4, out_features=2, bias=True)
 * torch.Size([2, 4]) torch.Size([2])
 * torch.Size([5, 2])
 * null
 * ```
 */
export class Linear extends Module {
  /** The size of each input sample. */
  readonly inFeatures: number;
  /** The size of each output sample. */
  readonly outFeatures: number;
  /** The weight, `[outFeatures, inFeatures]`. */
  weight: Parameter;
  /** The bias, `[outFeatures]`, or `null` with `{ bias: false }`. */
  bias: Parameter | null;

  /** `new nn.Linear(inFeatures, outFeatures, { bias, dtype })`. */
  constructor(inFeatures: number, outFeatures: number, options?: { bias?: boolean } & FactoryOptions);
  /** PyTorch's positional order: `new nn.Linear(4, 2, false)`. */
  constructor(inFeatures: number, outFeatures: number, bias?: boolean, options?: FactoryOptions);
  constructor(inFeatures: number, outFeatures: number, ...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<{ bias?: boolean } & FactoryOptions>('Linear', ['bias'], args, 0, 2);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    [this.weight, this.bias] = weightAndBias([outFeatures, inFeatures], options);
    if (this.bias === null) this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** Re-draws weight and bias with PyTorch's default initialisation (kaiming-uniform, a = √5). */
  resetParameters(): void {
    resetWeightAndBias(this.weight, this.bias);
  }

  /** Applies the layer to `input` (`[..., inFeatures]` to `[..., outFeatures]`). */
  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  /** The sizes, as PyTorch prints them. */
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyValue(this.bias !== null)}`;
  }
}

/**
 * `y = x1 · W · x2 + b` over the last dim of two inputs, PyTorch's `nn.Bilinear` (weight `[out, in1, in2]`).
 *
 * @example
 * ```ts
 * const layer = new nn.Bilinear(4, 5, 2);
 * console.log(layer);
 * console.log(layer.forward(torch.randn(3, 4), torch.randn(3, 5)).shape);
 * ```
 * ```text
 * Bilinear(in1_features=4, in2_features=5, out_features=2, bias=True)
 * torch.Size([3, 2])
 * ```
 */
export class Bilinear extends Module {
  /** The first input's features. */
  readonly in1Features: number;
  /** The second input's features. */
  readonly in2Features: number;
  /** The output's features. */
  readonly outFeatures: number;
  /** `[out, in1, in2]`. */
  weight: Parameter;
  /** `[out]`, or null. */
  bias: Parameter | null;

  /** `new nn.Bilinear(in1Features, in2Features, outFeatures, { bias })`, or PyTorch's positional order. */
  constructor(
    in1Features: number,
    in2Features: number,
    outFeatures: number,
    options?: { bias?: boolean; dtype?: torch.DType },
  );
  constructor(in1Features: number, in2Features: number, outFeatures: number, bias?: boolean);
  constructor(in1Features: number, in2Features: number, outFeatures: number, ...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<{ bias?: boolean; dtype?: torch.DType }>('Bilinear', ['bias'], args, 0, 3);
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    [this.weight, this.bias] = weightAndBias([outFeatures, in1Features, in2Features], o);
    if (this.bias === null) this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** PyTorch's initialisation: weight and bias from U(-1/√in1, 1/√in1). */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.in1Features);
    torch.noGrad(() => {
      this.weight.uniform_(-bound, bound);
      this.bias?.uniform_(-bound, bound);
    });
  }

  /** The bilinear form of `input1` and `input2`. */
  override forward(input1: Tensor, input2: Tensor): Tensor {
    return F.bilinear(input1, input2, this.weight, this.bias);
  }

  /** The sizes, as PyTorch prints them. */
  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias === null ? 'False' : 'True'}`;
  }
}

/** Returns its input unchanged (a placeholder, e.g. for a removed head). */
export class Identity extends Module {
  /** Returns `input`. */
  override forward(input: Tensor): Tensor {
    return input;
  }
}

/**
 * Flattens dims `startDim` (default 1, keeping the batch dim) to `endDim` into one.
 *
 * @example
 * ```ts
 * console.log(new nn.Flatten().forward(torch.zeros(8, 3, 4, 4)).shape);
 * ```
 * ```text
 * torch.Size([8, 48])
 * ```
 */
export class Flatten extends Module {
  /** The first dim flattened (default 1). */
  readonly startDim: number;
  /** The last dim flattened (default -1). */
  readonly endDim: number;

  /** `new nn.Flatten(startDim = 1, endDim = -1)`, or `new nn.Flatten({ startDim, endDim })`. */
  constructor(options?: { startDim?: number; endDim?: number });
  constructor(startDim?: number, endDim?: number);
  constructor(...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<{ startDim?: number; endDim?: number }>('Flatten', ['startDim', 'endDim'], args);
    this.startDim = o.startDim ?? 1;
    this.endDim = o.endDim ?? -1;
  }

  /** Flattens `input`. */
  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  /** The dims, as PyTorch prints them. */
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dim `dim` into `unflattenedSize`. */
export class Unflatten extends Module {
  /** The dim that is split. */
  readonly dim: number;
  /** The sizes it is split into. */
  readonly unflattenedSize: number[];

  /** `new nn.Unflatten(dim, unflattenedSize)`. */
  constructor(dim: number, unflattenedSize: number[]) {
    super();
    this.dim = dim;
    this.unflattenedSize = unflattenedSize;
  }

  /** Unflattens `input`. */
  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattenedSize);
  }

  /** The dim and sizes, as PyTorch prints them. */
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyValue(this.unflattenedSize)}`;
  }
}
