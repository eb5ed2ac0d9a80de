/** `nn.utils.clip_grad_norm_`, `clip_grad_value_`, `parameters_to_vector`, `vector_to_parameters`. */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';

function asList(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  return parameters instanceof torch.Tensor ? [parameters] : [...parameters];
}

/** `clipGradNorm_`'s options after `maxNorm`. */
export interface ClipGradNormOptions {
  /** The norm's order (default 2; `Infinity` for the largest magnitude). */
  normType?: number;
  /** Throw when the total norm is NaN or infinite instead of scaling by it. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients in place so that their total norm is at most `maxNorm`; returns the total norm
 * (before clipping), as PyTorch: clip_coef = maxNorm / (total + 1e-6), applied when below 1.
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  options?: ClipGradNormOptions,
): Tensor;
/** PyTorch's positional order: `clipGradNorm_(params, 1.0, 1)` clips the L1 norm. */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType?: number,
  errorIfNonfinite?: boolean,
): Tensor;
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, ...rest: unknown[]): Tensor {
  const names = ['normType', 'errorIfNonfinite'] as const;
  const options = torch.compat.trailingOptions<ClipGradNormOptions>('clip_grad_norm_', names, rest, 2, 2);
  const normType = options.normType ?? 2;
  const grads = asList(parameters)
    .map((p) => p.rawGrad)
    .filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return torch.tensor(0, { dtype: 'float32' });
  return torch.noGrad(() => {
    const total =
      normType === Infinity
        ? torch.stack(grads.map((g) => g.abs().amax())).amax()
        : torch
            .stack(
              grads.map((g) =>
                g
                  .abs()
                  .pow(normType)
                  .sum()
                  .pow(1 / normType),
              ),
            )
            .pow(normType)
            .sum()
            .pow(1 / normType);
    if (options.errorIfNonfinite && !total.isfinite().item()) {
      throw new torch.RuntimeError(
        `The total norm of order ${torch.compat.pyFloat(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
      );
    }
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  torch.noGrad(() => {
    for (const p of asList(parameters)) p.rawGrad?.clamp_(-clipValue, clipValue);
  });
}

export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return torch.cat([...parameters].map((p) => p.reshape(-1)));
}

export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (vec.ndim !== 1) throw new TypeError(`expected torch.Tensor, but got: ${vec.ndim}-D tensor`);
  let offset = 0;
  torch.noGrad(() => {
    for (const p of parameters) {
      const n = p.numel();
      p.copy_(vec.slice(0, offset, offset + n).viewAs(p));
      offset += n;
    }
  });
}
