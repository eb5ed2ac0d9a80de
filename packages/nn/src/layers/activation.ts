/** Activation layers. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';
import { pyFloat, pyValue } from '../utils/py-format.js';
import { type InplaceArg, inplaceOf } from './inplace-arg.js';

export class ReLU extends Module {
  readonly inplace: boolean;

  constructor(inplace?: InplaceArg) {
    super();
    this.inplace = inplaceOf(inplace);
  }

  override forward(input: Tensor): Tensor {
    return this.inplace ? input.relu_() : input.relu();
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  readonly inplace: boolean;

  constructor(negativeSlope = 0.01, inplace?: InplaceArg) {
    super();
    this.negativeSlope = negativeSlope;
    this.inplace = inplaceOf(inplace);
  }

  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(options?: { approximate?: 'none' | 'tanh' });
  /** PyTorch's positional form: `new nn.GELU('tanh')`. */
  constructor(approximate: 'none' | 'tanh');
  constructor(...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<{ approximate?: 'none' | 'tanh' }>('GELU', ['approximate'], args, 0, 0);
    this.approximate = options.approximate ?? 'none';
  }

  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate=${pyValue(this.approximate)}`;
  }
}

export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

export class Softmax extends Module {
  readonly dim: number | null;

  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }

  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim ?? implicitDim(input));
  }

  override extraRepr(): string {
    return `dim=${pyValue(this.dim)}`;
  }
}

export class LogSoftmax extends Module {
  readonly dim: number | null;

  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }

  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim ?? implicitDim(input));
  }

  override extraRepr(): string {
    return `dim=${pyValue(this.dim)}`;
  }
}

/** PyTorch's legacy choice of softmax dim when none is given. */
function implicitDim(input: Tensor): number {
  return input.ndim === 0 || input.ndim === 1 || input.ndim === 3 ? 0 : 1;
}
