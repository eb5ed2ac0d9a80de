/** `nn.Unfold` and `nn.Fold`: sliding blocks out of images and back (`F.unfold`, `F.fold`), printed as PyTorch's. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import * as F from '../functional/index.js';
import { pyValue } from '../utils/py-format.js';

type Pair = number | [number, number];
type BlockOptions = { dilation?: Pair; padding?: Pair; stride?: Pair };

/** What both keep: the block geometry, as given (printed as given, as PyTorch's). */
abstract class Blocks extends Module {
  /** The block's size. */
  readonly kernelSize: Pair;
  /** The spacing between kernel elements. */
  readonly dilation: Pair;
  /** Zeros added on each side. */
  readonly padding: Pair;
  /** The step between blocks. */
  readonly stride: Pair;

  constructor(kernelSize: Pair, o: BlockOptions) {
    super();
    this.kernelSize = kernelSize;
    this.dilation = o.dilation ?? 1;
    this.padding = o.padding ?? 0;
    this.stride = o.stride ?? 1;
  }

  /** The geometry as F takes it. */
  protected get options(): Required<BlockOptions> {
    return { dilation: this.dilation, padding: this.padding, stride: this.stride };
  }

  /** The geometry, as PyTorch prints it. */
  override extraRepr(): string {
    const v = (x: Pair): string => pyValue(x);
    return `kernel_size=${v(this.kernelSize)}, dilation=${v(this.dilation)}, padding=${v(this.padding)}, stride=${v(this.stride)}`;
  }
}

/**
 * The sliding blocks of `[N, C, H, W]` inputs as the columns of `[N, C·kh·kw, L]` (`torch.nn.Unfold`).
 *
 * @example
 * ```ts
 * const unfold = new nn.Unfold([2, 3]);
 * console.log(unfold);
 * console.log(unfold.forward(torch.randn(2, 5, 3, 4)).shape);
 * ```
 * ```text
 * Unfold(kernel_size=(2, 3), dilation=1, padding=0, stride=1)
 * torch.Size([2, 30, 4])
 * ```
 */
export class Unfold extends Blocks {
  /** `new nn.Unfold(kernelSize, { dilation, padding, stride })`, or PyTorch's positional order. */
  constructor(kernelSize: Pair, options?: BlockOptions);
  constructor(kernelSize: Pair, dilation?: Pair, padding?: Pair, stride?: Pair);
  constructor(kernelSize: Pair, ...args: unknown[]) {
    super(kernelSize, torch.compat.pythonArgs<BlockOptions>('Unfold', ['dilation', 'padding', 'stride'], args, 0, 2));
  }

  /** The blocks of `input`. */
  override forward(input: Tensor): Tensor {
    return F.unfold(input, this.kernelSize, this.options);
  }
}

/**
 * Columns of blocks summed back into `[N, C, ...outputSize]` images, overlaps added (`torch.nn.Fold`).
 *
 * @example
 * ```ts
 * const fold = new nn.Fold([3, 3], 2);
 * console.log(fold);
 * console.log(fold.forward(torch.ones(1, 4, 4)));
 * ```
 * ```text
 * Fold(output_size=(3, 3), kernel_size=2, dilation=1, padding=0, stride=1)
 * tensor([[[[1., 2., 1.],
 *           [2., 4., 2.],
 *           [1., 2., 1.]]]])
 * ```
 */
export class Fold extends Blocks {
  /** The images' spatial size. */
  readonly outputSize: Pair;

  /** `new nn.Fold(outputSize, kernelSize, { dilation, padding, stride })`, or PyTorch's positional order. */
  constructor(outputSize: Pair, kernelSize: Pair, options?: BlockOptions);
  constructor(outputSize: Pair, kernelSize: Pair, dilation?: Pair, padding?: Pair, stride?: Pair);
  constructor(outputSize: Pair, kernelSize: Pair, ...args: unknown[]) {
    super(kernelSize, torch.compat.pythonArgs<BlockOptions>('Fold', ['dilation', 'padding', 'stride'], args, 0, 3));
    this.outputSize = outputSize;
  }

  /** The images the columns of `input` sum to. */
  override forward(input: Tensor): Tensor {
    return F.fold(input, this.outputSize, this.kernelSize, this.options);
  }

  /** The geometry, as PyTorch prints it. */
  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}, ${super.extraRepr()}`;
  }
}
