/** `nn.Parameter`: a Tensor that a Module registers as a parameter; requires grad by default. */
import * as torch from '@kindling/core';
import { Tensor } from '@kindling/core';

export class Parameter extends Tensor {
  /** Wraps `data`'s storage (shared, as PyTorch's Parameter) as a leaf that requires grad. */
  constructor(data: Tensor = torch.empty(0), requiresGrad = true) {
    super(data);
    if (requiresGrad) this.requiresGrad_(true);
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

export function isParameter(x: unknown): x is Parameter {
  return x instanceof Parameter;
}
