/** Dropout. */
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';
import { pyFloat, pyValue } from '../utils/py-format.js';
import { type InplaceArg, inplaceOf } from './inplace-arg.js';

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

  /** `new nn.Dropout(p = 0.5, { inplace })`. */
  constructor(p = 0.5, inplace?: InplaceArg) {
    super();
    if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.inplace = inplaceOf(inplace);
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
