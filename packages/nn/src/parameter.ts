/** `nn.Parameter`: a Tensor that a Module registers as a parameter; requires grad by default. */
import * as torch from '@kindling/core';
import { Tensor } from '@kindling/core';

/**
 * A Tensor that a Module registers as a parameter when it is assigned to a field (`nn.Parameter`); it requires grad by default.
 *
 * @example
 * ```ts
 * const p = new nn.Parameter(torch.zeros(2));
 * console.log(p);
 * console.log(p.isLeaf, p instanceof torch.Tensor);
 * ```
 * ```text
 * Parameter containing:
 * tensor([0., 0.], requires_grad=True)
 * true true
 * ```
 */
export class Parameter extends Tensor {
  /** Wraps `data`'s storage (shared, as PyTorch's Parameter) as a leaf that requires grad. */
  constructor(data: Tensor = torch.empty(0), requiresGrad = true) {
    super(data);
    if (requiresGrad) this.requiresGrad_(true);
  }

  /** PyTorch's repr: `Parameter containing:` above the tensor. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** Whether `x` is a Parameter. */
export function isParameter(x: unknown): x is Parameter {
  return x instanceof Parameter;
}
