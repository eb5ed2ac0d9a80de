/** BatchNorm1d/2d/3d, LayerNorm, GroupNorm, LocalResponseNorm; and the base the batch and instance norms share. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/index.js';
import { pyFloat, pyFloatValue, pyValue } from '../utils/py-format.js';

/** BatchNorm's options, by PyTorch's keyword names. */
export interface BatchNormOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** null: a cumulative moving average (1 / numBatchesTracked). */
  momentum?: number | null;
  /** Whether to learn a per-channel scale and shift (default true). */
  affine?: boolean;
  /** Whether to keep running mean and variance for eval mode (default true). */
  trackRunningStats?: boolean;
  /** The parameters' and buffers' dtype (default float32). */
  dtype?: torch.DType;
}

/** LayerNorm's options, by PyTorch's keyword names. */
export interface LayerNormOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Whether to learn a scale and shift per element of the normalised shape (default true). */
  elementwiseAffine?: boolean;
  /** The parameters' dtype (default float32). */
  dtype?: torch.DType;
}

/**
 * A norm layer's learned scale (ones) and shift (zeros) of `shape`, as `[weight, bias]`; without `affine`, both are
 * registered on `layer` as None parameters, as PyTorch's, and returned as null.
 */
function affineParameters(
  layer: Module,
  affine: boolean,
  shape: number[],
  dtype: torch.DType,
): [Parameter | null, Parameter | null] {
  if (affine) return [new Parameter(torch.ones(shape, { dtype })), new Parameter(torch.zeros(shape, { dtype }))];
  layer.registerParameter('weight', null);
  layer.registerParameter('bias', null);
  return [null, null];
}

/**
 * What the batch and instance norms share (PyTorch's `_NormBase`): the per-channel affine parameters, the running
 * statistics and their counter, PyTorch's arguments and repr. `defaults` are the class's `affine` and
 * `trackRunningStats` (true for BatchNorm, false for InstanceNorm).
 */
export abstract class NormBase extends Module {
  /** The number of channels `C`. */
  readonly numFeatures: number;
  /** Added to the variance for stability. */
  readonly eps: number;
  /** The weight of each new batch in the running statistics, or `null` for a cumulative average. */
  momentum: number | null;
  /** Whether `weight` and `bias` are learned. */
  readonly affine: boolean;
  /** Whether running statistics are kept. */
  readonly trackRunningStats: boolean;
  /** The per-channel scale (`γ`), or `null` without `affine`. */
  weight: Parameter | null;
  /** The per-channel shift (`β`), or `null` without `affine`. */
  bias: Parameter | null;
  // State-dict names are PyTorch's, so checkpoints load unchanged.
  /** The running mean (a buffer, under its state-dict name). */
  declare running_mean: Tensor | null;
  /** The running variance (a buffer, under its state-dict name). */
  declare running_var: Tensor | null;
  /** The number of training batches seen (a buffer, under its state-dict name). */
  declare num_batches_tracked: Tensor | null;

