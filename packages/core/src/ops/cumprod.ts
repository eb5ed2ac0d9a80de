/** `cumprod`: the running product along a dim, and PyTorch's gradient of it, zeros included. */
import { type DType, isFloatingPoint } from '../dtype.js';
import { normalizeDim } from '../shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { empty } from './util.js';

/** `x` with `dim` moved last, contiguous: one row per run along `dim`, `n` long. */
function rowsAlong(x: Tensor, d: number): { rows: ArrayLike<number>; n: number } {
  const n = x.ndim === 0 ? 1 : x.shape[d];
  return { rows: (x.ndim === 0 ? x : x.movedim(d, -1)).contiguousArray(), n };
}

/** The running product along `dim` (integers give int64), each product accumulated in double, as on PyTorch's CPU. */
export function cumprod(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim);
  const dtype: DType = isFloatingPoint(x.dtype) ? x.dtype : 'int64';
  const { rows, n } = rowsAlong(x, d);
  const moved = empty(x.ndim === 0 ? [] : x.movedim(d, -1).shape, dtype);
  const o = moved._array;
  for (let start = 0; start < o.length; start += n) {
    let acc = 1;
    for (let i = 0; i < n; i++) o[start + i] = acc *= rows[start + i];
  }
  const out = noGrad(() => (x.ndim === 0 ? moved : moved.movedim(-1, d).contiguous()));
  recordOp('CumprodBackward0', [x], out, (save) => {
    const [sx, so] = [save(x), save(out)];
    return ([g]) => [cumprodBackward(g, sx(), so(), d)];
  });
  return out;
}

/**
 * d(sum g·cumprod(x))/dx_i = sum over k >= i of g_k · prod_{j <= k, j != i} x_j. Without zeros in x that is the
 * reversed cumulative sum of g·out divided by x (differentiable); with zeros, the products are formed directly.
 */
function cumprodBackward(g: Tensor, x: Tensor, out: Tensor, d: number): Tensor {
  if (x.numel() <= 1 || x.shape[d] === 1) return g;
  if (!x.eq(0).any().item()) return g.mul(out).flip(d).cumsum(d).flip(d).div(x);
  return noGrad(() => {
    const { rows, n } = rowsAlong(x, d);
    const { rows: grads } = rowsAlong(g, d);
    const moved = empty(x.movedim(d, -1).shape, g.dtype);
    const o = moved._array;
    for (let start = 0; start < o.length; start += n) {
      let before = 1; // the product of the row's elements before i
      for (let i = 0; i < n; i++) {
        let sum = 0;
        let run = before;
        for (let k = i; k < n; k++) {
          if (k > i) run *= rows[start + k];
          sum += grads[start + k] * run;
        }
        o[start + i] = sum;
        before *= rows[start + i];
      }
    }
    return moved.movedim(-1, d).contiguous();
  });
}
