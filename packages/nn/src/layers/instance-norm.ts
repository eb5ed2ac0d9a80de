/**
 * `nn.InstanceNorm1d`, `nn.InstanceNorm2d` and `nn.InstanceNorm3d`: each channel of each sample normalised over its
 * spatial dims (style transfer, GANs), by default without affine parameters or running statistics, as PyTorch's.
 */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';
import * as F from '../functional/index.js';
import { NormBase } from './norm.js';

/** What the three share: PyTorch's `_InstanceNorm`, per number of spatial dims. */
abstract class InstanceNorm extends NormBase {
  protected static override readonly byDefault: boolean = false;

  /** The spatial dims of a batched input. */
  protected abstract get spatialDims(): number;

  /** Throws PyTorch's error unless the input is unbatched or batched with the class's spatial dims. */
  protected checkInputDim(input: Tensor): void {
    const d = this.spatialDims;
    if (input.ndim !== d + 1 && input.ndim !== d + 2)
      throw new torch.ValueError(`expected ${d + 1}D or ${d + 2}D input (got ${input.ndim}D input)`);
  }

  /**
   * Normalises each channel of each sample over its spatial dims: by its own statistics in training or without
   * running statistics, else by the running ones (updated in training).
   */
  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    const unbatched = input.ndim === this.spatialDims + 1;
    const out = F.instanceNorm(unbatched ? input.unsqueeze(0) : input, {
      runningMean: this.running_mean,
      runningVar: this.running_var,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum ?? 0.1,
      eps: this.eps,
    });
    return unbatched ? out.squeeze(0) : out;
  }
}

/**
 * Instance normalisation over `[N, C, L]` (or `[C, L]`) inputs.
 *
 * @example
 * ```ts
 * const norm = new nn.InstanceNorm1d(2);
 * console.log(norm);
 * console.log(norm.forward(torch.tensor([[[1, 3], [10, 30]]], { dtype: 'float32' })));
 * ```
 * ```text
 * InstanceNorm1d(2, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)
 * tensor([[[-1.0000,  1.0000],
 *          [-1.0000,  1.0000]]])
 * ```
 */
export class InstanceNorm1d extends InstanceNorm {
  protected get spatialDims(): number {
    return 1;
  }
}

/**
 * Instance normalisation over `[N, C, H, W]` (or `[C, H, W]`) inputs.
 *
 * @example
 * ```ts
 * const norm = new nn.InstanceNorm2d(3, { affine: true });
 * console.log(norm);
 * console.log(Object.keys(norm.stateDict()), norm.forward(torch.randn(2, 3, 8, 8)).shape);
 * ```
 * ```text
 * InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=False)
 * [ 'weight', 'bias' ] torch.Size([2, 3, 8, 8])
 * ```
 */
export class InstanceNorm2d extends InstanceNorm {
  protected get spatialDims(): number {
    return 2;
  }
}

/** Instance normalisation over `[N, C, D, H, W]` (or `[C, D, H, W]`) inputs. */
export class InstanceNorm3d extends InstanceNorm {
  protected get spatialDims(): number {
    return 3;
  }
}
