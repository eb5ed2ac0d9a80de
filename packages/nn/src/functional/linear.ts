/** `F.linear`: y = x Wᵀ + b, with the graph PyTorch 1.13 builds (addmm for 2-D inputs and contiguous 3-D ones). */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';

/** `F.linear(input, weight, bias=None)`: input (*, in), weight (out, in), bias (out) → (*, out). */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (bias !== null && input.ndim === 2) return torch.addmm(bias, input, weight.t());
  if (bias !== null && input.ndim === 3 && input.isContiguous()) {
    // PyTorch's fused path for contiguous 3-D input: one addmm over the flattened batch, viewed back.
    const [a, b, k] = input.shape;
    const out = torch.addmm(bias, input.view(a * b, k), weight.t());
    return out.view(a, b, out.shape[1]);
  }
  const out = input.matmul(weight.t());
  return bias === null ? out : out.add(bias);
}
