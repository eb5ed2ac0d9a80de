/** Small helpers shared by the functional files: PyTorch's Python-level checks, warnings and shape text. */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';

export type Reduction = 'none' | 'mean' | 'sum';

/** `torch.Size([3, 1])`, as Python prints a shape in F's messages. */
export function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** `_Reduction.get_enum`: the reduction string, or PyTorch's ValueError. */
export function checkReduction(reduction: string | undefined): Reduction {
  const r = reduction ?? 'mean';
  if (r !== 'none' && r !== 'mean' && r !== 'sum')
    throw new torch.ValueError(`${r} is not a valid value for reduction`);
  return r;
}

/** `apply_loss_reduction`: the elementwise loss, its mean or its sum. */
export function reduced(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? loss.mean() : reduction === 'sum' ? loss.sum() : loss;
}

/** The broadcast of two shapes, with PyTorch's message when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new torch.RuntimeError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** What F.mse_loss, F.l1_loss and F.smooth_l1_loss do first: warn on differing sizes, then broadcast both. */
export function broadcastLossOperands(input: Tensor, target: Tensor): [Tensor, Tensor] {
  if (sameShape(input.shape, target.shape)) return [input, target];
  torch.warnOnce(
    `Using a target size (${torchSize(target.shape)}) that is different to the input size (${torchSize(input.shape)}). ` +
      'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
  );
  const shape = broadcastShape(input.shape, target.shape);
  return [
    sameShape(input.shape, shape) ? input : input.expand(shape),
    sameShape(target.shape, shape) ? target : target.expand(shape),
  ];
}

export { sameShape };

/** A plain `{ ... }` options object (core's rule), for the "positional or in the options" signatures. */
export function isOptions<T extends object>(x: unknown): x is T {
  return torch.compat.isOptionsObject(x);
}

/** Python's AssertionError, which F raises for some argument checks (`Padding_idx must be within num_embeddings`): core's class. */
export const AssertionError = torch.AssertionError;

/**
 * The losses' deprecated `size_average` and `reduce`: they keep their places in PyTorch's positional order but
 * must stay unset (a clear error instead of a reduction other than the one asked for).
 */
export function rejectLegacyReduction(op: string, options: { sizeAverage?: unknown; reduce?: unknown }): void {
  if ((options.sizeAverage ?? null) !== null || (options.reduce ?? null) !== null) {
    throw new torch.TorchTypeError(
      `${op}: size_average and reduce are deprecated and not supported; pass { reduction: 'none' | 'mean' | 'sum' }`,
    );
  }
}
