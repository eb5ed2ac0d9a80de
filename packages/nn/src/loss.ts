/** Loss modules: each holds its options and calls its functional form. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from './module.js';
import * as F from './functional/index.js';
import { rejectLegacyReduction } from './functional/util.js';

/** How a loss reduces its per-element values: `'none'` keeps them, `'mean'` (the default) averages, `'sum'` adds. */
export type Reduction = 'none' | 'mean' | 'sum';

/** What every loss module shares: its reduction, and `forward(input, target)`. */
export abstract class Loss extends Module {
  /** `'none'`, `'mean'` or `'sum'`. */
  readonly reduction: Reduction;

  /** Keeps the reduction. */
  constructor(reduction: Reduction = 'mean') {
    super();
    this.reduction = reduction;
  }

  /** The loss of `input` against `target`. */
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** A loss with a `weight` buffer (PyTorch's `_WeightedLoss`). */
export abstract class WeightedLoss extends Loss {
  /** The weights (a buffer): per class for the class-index losses, per element for the binary ones; or `null`. */
  declare weight: Tensor | null;

  /** Keeps the reduction and registers `weight` (none: `null`). */
  constructor(reduction: Reduction | undefined, weight: Tensor | null | undefined) {
    super(reduction);
    this.registerBuffer('weight', weight ?? null);
  }
}

/** A loss's options from PyTorch's positional order (`nn.CrossEntropyLoss(weight)`) or an options object. */
export function lossArgs<O extends object>(cls: string, names: readonly string[], args: readonly unknown[]): O {
  const o = torch.compat.pythonArgs<Record<string, unknown>>(cls, names, args, 0, 0);
  rejectLegacyReduction(cls, o);
  return o as O;
}

type CrossEntropyOptions = {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
  labelSmoothing?: number;
};
type NLLOptions = { weight?: Tensor | null; ignoreIndex?: number; reduction?: Reduction };
type WeightOptions = { weight?: Tensor | null; reduction?: Reduction };
type WithLogitsOptions = { weight?: Tensor | null; reduction?: Reduction; posWeight?: Tensor | null };

/**
 * Cross entropy between logits and class indices (or class probabilities): `logSoftmax` then NLL, with optional class weights, `ignoreIndex` and `labelSmoothing`.
 *
 * @example
 * ```ts
 * const loss = new nn.CrossEntropyLoss();
 * const logits = torch.tensor([[2, 0.5, -1], [0.1, 0.2, 3]]);
 * console.log(loss.forward(logits, torch.tensor([0, 2])));
 * ```
 * ```text
 * tensor(0.1755)
 * ```
 */
export class CrossEntropyLoss extends WeightedLoss {
  /** A target value that contributes nothing (default -100). */
  readonly ignoreIndex: number;
  /** The amount of smoothing toward the uniform distribution (default 0). */
  readonly labelSmoothing: number;

  /** `new nn.CrossEntropyLoss({ weight, ignoreIndex, reduction, labelSmoothing })`. */
  constructor(options?: CrossEntropyOptions);
  /** PyTorch's positional order: `new nn.CrossEntropyLoss(weight)`. */
  constructor(
    weight: Tensor | null,
    sizeAverage?: null,
    ignoreIndex?: number,
    reduce?: null,
    reduction?: Reduction,
    labelSmoothing?: number,
  );
  constructor(...args: unknown[]) {
    const options = lossArgs<CrossEntropyOptions>(
      'CrossEntropyLoss',
      ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction', 'labelSmoothing'],
      args,
    );
    super(options.reduction, options.weight);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  /** The loss of logits `input` (`[N, C]`, ...) against `target` class indices (`[N]`) or probabilities. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** The negative log likelihood of log-probabilities (what `LogSoftmax` gives) at the target classes. */
export class NLLLoss extends WeightedLoss {
  /** A target value that contributes nothing (default -100). */
  readonly ignoreIndex: number;

  /** `new nn.NLLLoss({ weight, ignoreIndex, reduction })`. */
  constructor(options?: NLLOptions);
  /** PyTorch's positional order: `new nn.NLLLoss(weight)`. */
  constructor(weight: Tensor | null, sizeAverage?: null, ignoreIndex?: number, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    const options = lossArgs<NLLOptions>(
      'NLLLoss',
      ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction'],
      args,
    );
    super(options.reduction, options.weight);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  /** The loss of log-probabilities `input` against class indices `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** A loss whose only option is `reduction`, the third of PyTorch's (size_average, reduce, reduction). */
abstract class ReductionOnlyLoss extends Loss {
  /** `new nn.MSELoss({ reduction })`. */
  constructor(options?: { reduction?: Reduction });
  /** PyTorch's positional order: (size_average, reduce, reduction); the first two stay unset. */
  constructor(sizeAverage: null, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    super(lossArgs<{ reduction?: Reduction }>(new.target.name, ['sizeAverage', 'reduce', 'reduction'], args).reduction);
  }
}

/**
 * The mean squared error, `(input - target)²` reduced.
 *
 * @example
 * ```ts
 * const loss = new nn.MSELoss();
 * console.log(loss.forward(torch.tensor([1, 2, 3], { dtype: 'float32' }), torch.tensor([1, 2, 5], { dtype: 'float32' })));
 * console.log(new nn.MSELoss({ reduction: 'sum' }).forward(torch.tensor([0.5, 1]), torch.zeros(2)));
 * ```
 * ```text
 * tensor(1.3333)
 * tensor(1.2500)
 * ```
 */
export class MSELoss extends ReductionOnlyLoss {
  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** The mean absolute error, `|input - target|` reduced. */
export class L1Loss extends ReductionOnlyLoss {
  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Binary cross entropy between probabilities (in [0, 1]) and targets. */
export class BCELoss extends WeightedLoss {
  /** `new nn.BCELoss({ weight, reduction })`. */
  constructor(options?: WeightOptions);
  /** PyTorch's positional order: `new nn.BCELoss(weight)`. */
  constructor(weight: Tensor | null, sizeAverage?: null, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    const options = lossArgs<WeightOptions>('BCELoss', ['weight', 'sizeAverage', 'reduce', 'reduction'], args);
    super(options.reduction, options.weight);
  }

  /** The loss of probabilities `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Binary cross entropy on logits: a sigmoid and `BCELoss` in one, computed stably; `posWeight` weighs the positive class.
 *
 * @example
 * ```ts
 * const loss = new nn.BCEWithLogitsLoss();
 * console.log(loss.forward(torch.tensor([2, -1, 0.5]), torch.tensor([1, 0, 1], { dtype: 'float32' })));
 * ```
 * ```text
 * tensor(0.3048)
 * ```
 */
export class BCEWithLogitsLoss extends WeightedLoss {
  /** The weight of positive examples, per class (a buffer, under its state-dict name), or `null`. */
  declare pos_weight: Tensor | null;

  /** `new nn.BCEWithLogitsLoss({ weight, reduction, posWeight })`. */
  constructor(options?: WithLogitsOptions);
  /** PyTorch's positional order: `new nn.BCEWithLogitsLoss(weight, null, null, 'mean', posWeight)`. */
  constructor(
    weight: Tensor | null,
    sizeAverage?: null,
    reduce?: null,
    reduction?: Reduction,
    posWeight?: Tensor | null,
  );
  constructor(...args: unknown[]) {
    const options = lossArgs<WithLogitsOptions>(
      'BCEWithLogitsLoss',
      ['weight', 'sizeAverage', 'reduce', 'reduction', 'posWeight'],
      args,
    );
    super(options.reduction, options.weight);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }

  /** The loss of logits `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.pos_weight,
      reduction: this.reduction,
    });
  }
}

/** The Huber-like smooth L1 loss: squared below `beta`, absolute above. */
export class SmoothL1Loss extends Loss {
  /** Where the loss turns from squared to absolute (default 1). */
  readonly beta: number;

  /** `new nn.SmoothL1Loss({ reduction, beta })`. */
  constructor(options?: { reduction?: Reduction; beta?: number });
  /** PyTorch's positional order: (size_average, reduce, reduction, beta); the first two stay unset. */
  constructor(sizeAverage: null, reduce?: null, reduction?: Reduction, beta?: number);
  constructor(...args: unknown[]) {
    const options = lossArgs<{ reduction?: Reduction; beta?: number }>(
      'SmoothL1Loss',
      ['sizeAverage', 'reduce', 'reduction', 'beta'],
      args,
    );
    super(options.reduction);
    this.beta = options.beta ?? 1.0;
  }

  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { beta: this.beta, reduction: this.reduction });
  }
}

/** 0.5 d² where |d| < delta, else delta (|d| - 0.5 delta), for d = input - target, reduced. */
export class HuberLoss extends Loss {
  /** Where the loss turns from squared to linear (default 1). */
  readonly delta: number;

  /** `new nn.HuberLoss(reduction = 'mean', delta = 1)`, or `new nn.HuberLoss({ reduction, delta })`. */
  constructor(options?: { reduction?: Reduction; delta?: number });
  constructor(reduction?: Reduction, delta?: number);
  constructor(...args: unknown[]) {
    const options = lossArgs<{ reduction?: Reduction; delta?: number }>('HuberLoss', ['reduction', 'delta'], args);
    super(options.reduction);
    this.delta = options.delta ?? 1.0;
  }

  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * The Kullback–Leibler divergence of `target` from the distribution whose log-probabilities `input` holds;
 * `reduction: 'batchmean'` gives the divergence itself (PyTorch's default, `'mean'`, averages over every element,
 * with its warning).
 *
 * @example
 * ```ts
 * const loss = new nn.KLDivLoss({ reduction: 'batchmean' });
 * const logP = torch.tensor([[0.25, 0.75]]).log();
 * console.log(loss.forward(logP, torch.tensor([[0.5, 0.5]])));
 * ```
 * ```text
 * tensor(0.1438)
 * ```
 */
export class KLDivLoss extends Module {
  /** `'mean'`, `'batchmean'`, `'sum'` or `'none'`. */
  readonly reduction: Reduction | 'batchmean';
  /** Whether the target holds log-probabilities. */
  readonly logTarget: boolean;

  /** `new nn.KLDivLoss({ reduction, logTarget })`. */
  constructor(options?: { reduction?: Reduction | 'batchmean'; logTarget?: boolean });
  /** PyTorch's positional order: (size_average, reduce, reduction, log_target); the first two stay unset. */
  constructor(sizeAverage: null, reduce?: null, reduction?: Reduction | 'batchmean', logTarget?: boolean);
  constructor(...args: unknown[]) {
    super();
    const o = lossArgs<{ reduction?: Reduction | 'batchmean'; logTarget?: boolean }>(
      'KLDivLoss',
      ['sizeAverage', 'reduce', 'reduction', 'logTarget'],
      args,
    );
    this.reduction = o.reduction ?? 'mean';
    this.logTarget = o.logTarget ?? false;
  }

  /** The divergence of `target` from `input`'s distribution. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
