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

export interface FactoryOptions {
  dtype?: torch.DType;
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options?: { bias?: boolean } & FactoryOptions);
  /** PyTorch's positional order: `new nn.Linear(4, 2, false)`. */
  constructor(inFeatures: number, outFeatures: number, bias?: boolean, options?: FactoryOptions);
  constructor(inFeatures: number, outFeatures: number, ...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<{ bias?: boolean } & FactoryOptions>('Linear', ['bias'], args, 0, 2);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(torch.empty([outFeatures, inFeatures], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(torch.empty([outFeatures], { dtype }));
    if (this.bias === null) this.registerParameter('bias', null);
    this.resetParameters();
  }

  resetParameters(): void {
    resetWeightAndBias(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyValue(this.bias !== null)}`;
  }
}

export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return input;
  }
}

export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: number[];

  constructor(dim: number, unflattenedSize: number[]) {
    super();
    this.dim = dim;
    this.unflattenedSize = unflattenedSize;
  }

  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattenedSize);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyValue(this.unflattenedSize)}`;
  }
}
