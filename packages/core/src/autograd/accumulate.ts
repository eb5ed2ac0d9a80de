/** The node that ends every path at a leaf: it adds the arriving gradient into the leaf's `.grad`. */
import type { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { Node } from './node.js';

export class AccumulateGrad extends Node {
  readonly variable: Tensor;

  constructor(variable: Tensor) {
    // Runs as soon as it is ready, like PyTorch's (its sequence number is the largest there is).
    super(
      [],
      [{ shape: variable.shape, dtype: variable.dtype }],
      [{ shape: variable.shape, dtype: variable.dtype }],
      Number.MAX_SAFE_INTEGER,
    );
    this.variable = variable;
  }

  name(): string {
    return 'AccumulateGrad';
  }

  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    const g = grads[0];
    if (g) this.accumulate(g, false);
    return [];
  }

  /**
   * What the engine calls: `owned` says no one else holds `g` (it was made by the backward pass for this leaf).
   * Returns whether `g` itself became `.grad`. A leaf that no longer requires grad (`detach_()` or
   * `requiresGrad = false` after the graph was built) takes nothing, as in PyTorch.
   */
  accumulate(g: Tensor, owned: boolean): boolean {
    if (!this.variable.requiresGrad) return false;
    return accumulateInto(this.variable, g, owned);
  }
}

/**
 * PyTorch's accumulation rule: the first gradient is stored (a private copy unless building a higher-order
 * graph), later ones are added in place, or out of place when the graph of the gradient is being recorded.
 * Like PyTorch's AccumulateGrad, a first gradient that nothing else holds is kept as it is rather than copied,
 * when it owns all of its contiguous storage (so it is exactly what the copy would have been).
 */
export function accumulateInto(variable: Tensor, g: Tensor, owned = false): boolean {
  const current = variable.rawGrad;
  const recording = isGradEnabled();
  if (current === null) {
    const kept = recording || (owned && spansItsStorage(g));
    // What is stored is the leaf's alone unless it is a recorded gradient (part of a graph) or a caller's. A view
    // kept (the transpose of a transposed product) is stored detached: its base was a temporary of the backward.
    variable._storeGrad(kept ? (!recording && g._base !== null ? g.detach() : g) : g.detach().clone(), !recording);
    return kept;
  }
  if (recording) variable._storeGrad(current.add(g), false);
  else current.add_(g);
  return false;
}

export function ownsItsStorage(g: Tensor): boolean {
  return g._base === null && spansItsStorage(g);
}

/** Whether `g` is its storage, element for element in order, and has no history: what a copy of it would be. */
function spansItsStorage(g: Tensor): boolean {
  return g.gradFn === null && g._offset === 0 && g._array.length === g.numel() && g.isContiguous();
}
