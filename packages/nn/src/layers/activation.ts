/** Activation layers: the rectifiers and smooth activations that take at most `inplace`, and the softmax family. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';
import { pyFloat, pyValue } from '../utils/py-format.js';
import { type InplaceArg, inplaceOf } from './inplace-arg.js';

/** An activation whose one setting is `inplace` (PyTorch's positional `inplace=` or `{ inplace }`). */
abstract class InplaceActivation extends Module {
  /** Whether `forward` overwrites its input. */
  readonly inplace: boolean;

  /** Takes `{ inplace }` or PyTorch's positional `inplace`. */
  constructor(inplace?: InplaceArg) {
    super();
    this.inplace = inplaceOf(inplace);
  }

  /** `'inplace=True'` when in place. */
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** An InplaceActivation as its users see it: a layer from a tensor to a tensor. */
interface InplaceActivationLayer extends InplaceActivation {
  /** Applies the activation to `input`. */
  forward(input: Tensor): Tensor;
}

/** The layer of an activation whose functional form takes `{ inplace }`: it applies `activation` with its setting. */
function inplaceActivation(
  activation: (input: Tensor, options: { inplace: boolean }) => Tensor,
): new (inplace?: InplaceArg) => InplaceActivationLayer {
  return class extends InplaceActivation {
    override forward(input: Tensor): Tensor {
      return activation(input, { inplace: this.inplace });
    }
  };
}

/**
 * `max(0, x)` elementwise; `new nn.ReLU({ inplace: true })` (or PyTorch's positional `true`) overwrites the input.
 *
 * @example
 * ```ts
 * const relu = new nn.ReLU();
 * console.log(relu);
 * console.log(relu.forward(torch.tensor([-1, 0.5, 2])));
 * ```
 * ```text
 * ReLU()
 * tensor([0.0000, 0.5000, 2.0000])
 * ```
 */
export class ReLU extends InplaceActivation {
  /** Applies ReLU to `input`. */
  override forward(input: Tensor): Tensor {
    return this.inplace ? input.relu_() : input.relu();
  }
}

/**
 * `x` for positive `x`, `negativeSlope * x` otherwise.
 *
 * @example
 * ```ts
 * const act = new nn.LeakyReLU(0.1);
 * console.log(act);
 * console.log(act.forward(torch.tensor([-2, 3], { dtype: 'float32' })));
 * ```
 * ```text
 * LeakyReLU(negative_slope=0.1)
 * tensor([-0.2000,  3.0000])
 * ```
 */
export class LeakyReLU extends Module {
  /** The slope for negative inputs (default 0.01). */
  readonly negativeSlope: number;
  /** Whether `forward` overwrites its input. */
  readonly inplace: boolean;

  /** `new nn.LeakyReLU(negativeSlope = 0.01, { inplace })`, or `new nn.LeakyReLU({ negativeSlope, inplace })`. */
  constructor(options?: { negativeSlope?: number; inplace?: boolean });
  constructor(negativeSlope?: number, inplace?: InplaceArg);
  constructor(...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<{ negativeSlope?: number; inplace?: boolean }>(
      'LeakyReLU',
      ['negativeSlope', 'inplace'],
      args,
    );
    this.negativeSlope = o.negativeSlope ?? 0.01;
    this.inplace = o.inplace ?? false;
  }

  /** Applies the leaky ReLU to `input`. */
  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope, { inplace: this.inplace });
  }

  /** The slope (and `inplace=True`), as PyTorch prints them. */
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** The Gaussian error linear unit `x * Φ(x)`, exact or (`approximate: 'tanh'`) its tanh approximation. */
export class GELU extends Module {
  /** `'none'` (exact) or `'tanh'`. */
  readonly approximate: 'none' | 'tanh';

  constructor(options?: { approximate?: 'none' | 'tanh' });
  /** PyTorch's positional form: `new nn.GELU('tanh')`. */
  constructor(approximate: 'none' | 'tanh');
  constructor(...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<{ approximate?: 'none' | 'tanh' }>('GELU', ['approximate'], args, 0, 0);
    this.approximate = options.approximate ?? 'none';
  }

  /** Applies GELU to `input`. */
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }

  /** The approximation, as PyTorch prints it. */
  override extraRepr(): string {
    return `approximate=${pyValue(this.approximate)}`;
  }
}