  /** `new nn.BatchNorm2d(numFeatures, { eps, momentum, affine, trackRunningStats })`. */
  constructor(numFeatures: number, options?: BatchNormOptions);
  /** PyTorch's positional order: `new nn.BatchNorm2d(64, 1e-5, 0.1, true, true)`. */
  constructor(
    numFeatures: number,
    eps?: number,
    momentum?: number | null,
    affine?: boolean,
    trackRunningStats?: boolean,
    options?: BatchNormOptions,
  );
  constructor(numFeatures: number, ...args: unknown[]) {
    super();
    const kind = new.target;
    const options = torch.compat.pythonArgs<BatchNormOptions>(
      kind.name,
      ['eps', 'momentum', 'affine', 'trackRunningStats'],
      args,
    );
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? kind.byDefault;
    this.trackRunningStats = options.trackRunningStats ?? kind.byDefault;
    const dtype = options.dtype ?? 'float32';
    [this.weight, this.bias] = affineParameters(this, this.affine, [numFeatures], dtype);
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', torch.zeros([numFeatures], { dtype }));
      this.registerBuffer('running_var', torch.ones([numFeatures], { dtype }));
      this.registerBuffer('num_batches_tracked', torch.tensor(0, { dtype: 'int64' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
  }

  /** The default of `affine` and `trackRunningStats`: true for the batch norms, false for the instance norms. */
  protected static readonly byDefault: boolean = true;

  /** The running mean, `running_mean`. */
  get runningMean(): Tensor | null {
    return this.running_mean;
  }

  /** The running variance, `running_var`. */
  get runningVar(): Tensor | null {
    return this.running_var;
  }

  /** The batch counter, `num_batches_tracked`. */
  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }

  /** Resets the running statistics to mean 0, variance 1, no batches (`reset_running_stats`). */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    torch.noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  /** Throws PyTorch's error for an input of the wrong number of dims. */
  protected abstract checkInputDim(input: Tensor): void;

  /** The configuration, as PyTorch prints it. */
  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloatValue(this.momentum)}, affine=${pyValue(this.affine)}, track_running_stats=${pyValue(this.trackRunningStats)}`;
  }
}

/** What BatchNorm1d and BatchNorm2d share: batch statistics in training, running statistics in eval. */
abstract class BatchNorm extends NormBase {
  /** Normalises `input` per channel: by the batch in training (updating the running statistics), by the running statistics in eval. */
  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked !== null) {
      torch.noGrad(() => this.num_batches_tracked?.add_(1));
      factor = this.momentum === null ? 1 / this.num_batches_tracked.item() : this.momentum;
    }
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    const useStats = !this.training || this.trackRunningStats;
    return F.batchNorm(
      input,
      useStats ? this.running_mean : null,
      useStats ? this.running_var : null,
      this.weight,
      this.bias,
      {
        training: bnTraining,
        momentum: factor,
        eps: this.eps,
      },
    );
  }
}

/**
 * Batch normalisation over `[N, C]` or `[N, C, L]` inputs.
 *
 * @example
 * ```ts
 * const bn = new nn.BatchNorm1d(2);
 * console.log(bn);
 * const y = bn.forward(torch.tensor([[1, 10], [3, 30]], { dtype: 'float32' }));
 * console.log(y);
 * console.log(bn.runningMean);
 * ```
 * ```text
 * BatchNorm1d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
 * tensor([[-1.0000, -1.0000],
 *         [ 1.0000,  1.0000]], grad_fn=<NativeBatchNormBackward0>)
 * tensor([0.2000, 2.0000])
 * ```
 */
export class BatchNorm1d extends BatchNorm {
  /** Requires a 2-D or 3-D input. */
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3)
      throw new torch.ValueError(`expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

/** Batch normalisation over `[N, C, H, W]` inputs, per channel. */
export class BatchNorm2d extends BatchNorm {
  /** Requires a 4-D input. */
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) throw new torch.ValueError(`expected 4D input (got ${input.ndim}D input)`);
  }
}

/** Batch normalisation over `[N, C, D, H, W]` inputs, per channel. */
export class BatchNorm3d extends BatchNorm {
  /** Requires a 5-D input. */
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 5) throw new torch.ValueError(`expected 5D input (got ${input.ndim}D input)`);
  }
}

/**
 * Normalises over the last dims (`normalizedShape`) of each sample, then scales and shifts elementwise.
 *
 * @example
 * ```ts
 * const ln = new nn.LayerNorm(3);
 * console.log(ln);
 * console.log(ln.forward(torch.tensor([[1, 2, 3]], { dtype: 'float32' })));
 * ```
 * ```text
 * LayerNorm((3,), eps=1e-05, elementwise_affine=True)
 * tensor([[-1.2247,  0.0000,  1.2247]], grad_fn=<NativeLayerNormBackward0>)
 * ```
 */
export class LayerNorm extends Module {
  /** The trailing shape normalised over. */
  readonly normalizedShape: number[];
  /** Added to the variance for stability. */
  readonly eps: number;
  /** Whether `weight` and `bias` are learned. */
  readonly elementwiseAffine: boolean;
  /** The scale, of `normalizedShape`, or `null`. */
  weight: Parameter | null;
  /** The shift, of `normalizedShape`, or `null`. */
  bias: Parameter | null;

  /** `new nn.LayerNorm(normalizedShape, { eps, elementwiseAffine })`. */
  constructor(normalizedShape: number | number[], options?: LayerNormOptions);
  /** PyTorch's positional order: `new nn.LayerNorm(512, 1e-6, false)`. */
  constructor(
    normalizedShape: number | number[],
    eps?: number,
    elementwiseAffine?: boolean,
    options?: LayerNormOptions,
  );
  constructor(normalizedShape: number | number[], ...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<LayerNormOptions>('LayerNorm', ['eps', 'elementwiseAffine'], args);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? 'float32';
    [this.weight, this.bias] = affineParameters(this, this.elementwiseAffine, this.normalizedShape, dtype);
  }

