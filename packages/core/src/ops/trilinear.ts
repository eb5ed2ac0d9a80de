/**
 * The product behind `F.bilinear`: y[b, o] = Σᵢⱼ x1[b, i] · w[o, i, j] · x2[b, j], recorded as PyTorch records its
 * `_trilinear`, one `TrilinearBackward0` whose gradients are the same product contracted the other ways (and so
 * differentiable again).
 */
import { RuntimeError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { einsum } from './einsum.js';

/** `y = x1 · w · x2` over (B, I) and (B, J) inputs and an (O, I, J) weight, giving (B, O). */
export function bilinearProduct(x1: Tensor, weight: Tensor, x2: Tensor): Tensor {
  if (x1.ndim !== 2 || x2.ndim !== 2 || weight.ndim !== 3)
    throw new RuntimeError('bilinearProduct: expected (B, I) and (B, J) inputs and an (O, I, J) weight');
  const out = noGrad(() => einsum('bi,oij,bj->bo', x1, weight, x2));
  recordOp('TrilinearBackward0', [x1, weight, x2], out, (save, needs) => {
    const [s1, sw, s2] = [save(x1), save(weight), save(x2)];
    return ([g]) => [
      needs[0] && einsum('bo,oij,bj->bi', g, sw(), s2()),
      needs[1] && einsum('bo,bi,bj->oij', g, s1(), s2()),
      needs[2] && einsum('bo,oij,bi->bj', g, sw(), s1()),
    ];
  });
  return out;
}
