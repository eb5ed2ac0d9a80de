/** The node that ends every path at a leaf: it adds the arriving gradient into the leaf's `.grad`. */
import type { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { Node } from './node.js';

export class AccumulateGrad extends Node {
  readonly variable: Tensor;

  constructor(variable: Tensor) {
    // Runs as soon as it is ready, like PyTorch's (its sequence number is the largest there is).
    super([], [{ shape: variable.shape, dtype: variable.dtype }], [{ shape: variable.shape, dtype: variable.dtype }], Number.MAX_SAFE_INTEGER);
    this.variable = variable;
  }

  name(): string {
    return 'AccumulateGrad';
  }

  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    const g = grads[0];
    if (g) accumulateInto(this.variable, g);
    return [];
  }
}

/**
 * PyTorch's accumulation rule: the first gradient is stored (a private copy unless building a higher-order
 * graph), later ones are added in place, or out of place when the graph of the gradient is being recorded.
 */
export function accumulateInto(variable: Tensor, g: Tensor): void {
  const current = variable.rawGrad;
  const recording = isGradEnabled();
  if (current === null) variable.rawGrad = recording ? g : g.detach().clone();
  else if (recording) variable.rawGrad = current.add(g);
  else current.add_(g);
}