  /** Normalises `input` over its last dims. */
  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, { eps: this.eps });
  }

  /** The configuration, as PyTorch prints it. */
  override extraRepr(): string {
    return `${pyValue(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyValue(this.elementwiseAffine)}`;
  }
}

/** GroupNorm's options, by PyTorch's keyword names. */
export interface GroupNormLayerOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Whether a per-channel `weight` and `bias` are learned (default true). */
  affine?: boolean;
  /** The parameters' dtype (default float32). */
  dtype?: torch.DType;
}

/**
 * Group normalisation (`torch.nn.GroupNorm`): the channels split into `numGroups` groups, each normalised per
 * sample, then a learned per-channel scale and shift.
 *
 * @example
 * ```ts
 * const gn = new nn.GroupNorm(2, 4);
 * console.log(gn);
 * console.log(gn.forward(torch.tensor([[1, 3, 10, 30]], { dtype: 'float32' })));
 * ```
 * ```text
 * GroupNorm(2, 4, eps=1e-05, affine=True)
 * tensor([[-1.0000,  1.0000, -1.0000,  1.0000]],
 *        grad_fn=<NativeGroupNormBackward0>)
 * ```
 */
export class GroupNorm extends Module {
  /** How many groups the channels form. */
  readonly numGroups: number;
  /** The number of channels (dim 1). */
  readonly numChannels: number;
  /** Added to the variance for stability. */
  readonly eps: number;
  /** Whether `weight` and `bias` are learned. */
  readonly affine: boolean;
  /** The per-channel scale, or `null`. */
  weight: Parameter | null;
  /** The per-channel shift, or `null`. */
  bias: Parameter | null;

  /** `new nn.GroupNorm(numGroups, numChannels, { eps, affine })`. */
  constructor(numGroups: number, numChannels: number, options?: GroupNormLayerOptions);
  /** PyTorch's positional order: `new nn.GroupNorm(8, 64, 1e-5, true)`. */
  constructor(numGroups: number, numChannels: number, eps?: number, affine?: boolean, options?: GroupNormLayerOptions);
  constructor(numGroups: number, numChannels: number, ...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<GroupNormLayerOptions>('GroupNorm', ['eps', 'affine'], args, 0, 2);
    if (numChannels % numGroups !== 0) throw new torch.ValueError('num_channels must be divisible by num_groups');
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = o.eps ?? 1e-5;
    this.affine = o.affine ?? true;
    [this.weight, this.bias] = affineParameters(this, this.affine, [numChannels], o.dtype ?? 'float32');
  }

  /** Normalises `input` (N, C, *) by groups of channels. */
  override forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, this.weight, this.bias, { eps: this.eps });
  }

  /** The configuration, as PyTorch prints it. */
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyValue(this.affine)}`;
  }
}

/**
 * Local response normalisation (`torch.nn.LocalResponseNorm`): each value divided by (k + α · the mean of the squares
 * of `size` neighbouring channels)^β, as in AlexNet.
 *
 * @example
 * ```ts
 * const lrn = new nn.LocalResponseNorm(3);
 * console.log(lrn);
 * console.log(lrn.forward(torch.randn(2, 6, 4, 4)).shape);
 * ```
 * ```text
 * LocalResponseNorm(3, alpha=0.0001, beta=0.75, k=1.0)
 * torch.Size([2, 6, 4, 4])
 * ```
 */
export class LocalResponseNorm extends Module {
  /** How many neighbouring channels. */
  readonly size: number;
  /** The scale of the squares. */
  readonly alpha: number;
  /** The exponent. */
  readonly beta: number;
  /** The additive constant. */
  readonly k: number;

  /** `new nn.LocalResponseNorm(size, { alpha, beta, k })`, or PyTorch's positional order. */
  constructor(size: number, options?: F.LocalResponseNormOptions);
  constructor(size: number, alpha?: number, beta?: number, k?: number);
  constructor(size: number, ...args: unknown[]) {
    super();
    const o = torch.compat.pythonArgs<F.LocalResponseNormOptions>(
      'LocalResponseNorm',
      ['alpha', 'beta', 'k'],
      args,
      0,
      2,
    );
    this.size = size;
    this.alpha = o.alpha ?? 1e-4;
    this.beta = o.beta ?? 0.75;
    this.k = o.k ?? 1;
  }

  /** `input` normalised across its channels. */
  override forward(input: Tensor): Tensor {
    return F.localResponseNorm(input, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }

  /** The size and constants, as PyTorch prints them. */
  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}
