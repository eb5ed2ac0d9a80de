/**
 * Activation layers set by numbers — ELU and CELU's α, Softplus's β and threshold, Hardtanh's bounds, Threshold's
 * threshold and value, the shrinks' λ, GLU's dim — and PReLU, whose negative slopes are learned parameters. Each
 * takes PyTorch's positional arguments or one options object, and prints as PyTorch prints it.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/index.js';
import { pyFloat } from '../utils/py-format.js';
import { type InplaceArg, inplaceOf } from './inplace-arg.js';

/** `', inplace=True'` after the other settings when in place. */
function inplaceSuffix(inplace: boolean): string {
  return inplace ? ', inplace=True' : '';
}

/** ELU and CELU's options. */
export interface AlphaOptions {
  alpha?: number;
  inplace?: boolean;
}

/** What ELU and CELU share: α and `inplace`, read positionally or as options, and printed as PyTorch prints them. */
abstract class AlphaActivation extends Module {
  /** The scale of the negative part (default 1). */
  readonly alpha: number;
  /** Whether `forward` overwrites its input. */
  readonly inplace: boolean;

  /** `new nn.ELU(alpha = 1, inplace = false)`, or `new nn.CELU({ alpha, inplace })`. */
  constructor(options?: AlphaOptions);
  constructor(alpha?: number, inplace?: boolean);
  constructor(...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<AlphaOptions>(this.constructor.name, ['alpha', 'inplace'], args, 0, 0);
    this.alpha = o.alpha ?? 1;
    this.inplace = o.inplace ?? false;
  }

  /** `alpha` (and `inplace=True`), as PyTorch prints them. */
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceSuffix(this.inplace)}`;
  }
}

/** `x` for positive `x`, `alpha * (exp(x) - 1)` otherwise. */
export class ELU extends AlphaActivation {
  /** Applies ELU to `input`. */
  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha, { inplace: this.inplace });
  }
}

/** `max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`. */
export class CELU extends AlphaActivation {
  /** Applies CELU to `input`. */
  override forward(input: Tensor): Tensor {
    return F.celu(input, this.alpha, { inplace: this.inplace });
  }
}

/** Softplus's options. */
export interface SoftplusLayerOptions {
  beta?: number;
  threshold?: number;
}

/** `log(1 + exp(beta * x)) / beta`, and `x` itself where `beta * x > threshold`. */
export class Softplus extends Module {
  /** The sharpness (default 1). */
  readonly beta: number;
  /** Above this, `beta * x` is taken as is (default 20). */
  readonly threshold: number;

  /** `new nn.Softplus(beta = 1, threshold = 20)`, or `new nn.Softplus({ beta, threshold })`. */
  constructor(options?: SoftplusLayerOptions);
  constructor(beta?: number, threshold?: number);
  constructor(...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<SoftplusLayerOptions>('Softplus', ['beta', 'threshold'], args, 0, 0);
    this.beta = o.beta ?? 1;
    this.threshold = o.threshold ?? 20;
  }

  /** Applies softplus to `input`. */
  override forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }

  /** `beta` and `threshold`, as PyTorch prints its integer defaults. */
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** Hardtanh's options. */
export interface HardtanhLayerOptions {
  minVal?: number;
  maxVal?: number;
  inplace?: boolean;
}

/** `x` clamped to `[minVal, maxVal]` (default [-1, 1]). */
export class Hardtanh extends Module {
  /** The lower bound. */
  readonly minVal: number;
  /** The upper bound. */
  readonly maxVal: number;
  /** Whether `forward` overwrites its input. */
  readonly inplace: boolean;

  /** `new nn.Hardtanh(minVal = -1, maxVal = 1, inplace = false)`, or `new nn.Hardtanh({ minVal, maxVal, inplace })`. */
  constructor(options?: HardtanhLayerOptions);
  constructor(minVal?: number, maxVal?: number, inplace?: boolean);
  constructor(...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<HardtanhLayerOptions>('Hardtanh', ['minVal', 'maxVal', 'inplace'], args, 0, 0);
    this.minVal = o.minVal ?? -1;
    this.maxVal = o.maxVal ?? 1;
    this.inplace = o.inplace ?? false;
    if (this.maxVal <= this.minVal) throw new torch.AssertionError('');
  }

  /** Applies hardtanh to `input`. */
  override forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.minVal, this.maxVal, { inplace: this.inplace });
  }

  /** The bounds (and `inplace=True`), as PyTorch prints them. */
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplaceSuffix(this.inplace)}`;
  }
}

