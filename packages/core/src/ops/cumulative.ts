/**
 * The running ops along a dim: `cumsum`, `cumprod` (with PyTorch's gradient of it, zeros included), `cummax` and
 * `cummin` (values and indices); and `diff`, the differences of neighbours.
 */
import { isFloatingPoint } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { eachRunAlong, empty } from './util.js';
import { type ValuesIndices, valuesIndices } from './reduce.js';
import { cat, stack } from './join.js';
import { where } from './binary.js';

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

/** Σ_{j >= i} w_j along `d`: the flipped cumulative sum, as PyTorch's reversed_cumsum. */
function reversedCumsum(w: Tensor, d: number): Tensor {
  return w.flip(d).cumsum(d).flip(d);
}

/**
 * PyTorch's cumprod_backward: d(Σ g·cumprod(x))/dx_k = Σ_{j >= k} g_j · Π_{i <= j, i != k} x_i. Without zeros in x
 * that is reversedCumsum(g·out) / x. With zeros, as PyTorch: the same formula before a run's first zero, its own
 * sum at the first zero (firstZeroGrad), 0 after it; when the backward itself is recorded (createGraph), the
 * products are formed for each k (differentiable).
 */
function cumprodBackward(g: Tensor, x: Tensor, out: Tensor, d: number): Tensor {
  if (x.numel() <= 1 || x.shape[d] === 1) return g;
  const w = out.mul(g);
  const isZero = x.eq(0);
  if (!isZero.any().item()) return reversedCumsum(w, d).div(x);
  if (isGradEnabled()) return omittedProductsBackward(g, x, d);
  const zerosSoFar = isZero.cumsum(d);
  const beforeFirst = zerosSoFar.eq(0);
  const firstZero = isZero.logicalAnd(zerosSoFar.eq(1));
  const early = reversedCumsum(w.maskedFill(beforeFirst.logicalNot(), 0), d).div(x);
  return where(beforeFirst, early, where(firstZero, firstZeroGrad(g, x, out, d, zerosSoFar), 0));
}

/**
 * The gradient at each run's first zero z1, one value per run (keepdim): the product of the elements before z1
 * times Σ_{z1 <= j < z2} g_j · Π_{z1 < i <= j} x_i, z2 the second zero or the run's end.
 */
function firstZeroGrad(g: Tensor, x: Tensor, out: Tensor, d: number, zerosSoFar: Tensor): Tensor {
  const fromFirst = zerosSoFar.eq(1);
  const afterFirst = fromFirst.logicalAnd(x.ne(0));
  const firstIndex = fromFirst.max(d, { keepdim: true }).indices;
  const productBefore = out.gather(d, firstIndex.sub(1).relu()).maskedFill(firstIndex.eq(0), 1);
  return x
    .maskedFill(afterFirst.logicalNot(), 1)
    .cumprod(d)
    .mul(g.maskedFill(fromFirst.logicalNot(), 0))
    .sum(d, { keepdim: true })
    .mul(productBefore);
}

/** cumprod's gradient as a composition of differentiable ops, one slice k at a time: Σ_{j >= k} g_j · Π_{i <= j, i != k} x_i. */
function omittedProductsBackward(g: Tensor, x: Tensor, d: number): Tensor {
  const n = x.shape[d];
  const ones = x.newOnes(x.shape.map((s, i) => (i === d ? 1 : s)));
  const slices = Array.from({ length: n }, (_, k) => {
    let omitted: Tensor;
    if (k === 0) omitted = cat([ones, x.slice(d, 1).cumprod(d)], d);
    else {
      const untilK = x.slice(d, 0, k).prod(d, { keepdim: true });
      omitted = k === n - 1 ? untilK : cat([untilK, untilK.mul(x.slice(d, k + 1).cumprod(d))], d);
    }
    return g.slice(d, k).mul(omitted).sum(d);
  });
  return stack(slices, d);
}

/**
 * The running maximum (`'max'`) or minimum along `dim`, with the index where each was found: a later equal element
 * takes over, and so does every NaN, after which the value stays NaN (PyTorch's rule).
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
      if (e !== e || (best === best && better(e, best))) [best, at] = [e, i];
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
