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

/** How the padding layers fill: with a value, their reflection, or their edge values repeated. */
type PadMode = 'constant' | 'reflect' | 'replicate';

/** What the padding layers share: the pads, as a list of 2 · dims amounts, and the mode. */
abstract class PadNd extends Module {
  /** The amounts, (before, after) pairs from the last dim. */
  readonly padding: number[];

  constructor(
    dims: number,
    padding: Padding,
    protected readonly mode: PadMode,
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

/** The layer that pads the last `dims` dims in `mode`: it takes only the amounts. */
function padLayer(dims: number, mode: PadMode): new (padding: Padding) => PadNd {
  return class extends PadNd {
    constructor(padding: Padding) {
      super(dims, padding, mode);
    }
  };
}

/** The layer that pads the last `dims` dims with a value: it takes the amounts and the value. */
function constantPadLayer(dims: number): new (padding: Padding, value: number) => ConstantPadNd {
  return class extends ConstantPadNd {
    constructor(padding: Padding, value: number) {
      super(dims, padding, value);
    }
  };
}

/** Pads the last dim with `value`. */
export class ConstantPad1d extends constantPadLayer(1) {}

/** Pads the last two dims with `value`. */
export class ConstantPad2d extends constantPadLayer(2) {}

/** Pads the last three dims with `value`. */
export class ConstantPad3d extends constantPadLayer(3) {}

/** Pads the last two dims with zeros. */
export class ZeroPad2d extends padLayer(2, 'constant') {}

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
export class ReflectionPad1d extends padLayer(1, 'reflect') {}

/** Pads the last two dims with their reflection. */
export class ReflectionPad2d extends padLayer(2, 'reflect') {}

/** Pads the last three dims with their reflection. */
export class ReflectionPad3d extends padLayer(3, 'reflect') {}

/** Pads the last dim by repeating its edge values. */
export class ReplicationPad1d extends padLayer(1, 'replicate') {}

/** Pads the last two dims by repeating their edge values. */
export class ReplicationPad2d extends padLayer(2, 'replicate') {}

/** Pads the last three dims by repeating their edge values. */
export class ReplicationPad3d extends padLayer(3, 'replicate') {}
