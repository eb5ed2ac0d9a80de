/** `cumprod`: the running product along a dim, and PyTorch's gradient of it, zeros included. */
import { type DType, isFloatingPoint } from '../dtype.js';
import { normalizeDim } from '../shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { eachRunAlong, empty } from './util.js';

/** The running product along `dim` (integers give int64), each product accumulated in double, as on PyTorch's CPU. */
export function cumprod(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim);
  const dtype: DType = isFloatingPoint(x.dtype) ? x.dtype : 'int64';
  const out = empty(x._shape, dtype);
  const src = x.contiguousArray();
  const o = out._array;
  const n = x.ndim === 0 ? 1 : x._shape[d];
  eachRunAlong(x._shape, d, (_, first, step) => {
    let acc = 1;
    for (let i = 0, p = first; i < n; i++, p += step) o[p] = acc *= src[p];
  });
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
    const [xs, gs] = [x.contiguousArray(), g.contiguousArray()];
    const gx = empty(x._shape, g.dtype);
    const o = gx._array;
    const n = x._shape[d];
    eachRunAlong(x._shape, d, (_, first, step) => {
      let before = 1; // the product of the run's elements before i
      for (let i = 0; i < n; i++) {
        let sum = 0;
        let run = before;
        for (let k = i; k < n; k++) {
          if (k > i) run *= xs[first + k * step];
          sum += gs[first + k * step] * run;
        }
        o[first + i * step] = sum;
        before *= xs[first + i * step];
      }
    });
    return gx;
  });
}
