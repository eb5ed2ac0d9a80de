/**
 * The padding layers: `ConstantPad1d/2d/3d` and `ZeroPad2d`, `ReflectionPad1d/2d/3d`, `ReplicationPad1d/2d/3d`, each
 * `F.pad` of its mode over the last 1, 2 or 3 dims, printed as PyTorch prints it.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';
import { pyFloat } from '../utils/py-format.js';

/** One amount for every side, or (before, after) pairs from the last dim: `[left, right, top, bottom, ...]`. */
export type Padding = number | readonly number[];

/** What the padding layers share: the pads, as a list of 2 · dims amounts, and the mode. */
abstract class PadNd extends Module {
  /** The amounts, (before, after) pairs from the last dim. */
  readonly padding: number[];

  constructor(
    dims: number,
    padding: Padding,
    protected readonly mode: 'constant' | 'reflect' | 'replicate',
  ) {
    super();
    const list = typeof padding === 'number' ? new Array<number>(2 * dims).fill(padding) : [...padding];
    if (list.length !== 2 * dims || list.some((p) => !Number.isInteger(p))) {
      throw new torch.TorchTypeError(
        `${this.constructor.name}: padding must be an int or a tuple of ${2 * dims} ints, but got ${JSON.stringify(padding)}`,
      );
    }
    this.padding = list;
  }

  /** The fill value of constant padding. */
  protected get value(): number {
    return 0;
  }

  /** Pads `input`. */
  override forward(input: Tensor): Tensor {
    return F.pad(input, this.padding, this.mode === 'constant' ? { value: this.value } : { mode: this.mode });
  }

  /** The amounts, as PyTorch prints them. */
  override extraRepr(): string {
    return `(${this.padding.join(', ')})`;
  }
}

/** Constant padding: what ConstantPad1d, 2d and 3d share. */
abstract class ConstantPadNd extends PadNd {
  /** The fill value. */
  readonly fill: number;

  constructor(dims: number, padding: Padding, value: number) {
    super(dims, padding, 'constant');
    this.fill = value;
  }

  protected override get value(): number {
    return this.fill;
  }

  /** The amounts and the value, as PyTorch prints them. */
  override extraRepr(): string {
    return `padding=(${this.padding.join(', ')}), value=${pyFloat(this.fill)}`;
  }
}

/** Pads the last dim with `value`. */
export class ConstantPad1d extends ConstantPadNd {
  /** `new nn.ConstantPad1d(padding, value)`. */
  constructor(padding: Padding, value: number) {
    super(1, padding, value);
  }
}

/** Pads the last two dims with `value`. */
export class ConstantPad2d extends ConstantPadNd {
  /** `new nn.ConstantPad2d(padding, value)`. */
  constructor(padding: Padding, value: number) {
    super(2, padding, value);
  }
}

/** Pads the last three dims with `value`. */
export class ConstantPad3d extends ConstantPadNd {
  /** `new nn.ConstantPad3d(padding, value)`. */
  constructor(padding: Padding, value: number) {
    super(3, padding, value);
  }
}

/** Pads the last two dims with zeros. */
export class ZeroPad2d extends PadNd {
  /** `new nn.ZeroPad2d(padding)`. */
  constructor(padding: Padding) {
    super(2, padding, 'constant');
  }
}

/**
 * Pads the last dim with its reflection (the edge not repeated).
 *
 * @example
 * ```ts
 * const pad = new nn.ReflectionPad1d(2);
 * console.log(pad);
 * console.log(pad.forward(torch.tensor([[[1, 2, 3, 4]]], { dtype: 'float32' })));
 * ```
 * ```text
 * ReflectionPad1d((2, 2))
 * tensor([[[3., 2., 1., 2., 3., 4., 3., 2.]]])
 * ```
 */
export class ReflectionPad1d extends PadNd {
  /** `new nn.ReflectionPad1d(padding)`. */
  constructor(padding: Padding) {
    super(1, padding, 'reflect');
  }
}

/** Pads the last two dims with their reflection. */
export class ReflectionPad2d extends PadNd {
  /** `new nn.ReflectionPad2d(padding)`. */
  constructor(padding: Padding) {
    super(2, padding, 'reflect');
  }
}

/** Pads the last three dims with their reflection. */
export class ReflectionPad3d extends PadNd {
  /** `new nn.ReflectionPad3d(padding)`. */
  constructor(padding: Padding) {
    super(3, padding, 'reflect');
  }
}

/** Pads the last dim by repeating its edge values. */
export class ReplicationPad1d extends PadNd {
  /** `new nn.ReplicationPad1d(padding)`. */
  constructor(padding: Padding) {
    super(1, padding, 'replicate');
  }
}

/** Pads the last two dims by repeating their edge values. */
export class ReplicationPad2d extends PadNd {
  /** `new nn.ReplicationPad2d(padding)`. */
  constructor(padding: Padding) {
    super(2, padding, 'replicate');
  }
}

/** Pads the last three dims by repeating their edge values. */
export class ReplicationPad3d extends PadNd {
  /** `new nn.ReplicationPad3d(padding)`. */
  constructor(padding: Padding) {
    super(3, padding, 'replicate');
  }
}
