/** Dropout. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';
import { pyFloat, pyValue } from '../utils/py-format.js';
import type { InplaceArg } from './inplace-arg.js';

/**
 * In training mode, zeroes each element with probability `p` and scales the rest by `1 / (1 - p)`; in eval mode, the identity.
 *
 * @example
 * ```ts
 * const drop = new nn.Dropout(0.5);
 * console.log(drop);
 * drop.eval();
 * console.log(drop.forward(torch.ones(4)));
 * ```
 * ```text
 * Dropout(p=0.5, inplace=False)
 * tensor([1., 1., 1., 1.])
 * ```
 */
export class Dropout extends Module {
  /** The probability of zeroing an element. */
  readonly p: number;
  /** Whether `forward` overwrites its input. */
  readonly inplace: boolean;

  /** `new nn.Dropout(p = 0.5, { inplace })`, or everything in the options object: `new nn.Dropout({ p: 0.2 })`. */
  constructor(options?: { p?: number; inplace?: boolean });
  constructor(p?: number, inplace?: InplaceArg);
  constructor(...args: unknown[]) {
    super();
    const { p = 0.5, inplace = false } = torch.compat.pythonArgs<{ p?: number; inplace?: boolean }>(
      this.constructor.name,
      ['p', 'inplace'],
      args,
    );
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      throw new torch.ValueError(`dropout probability has to be between 0 and 1, but got ${String(p)}`);
    this.p = p;
    this.inplace = inplace;
  }

  /** Applies dropout to `input` when training. */
  override forward(input: Tensor): Tensor {
    return F.dropout(input, { p: this.p, training: this.training, inplace: this.inplace });
  }

  /** `p` and `inplace`, as PyTorch prints them. */
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyValue(this.inplace)}`;
  }
}

/** A Dropout variant: the layer whose forward applies `dropout`, a functional form taking Dropout's settings. */
function dropoutLayer(
  dropout: (input: Tensor, options: { p: number; training: boolean; inplace: boolean }) => Tensor,
): typeof Dropout {
  return class extends Dropout {
    override forward(input: Tensor): Tensor {
      return dropout(input, { p: this.p, training: this.training, inplace: this.inplace });
    }
  };
}

/** Whole channels of (N, C, L) (or (C, L)) zeroed in training with probability `p` (`torch.nn.Dropout1d`). */
export class Dropout1d extends dropoutLayer(F.dropout1d) {}

/** Whole channels of (N, C, H, W) zeroed in training with probability `p` (`torch.nn.Dropout2d`). */
export class Dropout2d extends dropoutLayer(F.dropout2d) {}

/**
 * Alpha dropout for SELU networks (`torch.nn.AlphaDropout`): in training, dropped values go to SELU's negative
 * saturation and an affine map keeps the mean and variance.
 */
export class AlphaDropout extends dropoutLayer(F.alphaDropout) {}

/** Alpha dropout of whole channels (`torch.nn.FeatureAlphaDropout`). */
export class FeatureAlphaDropout extends dropoutLayer(F.featureAlphaDropout) {}
