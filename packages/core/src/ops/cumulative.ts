/**
 * The running ops along a dim: `cumsum`, `cumprod` (with PyTorch's gradient of it, zeros included), `cummax` and
 * `cummin` (values and indices); and `diff`, the differences of neighbours.
 */
import { isFloatingPoint } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { eachRunAlong, empty } from './util.js';
import { type ValuesIndices, valuesIndices } from './reduce.js';
import { cat } from './join.js';

/**
 * The running sums or products along `dim` (integers give int64), each accumulated in double, as on PyTorch's
 * CPU.
 */
function scan(x: Tensor, d: number, product: boolean): Tensor {
  const out = empty(x._shape, isFloatingPoint(x.dtype) ? x.dtype : 'int64');
  const src = x.contiguousArray();
  const o = out._array;
  const n = x.ndim === 0 ? 1 : x._shape[d];
  eachRunAlong(x._shape, d, (_, first, step) => {
    let acc = product ? 1 : 0;
    for (let i = 0, p = first; i < n; i++, p += step) o[p] = acc = product ? acc * src[p] : acc + src[p];
  });
  return out;
}

/** The running sum along `dim`. */
export function cumsum(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim);
  const out = scan(x, d, false);
  recordOp('CumsumBackward0', [x], out, () => ([g]) => [g.flip(d).cumsum(d).flip(d)]);
  return out;
}

/** The running product along `dim`. */
export function cumprod(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim);
  const out = scan(x, d, true);
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

/**
 * The running maximum (`'max'`) or minimum along `dim`, with the index where each was found: a later equal element
 * takes over, and a NaN, once met, stays (PyTorch's rule).
 */
function cumulativeExtreme(x: Tensor, dim: number, which: 'max' | 'min'): ValuesIndices {
  const d = normalizeDim(dim, x.ndim);
  const src = x.contiguousArray();
  const values = empty(x._shape, x.dtype);
  const indices = empty(x._shape, 'int64');
  const [v, ix] = [values._array, indices._array];
  const n = x.ndim === 0 ? 1 : x._shape[d];
  const better = which === 'max' ? (a: number, b: number) => a >= b : (a: number, b: number) => a <= b;
  eachRunAlong(x._shape, d, (_, first, step) => {
    let best = src[first];
    let at = 0;
    for (let i = 0, p = first; i < n; i++, p += step) {
      const e = src[p];
      if (best === best && (e !== e || better(e, best))) [best, at] = [e, i];
      v[p] = best;
      ix[p] = at;
    }
  });
  recordOp(which === 'max' ? 'CummaxBackward0' : 'CumminBackward0', [x], values, () => {
    const inShape = x.shape;
    // Each gradient goes back to the element that was the extreme there.
    return ([g]) => [g.newZeros(inShape).scatterAdd(d, indices, g)];
  });
  return valuesIndices(values, indices);
}

/** The running maximum along `dim` and where each was found: `{ values, indices }`. */
export function cummax(x: Tensor, dim: number): ValuesIndices {
  return cumulativeExtreme(x, dim, 'max');
}

/** The running minimum along `dim` and where each was found: `{ values, indices }`. */
export function cummin(x: Tensor, dim: number): ValuesIndices {
  return cumulativeExtreme(x, dim, 'min');
}

/** `diff`'s options, by PyTorch's keyword names. */
export interface DiffOptions {
  /** How many times to take the differences (default 1). */
  n?: number;
  /** The dim along which (default the last). */
  dim?: number;
  /** Values put before x along `dim` first. */
  prepend?: Tensor | null;
  /** Values put after x along `dim` first. */
  append?: Tensor | null;
}

/**
 * The `n`-th differences along `dim`, `x[i + 1] - x[i]` (for bool, where they differ), after `prepend` and
 * `append` are joined on: as PyTorch composes it, narrows and a subtraction.
 */
export function diff(x: Tensor, options: DiffOptions = {}): Tensor {
  const { n = 1, dim = -1, prepend = null, append = null } = options;
  if (x.ndim === 0) throw new RuntimeError('diff expects input to be at least one-dimensional');
  const d = normalizeDim(dim, x.ndim);
  let y =
    prepend === null && append === null
      ? x
      : cat(
          [prepend, x, append].filter((t): t is Tensor => t !== null),
          d,
        );
  for (let k = 0; k < n && y.shape[d] > 0; k++) {
    const len = y.shape[d] - 1;
    const [later, earlier] = [y.narrow(d, 1, len), y.narrow(d, 0, len)];
    y = y.dtype === 'bool' ? later.ne(earlier) : later.sub(earlier);
  }
  return y;
}