/** `x` where `x > threshold`, `value` elsewhere. */
export class Threshold extends Module {
  /** What `x` must exceed to be kept. */
  readonly threshold: number;
  /** What replaces the rest. */
  readonly value: number;
  /** Whether `forward` overwrites its input. */
  readonly inplace: boolean;

  /** `new nn.Threshold(threshold, value, inplace = false)` (or `{ inplace }` last). */
  constructor(threshold: number, value: number, inplace?: InplaceArg) {
    super();
    const missing = [threshold === undefined && 'threshold', value === undefined && 'value'].filter(
      (name): name is string => name !== false,
    );
    if (missing.length > 0) {
      const names = missing.map((n) => `'${n}'`).join(' and ');
      throw new torch.TorchTypeError(
        `Threshold.__init__() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${names}`,
      );
    }
    this.threshold = threshold;
    this.value = value;
    this.inplace = inplaceOf(inplace);
  }

  /** Applies the threshold to `input`. */
  override forward(input: Tensor): Tensor {
    return F.threshold(input, this.threshold, this.value, { inplace: this.inplace });
  }

  /** `threshold` and `value` (and `inplace=True`), as PyTorch prints them. */
  override extraRepr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}${inplaceSuffix(this.inplace)}`;
  }
}

/** What Hardshrink and Softshrink share: λ, read positionally or as `{ lambd }`, printed alone. */
abstract class Shrink extends Module {
  /** Half the width of the band sent to zero (default 0.5). */
  readonly lambd: number;

  /** `new nn.Hardshrink(lambd = 0.5)`, `new nn.Softshrink({ lambd })`. */
  constructor(lambd?: number | { lambd?: number }) {
    super();
    this.lambd =
      torch.compat.pythonArgs<{ lambd?: number }>(this.constructor.name, ['lambd'], [lambd], 0, 0).lambd ?? 0.5;
  }

  /** λ, as PyTorch prints it. */
  override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

/** `x` where `|x| > lambd`, 0 elsewhere. */
export class Hardshrink extends Shrink {
  /** Applies the hard shrink to `input`. */
  override forward(input: Tensor): Tensor {
    return F.hardshrink(input, this.lambd);
  }
}

/** `x` moved toward 0 by `lambd`, and 0 within `lambd` of it. */
export class Softshrink extends Shrink {
  /** Applies the soft shrink to `input`. */
  override forward(input: Tensor): Tensor {
    return F.softshrink(input, this.lambd);
  }
}

/** `a * sigmoid(b)`, where `a` and `b` are the halves of the input along `dim` (default -1). */
export class GLU extends Module {
  /** The dim that is halved. */
  readonly dim: number;

  /** `new nn.GLU(dim = -1)`, or `new nn.GLU({ dim })`. */
  constructor(dim?: number | { dim?: number }) {
    super();
    this.dim = torch.compat.pythonArgs<{ dim?: number }>('GLU', ['dim'], [dim], 0, 0).dim ?? -1;
  }

  /** Applies GLU to `input`. */
  override forward(input: Tensor): Tensor {
    return F.glu(input, this.dim);
  }

  /** The dim, as PyTorch prints it. */
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** PReLU's options. */
export interface PReLUOptions {
  /** One slope for every channel (1, the default) or one per channel. */
  numParameters?: number;
  /** The slopes' initial value (default 0.25). */
  init?: number;
}

/**
 * `x` for positive `x`, `weight * x` otherwise, with the negative slopes learned: one for all channels, or one per
 * channel (dim 1). Its state dict holds `weight`, as PyTorch's.
 *
 * @example
 * ```ts
 * const act = new nn.PReLU();
 * console.log(act);
 * console.log(act.forward(torch.tensor([-2, 3], { dtype: 'float32' })));
 * ```
 * ```text
 * PReLU(num_parameters=1)
 * tensor([-0.5000,  3.0000], grad_fn=<PreluBackward0>)
 * ```
 */
export class PReLU extends Module {
  /** How many slopes there are. */
  readonly numParameters: number;
  /** The negative slopes, `[numParameters]`. */
  weight: Parameter;

  /** `new nn.PReLU(numParameters = 1, init = 0.25)`, or `new nn.PReLU({ numParameters, init })`. */
  constructor(options?: PReLUOptions);
  constructor(numParameters?: number, init?: number);
  constructor(...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<PReLUOptions>('PReLU', ['numParameters', 'init'], args, 0, 0);
    this.numParameters = o.numParameters ?? 1;
    this.weight = new Parameter(torch.full([this.numParameters], o.init ?? 0.25));
  }

  /** Applies PReLU to `input`. */
  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }

  /** The number of slopes, as PyTorch prints it. */
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}
