/** BatchNorm1d, BatchNorm2d, LayerNorm. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/index.js';
import { pyFloat, pyFloatValue, pyValue } from '../utils/py-format.js';

export interface BatchNormOptions {
  eps?: number;
  /** null: a cumulative moving average (1 / numBatchesTracked). */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: torch.DType;
}

export interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  dtype?: torch.DType;
}

abstract class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  // State-dict names are PyTorch's, so checkpoints load unchanged.
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(numFeatures: number, options?: BatchNormOptions);
  /** PyTorch's positional order: `new nn.BatchNorm2d(64, 1e-5, 0.1, true, true)`. */
  constructor(numFeatures: number, eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean, options?: BatchNormOptions);
  constructor(numFeatures: number, ...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<BatchNormOptions>(new.target.name, ['eps', 'momentum', 'affine', 'trackRunningStats'], args);
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    const dtype = options.dtype ?? 'float32';
    this.weight = this.affine ? new Parameter(torch.ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(torch.zeros([numFeatures], { dtype })) : null;
    if (!this.affine) {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
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

  get runningMean(): Tensor | null {
    return this.running_mean;
  }

  get runningVar(): Tensor | null {
    return this.running_var;
  }

  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }

  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    torch.noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  protected abstract checkInputDim(input: Tensor): void;

  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked !== null) {
      torch.noGrad(() => this.num_batches_tracked?.add_(1));
      factor = this.momentum === null ? 1 / this.num_batches_tracked.item() : this.momentum;
    }
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    const useStats = !this.training || this.trackRunningStats;
    return F.batchNorm(input, useStats ? this.running_mean : null, useStats ? this.running_var : null, this.weight, this.bias, {
      training: bnTraining,
      momentum: factor,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloatValue(this.momentum)}, affine=${pyValue(this.affine)}, track_running_stats=${pyValue(this.trackRunningStats)}`;
  }
}

export class BatchNorm1d extends BatchNorm {
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new Error(`expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

export class BatchNorm2d extends BatchNorm {
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) throw new Error(`expected 4D input (got ${input.ndim}D input)`);
  }
}

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | number[], options?: LayerNormOptions);
  /** PyTorch's positional order: `new nn.LayerNorm(512, 1e-6, false)`. */
  constructor(normalizedShape: number | number[], eps?: number, elementwiseAffine?: boolean, options?: LayerNormOptions);
  constructor(normalizedShape: number | number[], ...args: unknown[]) {
    super();
    const options = torch.compat.pythonArgs<LayerNormOptions>('LayerNorm', ['eps', 'elementwiseAffine'], args);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? 'float32';
    this.weight = this.elementwiseAffine ? new Parameter(torch.ones(this.normalizedShape, { dtype })) : null;
    this.bias = this.elementwiseAffine ? new Parameter(torch.zeros(this.normalizedShape, { dtype })) : null;
    if (!this.elementwiseAffine) {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, { eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyValue(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyValue(this.elementwiseAffine)}`;
  }
}
