/** `nn.PixelShuffle` and `nn.PixelUnshuffle`: channels traded for resolution and back (sub-pixel convolution). */
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';

/**
 * (*, C·r², H, W) to (*, C, H·r, W·r) (`torch.nn.PixelShuffle`).
 *
 * @example
 * ```ts
 * const shuffle = new nn.PixelShuffle(2);
 * console.log(shuffle);
 * console.log(shuffle.forward(torch.arange(4).reshape(1, 4, 1, 1)));
 * ```
 * ```text
 * PixelShuffle(upscale_factor=2)
 * tensor([[[[0, 1],
 *           [2, 3]]]])
 * ```
 */
export class PixelShuffle extends Module {
  /** `new nn.PixelShuffle(upscaleFactor)`. */
  constructor(readonly upscaleFactor: number) {
    super();
  }

  /** Shuffles `input`. */
  override forward(input: Tensor): Tensor {
    return F.pixelShuffle(input, this.upscaleFactor);
  }

  /** The factor, as PyTorch prints it. */
  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** (*, C, H·r, W·r) to (*, C·r², H, W) (`torch.nn.PixelUnshuffle`). */
export class PixelUnshuffle extends Module {
  /** `new nn.PixelUnshuffle(downscaleFactor)`. */
  constructor(readonly downscaleFactor: number) {
    super();
  }

  /** Unshuffles `input`. */
  override forward(input: Tensor): Tensor {
    return F.pixelUnshuffle(input, this.downscaleFactor);
  }

  /** The factor, as PyTorch prints it. */
  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}
