/**
 * The reductions that pick an element: max, min and where they stand (`max(dim)`, `amax`, `argmax` and the min
 * forms), with their backward formulas, shared with median's.
 */
import { IndexError, RuntimeError } from '../errors.js';
import { aroundDims, normalizeDim, normalizeDims } from '../shape.js';
import { extremeKernel, reducePlan } from '../kernels/reduce.js';
import { recordOp } from '../autograd/record.js';
import { Tensor, type Dims, type ReduceOptions } from '../tensor.js';
import { empty, worthABackendCall } from './util.js';
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import { where } from './binary.js';
import { type ValuesIndices, outShape, parseArgs, reduceDims, unsqueezeDims, valuesIndices } from './reduce.js';

/** The max or min of x over `dims` into `values` and/or the int64 `indices` of where it stands (either may be null). */
function extremeInto(
  x: Tensor,
  dims: readonly number[],
  isMax: boolean,
  values: Tensor | null,
  indices: Tensor | null,
): void {
  const block = oneBlockOfDims(x, dims);
  if (block !== null && worthABackendCall(x.numel()) && (x.dtype === 'float32' || x.dtype === 'float64')) {
    const [outer, size, inner] = block;
    const valuesArray = (values?._array ?? null) as FloatArray | null;
    const indicesArray = (indices?._array ?? null) as Float64Array | null;
    getKernelBackend().extremeDim(
      x._array as FloatArray,
      x._offset,
      outer,
      size,
      inner,
      isMax,
      valuesArray,
      indicesArray,
    );
    return;
  }
  const plan = reducePlan(x._shape, x._strides, x._offset, dims);
  extremeKernel(x._array, plan, isMax, values?._array ?? null, indices?._array ?? null);
}

/**
 * A contiguous x seen as [outer, size, inner] with `dims` (adjacent, in any order) as the middle dim, or null when
 * x is not contiguous or the dims are not one adjacent block.
 */
function oneBlockOfDims(x: Tensor, dims: readonly number[]): [number, number, number] | null {
  if (dims.length === 0 || !x.isContiguous()) return null;
  const first = Math.min(...dims);
  const last = Math.max(...dims);
  return last - first + 1 === dims.length ? aroundDims(x._shape, first, last) : null;
}

/** The dims of a reduction along the one dim `d` (none for a 0-d tensor, whose `d` is 0 all the same). */
function singleDim(x: Tensor, d: number): number[] {
  return x.ndim === 0 ? [] : [d];
}

/** PyTorch's refusal to reduce an empty tensor, or an empty dim, to a max, min or their index. */
export function checkNonEmptyReduction(name: string, x: Tensor, dims: readonly number[] | null, hint: boolean): void {
  if (dims === null || dims.length === 0) {
    if (x.numel() === 0) {
      const message = `${name}(): Expected reduction dim to be specified for input.numel() == 0.`;
      if (hint) throw new RuntimeError(`${message} Specify the reduction dim with the 'dim' argument.`);
      throw new IndexError(message);
    }
    return;
  }
  for (const d of dims)
    if (x._shape.length > 0 && x._shape[d] === 0)
      throw new IndexError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
}

export function maxOrMin(
  kind: 'max' | 'min',
  x: Tensor,
  arg?: number | ReduceOptions | Tensor,
  options?: ReduceOptions | boolean,
): Tensor | ValuesIndices {
  if (arg instanceof Tensor) return kind === 'max' ? x.maximum(arg) : x.minimum(arg);
  const { dim, keepdim } = parseArgs(arg ?? null, options);
  const isMax = kind === 'max';
  const Name = isMax ? 'Max' : 'Min';
  if (dim === null) {
    checkNonEmptyReduction(kind, x, null, true);
    const out = empty([], x.dtype);
    extremeInto(x, normalizeDims(null, x.ndim), isMax, out, null);
    recordOp(`${Name}Backward1`, [x], out, (save) => {
      const sx = save(x);
      const so = save(out);
      return ([g]) => [evenlyDistribute(g, sx(), so())];
    });
    return out;
  }
  if (typeof dim !== 'number') throw new RuntimeError(`${kind}(): dim must be a single integer`);
  const d = normalizeDim(dim, x.ndim);
  checkNonEmptyReduction(kind, x, [d], true);
  const shape = outShape(x._shape, [d], keepdim);
  const values = empty(shape, x.dtype);
  const indices = empty(shape, 'int64');
  extremeInto(x, singleDim(x, d), isMax, values, indices);
  const inShape = x.shape;
  recordOp(`${Name}Backward0`, [x], values, () => ([g]) => [selectedBackward(g, indices, inShape, d, keepdim)]);
  return valuesIndices(values, indices);
}

/** The gradient of a reduction that picked one element per output (max/min/median with dim). */
export function selectedBackward(
  g: Tensor,
  indices: Tensor,
  inShape: readonly number[],
  dim: number,
  keepdim: boolean,
): Tensor {
  if (inShape.length === 0) return g;
  const gk = keepdim ? g : g.unsqueeze(dim);
  const ik = keepdim ? indices : indices.unsqueeze(dim);
  return empty(inShape, g.dtype).scatter(dim, ik, gk);
}

/** The gradient of a reduction to one value (max, min, median of all): shared evenly by the elements equal to it. */
export function evenlyDistribute(g: Tensor, input: Tensor, value: Tensor): Tensor {
  const mask = value.isnan().item() ? input.isnan() : input.eq(value);
  const count = mask.sum();
  return where(mask, g.div(count), 0);
}

export function amaxAmin(
  kind: 'max' | 'min',
  x: Tensor,
  dimOrOptions?: Dims | ReduceOptions | null,
  options?: ReduceOptions | boolean,
): Tensor {
  const { dim, keepdim } = parseArgs(dimOrOptions, options);
  const dims = reduceDims(x, dim);
  checkNonEmptyReduction(kind === 'max' ? 'amax' : 'amin', x, dim === null ? null : dims, true);
  const out = empty(outShape(x._shape, dims, keepdim), x.dtype);
  extremeInto(x, dims, kind === 'max', out, null);
  const inShape = x.shape;
  recordOp(kind === 'max' ? 'AmaxBackward0' : 'AminBackward0', [x], out, (save) => {
    const sx = save(x);
    const so = save(out);
    return ([g]) => {
      const ob = unsqueezeDims(so(), dims, inShape.length, keepdim);
      const mask = sx().eq(ob);
      const count = mask.sum(dims, { keepdim: true });
      // PyTorch's scale_grad_by_count multiplies by the mask: where nothing equals the result (a NaN maximum) the
      // count is 0, and every element's gradient is NaN.
      return [unsqueezeDims(g, dims, inShape.length, keepdim).div(count).mul(mask)];
    };
  });
  return out;
}

export function argMaxMin(
  kind: 'max' | 'min',
  x: Tensor,
  dimOrOptions?: number | ReduceOptions | null,
  options?: ReduceOptions | boolean,
): Tensor {
  const { dim, keepdim } = parseArgs(dimOrOptions, options);
  const name = kind === 'max' ? 'argmax' : 'argmin';
  if (dim === null) {
    checkNonEmptyReduction(name, x, null, false);
    const out = empty(keepdim ? x._shape.map(() => 1) : [], 'int64');
    extremeInto(x.reshape(-1), [0], kind === 'max', null, out);
    return out;
  }
  const d = normalizeDim(dim as number, x.ndim);
  checkNonEmptyReduction(name, x, [d], false);
  const out = empty(outShape(x._shape, [d], keepdim), 'int64');
  extremeInto(x, singleDim(x, d), kind === 'max', null, out);
  return out;
}
