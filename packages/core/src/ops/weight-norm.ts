/**
 * Weight normalisation's two ops: `normExceptDim` (the 2-norm of each slice along `dim`, or of the whole tensor
 * for dim -1) and `weightNorm` (w = v · g / ‖v‖). Where PyTorch fuses the latter (dim 0 or the last dim) it is one
 * node, `WeightNormInterfaceBackward0`, whose backward is written with tensor ops (so differentiable again);
 * otherwise it is composed as PyTorch composes it.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';

/** `norm_except_dim(v, pow, dim)`: the `pow`-norm of each slice of `v` along `dim`, keeping dims; dim -1: of all of `v`. */
export function normExceptDim(v: Tensor, pow = 2, dim = 0): Tensor {
  if (dim === -1) return v.norm(pow);
  if (dim === 0) {
    const rows = v.contiguous().reshape([v.shape[0], -1]).norm(pow, 1);
    return rows.view([v.shape[0], ...new Array<number>(v.ndim - 1).fill(1)]);
  }
  if (dim === v.ndim - 1) {
    const cols = v.contiguous().reshape([-1, v.shape[dim]]).norm(pow, 0);
    return cols.view([...new Array<number>(v.ndim - 1).fill(1), v.shape[dim]]);
  }
  return normExceptDim(v.transpose(0, dim), pow, 0).transpose(0, dim);
}

/** The sum of `t` over every dim but `dim`, keeping dims (the shape of `normExceptDim`'s result). */
function sumExceptDim(t: Tensor, dim: number): Tensor {
  const dims = t.shape.map((_, d) => d).filter((d) => d !== dim);
  return dims.length === 0 ? t : t.sum(dims, { keepdim: true });
}

/** `_weight_norm(v, g, dim)`: w = v · g / ‖v‖, the norm over every dim but `dim` (dim -1: the whole tensor). */
export function weightNorm(v: Tensor, g: Tensor, dim = 0): Tensor {
  const fused = dim === 0 || dim === v.ndim - 1;
  if (!fused) return v.mul(g.div(normExceptDim(v, 2, dim)));
  const out = noGrad(() => v.mul(g.div(normExceptDim(v, 2, dim))));
  recordOp('WeightNormInterfaceBackward0', [v, g], out, (save, needs) => {
    const [sv, sg] = [save(v), save(g)];
    return ([gw]) => {
      const [vv, gg] = [sv(), sg()];
      const norms = normExceptDim(vv, 2, dim);
      const s = sumExceptDim(gw.mul(vv), dim);
      return [
        needs[0] && gg.div(norms).mul(gw.sub(vv.mul(s.div(norms.pow(2))))),
        needs[1] && s.div(norms).reshape(gg.shape),
      ];
    };
  });
  return out;
}
