/** Loss modules: each holds its options and calls its functional form. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from './module.js';
import * as F from './functional/index.js';

export type Reduction = 'none' | 'mean' | 'sum';

abstract class Loss extends Module {
  readonly reduction: Reduction;

  constructor(reduction: Reduction = 'mean') {
    super();
    this.reduction = reduction;
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/**
 * A loss's options from PyTorch's positional order (`nn.CrossEntropyLoss(weight)`) or an options object. The
 * deprecated `size_average` and `reduce` keep their places in that order but must stay unset.
 */
function lossArgs<O extends object>(cls: string, names: readonly string[], args: readonly unknown[]): O {
  const o = torch.compat.pythonArgs<Record<string, unknown>>(cls, names, args, 0, 0);
  if ((o.sizeAverage ?? null) !== null || (o.reduce ?? null) !== null) {
    throw new torch.TorchTypeError(`${cls}: size_average and reduce are deprecated and not supported; pass { reduction: 'none' | 'mean' | 'sum' }`);
  }
  return o as O;
}

type CrossEntropyOptions = { weight?: Tensor | null; ignoreIndex?: number; reduction?: Reduction; labelSmoothing?: number };
type NLLOptions = { weight?: Tensor | null; ignoreIndex?: number; reduction?: Reduction };
type WeightOptions = { weight?: Tensor | null; reduction?: Reduction };
type WithLogitsOptions = { weight?: Tensor | null; reduction?: Reduction; posWeight?: Tensor | null };

export class CrossEntropyLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options?: CrossEntropyOptions);
  /** PyTorch's positional order: `new nn.CrossEntropyLoss(weight)`. */
  constructor(weight: Tensor | null, sizeAverage?: null, ignoreIndex?: number, reduce?: null, reduction?: Reduction, labelSmoothing?: number);
  constructor(...args: unknown[]) {
    const options = lossArgs<CrossEntropyOptions>('CrossEntropyLoss', ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction', 'labelSmoothing'], args);
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

export class NLLLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;

  constructor(options?: NLLOptions);
  /** PyTorch's positional order: `new nn.NLLLoss(weight)`. */
  constructor(weight: Tensor | null, sizeAverage?: null, ignoreIndex?: number, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    const options = lossArgs<NLLOptions>('NLLLoss', ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction'], args);
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** A loss whose only option is `reduction`, the third of PyTorch's (size_average, reduce, reduction). */
abstract class ReductionOnlyLoss extends Loss {
  constructor(options?: { reduction?: Reduction });
  /** PyTorch's positional order: (size_average, reduce, reduction); the first two stay unset. */
  constructor(sizeAverage: null, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    super(lossArgs<{ reduction?: Reduction }>(new.target.name, ['sizeAverage', 'reduce', 'reduction'], args).reduction);
  }
}

export class MSELoss extends ReductionOnlyLoss {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

export class L1Loss extends ReductionOnlyLoss {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

export class BCELoss extends Loss {
  declare weight: Tensor | null;

  constructor(options?: WeightOptions);
  /** PyTorch's positional order: `new nn.BCELoss(weight)`. */
  constructor(weight: Tensor | null, sizeAverage?: null, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    const options = lossArgs<WeightOptions>('BCELoss', ['weight', 'sizeAverage', 'reduce', 'reduction'], args);
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;

  constructor(options?: WithLogitsOptions);
  /** PyTorch's positional order: `new nn.BCEWithLogitsLoss(weight, null, null, 'mean', posWeight)`. */
  constructor(weight: Tensor | null, sizeAverage?: null, reduce?: null, reduction?: Reduction, posWeight?: Tensor | null);
  constructor(...args: unknown[]) {
    const options = lossArgs<WithLogitsOptions>('BCEWithLogitsLoss', ['weight', 'sizeAverage', 'reduce', 'reduction', 'posWeight'], args);
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(options?: { reduction?: Reduction; beta?: number });
  /** PyTorch's positional order: (size_average, reduce, reduction, beta); the first two stay unset. */
  constructor(sizeAverage: null, reduce?: null, reduction?: Reduction, beta?: number);
  constructor(...args: unknown[]) {
    const options = lossArgs<{ reduction?: Reduction; beta?: number }>('SmoothL1Loss', ['sizeAverage', 'reduce', 'reduction', 'beta'], args);
    super(options.reduction);
    this.beta = options.beta ?? 1.0;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { beta: this.beta, reduction: this.reduction });
  }
}
