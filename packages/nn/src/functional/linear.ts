/** `F.linear`: y = x Wᵀ + b, with the graph PyTorch 1.13 builds (addmm for 2-D inputs and contiguous 3-D ones); and `F.bilinear`. */
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

/**
 * `F.bilinear(input1, input2, weight, bias=None)`: y[..., o] = Σᵢⱼ x1[..., i] · w[o, i, j] · x2[..., j] + b[o], over
 * inputs (*, in1) and (*, in2) with the same leading sizes and an (out, in1, in2) weight; PyTorch's checks.
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (input1.ndim !== input2.ndim)
    throw new torch.RuntimeError(`bilinear(): input dimensions do not match: got ${input1.ndim} and ${input2.ndim}`);
  for (let i = 0; i < input1.ndim - 1; i++) {
    if (input1.shape[i] !== input2.shape[i]) {
      throw new torch.RuntimeError(
        `bilinear(): input batch dimensions do not match at dim ${i}: got ${input1.shape[i]} and ${input2.shape[i]}`,
      );
    }
  }
  const [in1, in2] = [input1.shape[input1.ndim - 1], input2.shape[input2.ndim - 1]];
  if (in1 !== weight.shape[1])
    throw new torch.RuntimeError(
      `bilinear(): input1 size does not match weight size: got ${in1} but expected ${weight.shape[1]}`,
    );
  if (in2 !== weight.shape[2])
    throw new torch.RuntimeError(
      `bilinear(): input2 size does not match weight size: got ${in2} but expected ${weight.shape[2]}`,
    );
  if (bias !== null && bias.shape[0] !== weight.shape[0])
    throw new torch.RuntimeError(
      `bilinear(): bias size does not match weight size: got ${bias.shape[0]} but expected ${weight.shape[0]}`,
    );
  const outShape = [...input1.shape.slice(0, -1), weight.shape[0]];
  const product = torch._nn.bilinearProduct(input1.reshape([-1, in1]), weight, input2.reshape([-1, in2]));
  const out = product.reshape(outShape);
  return bias === null ? out : out.add(bias);
}