/** The logistic sigmoid `1 / (1 + exp(-x))` elementwise. */
export class Sigmoid extends Module {
  /** Applies the sigmoid to `input`. */
  override forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

/** The hyperbolic tangent elementwise. */
export class Tanh extends Module {
  /** Applies tanh to `input`. */
  override forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

/** What Softmax and LogSoftmax share: the dim they work along, PyTorch's implicit choice when it is null, the repr. */
abstract class AlongDim extends Module {
  /** The dim softmax is taken along (null: PyTorch's legacy implicit choice). */
  readonly dim: number | null;

  /** `new nn.Softmax(dim)`, `new nn.LogSoftmax(dim)` (or `{ dim }`). */
  constructor(dim?: number | null | { dim?: number | null }) {
    super();
    this.dim = torch.compat.pythonArgs<{ dim?: number | null }>(this.constructor.name, ['dim'], [dim]).dim ?? null;
  }

  /** The function applied along `dim`. */
  protected abstract along(input: Tensor, dim: number): Tensor;

  /** Applies the function to `input` along `dim`. */
  override forward(input: Tensor): Tensor {
    return this.along(input, this.dim ?? implicitDim(input));
  }

  /** The dim, as PyTorch prints it. */
  override extraRepr(): string {
    return `dim=${pyValue(this.dim)}`;
  }
}

/**
 * Softmax along `dim`: non-negative values summing to 1.
 *
 * @example
 * ```ts
 * const softmax = new nn.Softmax(1);
 * console.log(softmax.forward(torch.tensor([[1, 2], [3, 3]], { dtype: 'float32' })));
 * ```
 * ```text
 * tensor([[0.2689, 0.7311],
 *         [0.5000, 0.5000]])
 * ```
 */
export class Softmax extends AlongDim {
  /** Softmax of `input` along `dim`. */
  protected along(input: Tensor, dim: number): Tensor {
    return F.softmax(input, dim);
  }
}

/** The logarithm of softmax along `dim`, computed stably (what `NLLLoss` expects). */
export class LogSoftmax extends AlongDim {
  /** Log-softmax of `input` along `dim`. */
  protected along(input: Tensor, dim: number): Tensor {
    return F.logSoftmax(input, dim);
  }
}

/** PyTorch's legacy choice of softmax dim when none is given. */
function implicitDim(input: Tensor): number {
  return input.ndim === 0 || input.ndim === 1 || input.ndim === 3 ? 0 : 1;
}

/** Softmin along `dim`: softmax of the negated input. */
export class Softmin extends AlongDim {
  /** Softmin of `input` along `dim`. */
  protected along(input: Tensor, dim: number): Tensor {
    return F.softmin(input, dim);
  }
}

/** Softmax over the channels of each location of (N, C, H, W) or (C, H, W) input (`torch.nn.Softmax2d`). */
export class Softmax2d extends Module {
  /** Softmax along dim -3. */
  override forward(input: Tensor): Tensor {
    if (input.ndim !== 3 && input.ndim !== 4)
      throw new torch.AssertionError('Softmax2d requires a 3D or 4D tensor as input');
    return F.softmax(input, -3);
  }
}

/** `x * sigmoid(x)` elementwise (swish). */
export class SiLU extends inplaceActivation(F.silu) {}

/** `x * tanh(softplus(x))` elementwise. */
export class Mish extends inplaceActivation(F.mish) {}

/** `min(max(0, x), 6)` elementwise. */
export class ReLU6 extends inplaceActivation(F.relu6) {}

/** `relu6(x + 3) / 6` elementwise. */
export class Hardsigmoid extends inplaceActivation(F.hardsigmoid) {}

/**
 * `x * relu6(x + 3) / 6` elementwise (MobileNetV3's activation).
 *
 * @example
 * ```ts
 * const act = new nn.Hardswish();
 * console.log(act.forward(torch.tensor([-4, -1, 0, 1, 4], { dtype: 'float32' })));
 * ```
 * ```text
 * tensor([-0.0000, -0.3333,  0.0000,  0.6667,  4.0000])
 * ```
 */
export class Hardswish extends inplaceActivation(F.hardswish) {}

/** The self-normalising ELU, `scale * elu(x, alpha)` with SELU's constants. */
export class SELU extends inplaceActivation(F.selu) {}

/** `log(sigmoid(x))` elementwise, stable for large |x|. */
export class LogSigmoid extends Module {
  /** Applies the log-sigmoid to `input`. */
  override forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}

/** `x - tanh(x)` elementwise. */
export class Tanhshrink extends Module {
  /** Applies the tanh shrink to `input`. */
  override forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}

/** `x / (1 + |x|)` elementwise. */
export class Softsign extends Module {
  /** Applies the softsign to `input`. */
  override forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}
