/** Reductions with `dim` (number or list, negative allowed) and `keepdim`, each with its backward formula. */
import { type DType, isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError, TorchTypeError } from '../errors.js';
import { pyTypeName } from '../python-types.js';
import { aroundDims, normalizeDims } from '../shape.js';
import { anyAllKernel, prodKernel, reducePlan, sumKernel } from '../kernels/reduce.js';
import { recordOp } from '../autograd/record.js';
import { Tensor, type Dims, type ReduceOptions, type VarOptions } from '../tensor.js';
import { empty, worthABackendCall } from './util.js';
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import { where } from './binary.js';
import { cat } from './join.js';

/**
 * What `max(dim)`, `min(dim)`, `sort` and `topk` return: `{ values, indices }`, which also unpacks and indexes as
 * PyTorch's named tuple does: `const [values, indices] = x.max(1)`, `x.max(1)[1]`.
 */
export interface ValuesIndices extends Iterable<Tensor> {
  values: Tensor;
  indices: Tensor;
  readonly 0: Tensor;
  readonly 1: Tensor;
}

/** The tuple view, shared by every result: not enumerable, so the results print and compare as plain objects. */
const TUPLE_VIEW: object = Object.create(Object.prototype, {
  0: {
    get(this: ValuesIndices): Tensor {
      return this.values;
    },
  },
  1: {
    get(this: ValuesIndices): Tensor {
      return this.indices;
    },
  },
  [Symbol.iterator]: {
    *value(this: ValuesIndices): Generator<Tensor> {
      yield this.values;
      yield this.indices;
    },
  },
}) as object;

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign(Object.create(TUPLE_VIEW) as ValuesIndices, { values, indices });
}

/** Splits `(dim?, options?)` / `(options)` call forms. */
/**
 * A reduction's arguments: `(options)`, `(dim, options)`, or PyTorch's positional `(dim, keepdim)` — a boolean
 * after the dim is keepdim, as in `x.sum(1, true)` for `x.sum(1, True)`.
 */
export function parseArgs<O extends ReduceOptions>(
  dimOrOptions: Dims | O | null | undefined,
  options?: O | boolean,
): { dim: Dims | null; keepdim: boolean; opts: O | undefined } {
  if (dimOrOptions !== null && typeof dimOrOptions === 'object' && !Array.isArray(dimOrOptions)) {
    const o = dimOrOptions as O;
    return { dim: o.dim ?? null, keepdim: o.keepdim ?? false, opts: o };
  }
  const dim = (dimOrOptions as Dims | null | undefined) ?? null;
  if (typeof options === 'boolean') return { dim, keepdim: options, opts: undefined };
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TorchTypeError(
      `keepdim must be a boolean or an options object ({ keepdim, ... }), not ${pyTypeName(options)}`,
    );
  }
  return { dim: dim ?? options?.dim ?? null, keepdim: options?.keepdim ?? false, opts: options };
}

export function outShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const set = new Set(dims);
  const out: number[] = [];
  shape.forEach((s, d) => {
    if (!set.has(d)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Puts reduced dims back (as size 1) so a gradient of the output broadcasts over the input. */
export function unsqueezeDims(g: Tensor, dims: readonly number[], inNdim: number, keepdim: boolean): Tensor {
  if (keepdim || dims.length === 0) return g;
  const set = new Set(dims);
  const shape: number[] = [];
  let k = 0;
  for (let d = 0; d < inNdim; d++) shape.push(set.has(d) ? 1 : g._shape[k++]);
  return g.reshape(shape);
}

export function reduceDims(x: Tensor, dim: Dims | null): number[] {
  return normalizeDims(dim, x._shape.length);
}

/**
 * out = the sum of x over dims. A contiguous float input summed into its own dtype goes to the backend, one
 * contiguous block of dims at a time (the last block first: [0, 2, 3] of NCHW sums each plane, then the batch);
 * anything else takes the strided kernel.
 */
function sumInto(x: Tensor, dims: readonly number[], out: Tensor): void {
  if (
    dims.length === 0 ||
    !worthABackendCall(x.numel()) ||
    x.dtype !== out.dtype ||
    (x.dtype !== 'float32' && x.dtype !== 'float64') ||
    !x.isContiguous()
  ) {
    sumKernel(x._array, reducePlan(x._shape, x._strides, x._offset, dims), out._array);
    return;
  }
  const sorted = [...dims].sort((a, b) => a - b);
  const blocks: [number, number][] = [];
  for (const d of sorted) {
    const last = blocks[blocks.length - 1];
    if (last !== undefined && last[1] === d - 1) last[1] = d;
    else blocks.push([d, d]);
  }
  let shape = [...x._shape];
  let src = x._array as FloatArray;
  let offset = x._offset;
  for (let k = blocks.length - 1; k >= 0; k--) {
    const [b0, b1] = blocks[k];
    const [outer, size, inner] = aroundDims(shape, b0, b1);
    const dst =
      k === 0
        ? (out._array as FloatArray)
        : src instanceof Float32Array
          ? new Float32Array(outer * inner)
          : new Float64Array(outer * inner);
    getKernelBackend().sumDim(src, offset, outer, size, inner, dst, 0);
    shape = [...shape.slice(0, b0), ...shape.slice(b1 + 1)];
    src = dst;
    offset = 0;
  }
}

export function sum(
  x: Tensor,
  dimOrOptions?: Dims | ReduceOptions | null,
  options?: (ReduceOptions & { dtype?: DType }) | boolean,
): Tensor {
  const { dim, keepdim, opts } = parseArgs(dimOrOptions, options);
  const dtype: DType = (opts as { dtype?: DType } | undefined)?.dtype ?? (isFloatingPoint(x.dtype) ? x.dtype : 'int64');
  const dims = reduceDims(x, dim);
  const out = empty(outShape(x._shape, dims, keepdim), dtype);
  sumInto(x, dims, out);
  const inShape = x.shape;
  recordOp(dim === null ? 'SumBackward0' : 'SumBackward1', [x], out, () => ([g]) => [
    unsqueezeDims(g, dims, inShape.length, keepdim).expand(inShape),
  ]);
  return out;
}

export function mean(x: Tensor, dimOrOptions?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
  const { dim, keepdim } = parseArgs(dimOrOptions, options);
  if (!isFloatingPoint(x.dtype)) {
    throw new RuntimeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(x.dtype)}`,
    );
  }
  const dims = reduceDims(x, dim);
  const n = dims.reduce((a, d) => a * x._shape[d], 1);
  const out = empty(outShape(x._shape, dims, keepdim), x.dtype);
  sumInto(x, dims, out);
  const o = out._array;
  for (let i = 0; i < o.length; i++) o[i] = o[i] / n;
  const inShape = x.shape;
  recordOp(dim === null ? 'MeanBackward0' : 'MeanBackward1', [x], out, () => ([g]) => [
    unsqueezeDims(g, dims, inShape.length, keepdim).expand(inShape).div(n),
  ]);
  return out;
}

export function prod(
  x: Tensor,
  dimOrOptions?: number | ReduceOptions | null,
  options?: ReduceOptions | boolean,
): Tensor {
  const { dim, keepdim } = parseArgs(dimOrOptions, options);
  const dtype: DType = isFloatingPoint(x.dtype) ? x.dtype : 'int64';
  const dims = reduceDims(x, dim);
  const out = empty(outShape(x._shape, dims, keepdim), dtype);
  prodKernel(x._array, reducePlan(x._shape, x._strides, x._offset, dims), out._array);
  recordOp(dim === null ? 'ProdBackward0' : 'ProdBackward1', [x], out, (save) => {
    const sx = save(x);
    const so = save(out);
    return ([g]) => [prodBackward(g, sx(), so(), dim === null ? null : dims[0], keepdim)];
  });
  return out;
}

/**
 * PyTorch's prod_backward: grad · (result / x) without zeros in x; with zeros, each element's product of the
 * others from exclusive cumulative products (prodOfOthers). Over all elements, two zeros or more give zeros.
 */
function prodBackward(g: Tensor, x: Tensor, result: Tensor, dim: number | null, keepdim: boolean): Tensor {
  if (x.ndim === 0) return g;
  const zeros = x.eq(0).sum().item();
  if (dim === null) {
    if (zeros === 0) return g.mul(result.div(x));
    if (zeros > 1) return x.newZeros(x.shape);
    return g.mul(prodOfOthers(x.contiguous().view(-1), 0)).viewAs(x);
  }
  const gk = unsqueezeDims(g, [dim], x.ndim, keepdim);
  if (zeros === 0) return gk.mul(unsqueezeDims(result, [dim], x.ndim, keepdim).div(x));
  return gk.mul(prodOfOthers(x, dim));
}

/**
 * For each element, the product of the others along `dim`: the product of those before it times the product of
 * those after it, each a cumulative product (exact with zeros, and rounded as PyTorch's). Only called where `x`
 * holds a zero, so `dim` is never empty.
 */
function prodOfOthers(x: Tensor, dim: number): Tensor {
  const n = x.shape[dim];
  const onesShape = x.shape.map((s, i) => (i === dim ? 1 : s));
  const ones = x.newOnes(onesShape);
  const before = cat([ones, x.narrow(dim, 0, n - 1)], dim).cumprod(dim);
  const after = cat([ones, x.narrow(dim, 1, n - 1).flip(dim)], dim)
    .cumprod(dim)
    .flip(dim);
  return before.mul(after);
}

/** var/std; PyTorch's positional `(dim, unbiased, keepdim)` is accepted after the dim as well as an options object. */
export function variance(
  x: Tensor,
  dimOrOptions: Dims | VarOptions | null | undefined,
  options: VarOptions | boolean | undefined,
  isStd: boolean,
  keepdimArg?: boolean,
): Tensor {
  const positional = typeof options === 'boolean' ? { unbiased: options, keepdim: keepdimArg ?? false } : options;
  const { dim, keepdim, opts } = parseArgs(dimOrOptions, positional);
  if (!isFloatingPoint(x.dtype)) {
    throw new RuntimeError(`std and var only support floating point and complex dtypes`);
  }
  const correction = opts?.correction ?? (opts?.unbiased === false ? 0 : 1);
  const dims = reduceDims(x, dim);
  const n = dims.reduce((a, d) => a * x._shape[d], 1);
  // In double, rounded once at the end, as PyTorch's CPU kernel accumulates: float32 squares overflow at 1.8e19.
  // The mean is refined by the mean of the deviations from it, so that equal values have exactly their value as
  // mean and a variance of exactly 0, as PyTorch's Welford updates give (std's gradient is 0 there, not 0/0).
  const input = x.dtype === 'float32' ? x.detach().double() : x.detach();
  const rough = input.mean(dims, { keepdim: true });
  const dev = input.sub(rough.add(input.sub(rough).mean(dims, { keepdim: true })));
  const variance = dev
    .mul(dev)
    .sum(dims, { keepdim })
    .div(Math.max(n - correction, 0));
  const result = (isStd ? variance.sqrt() : variance).to(x.dtype);
  const inShape = x.shape;
  const dof = n - correction;
  const whole = dim === null || inShape.length === 0;
  recordOp(isStd ? 'StdBackward0' : 'VarBackward0', [x], result, (save) => {
    const sx = save(x);
    const so = isStd ? save(result) : null;
    return ([g]) => {
      // PyTorch's std_backward: var's gradient of grad / (2 std), taken as 0 where std is 0 (a constant input).
      const gradVar = so ? g.div(so().mul(2)).maskedFill(so().eq(0), 0) : g;
      // var_backward: over all elements, n == correction (2 / 0) gives grad times infinity, even where the
      // deviation is 0; along dims the same case is left to the arithmetic (NaN). (PyTorch 1.13 returns that
      // gradient 0-d, which its engine refuses for a one-element input of more dims; it is expanded here.)
      if (whole && dof === 0) return [gradVar.mul(Infinity).expand(inShape)];
      const input = sx();
      const centered = input.sub(input.mean(dims, { keepdim: true }));
      return [
        unsqueezeDims(gradVar, dims, inShape.length, keepdim)
          .mul(2 / dof)
          .mul(centered),
      ];
    };
  });
  return result;
}

/** log(sum(exp(x))) over `dims`, shifted by the maximum (0 where that is infinite) so that nothing overflows. */
function shiftedLogSumExp(input: Tensor, dims: number[], keepdim: boolean): Tensor {
  const m = input.amax(dims, { keepdim: true });
  const safeMax = where(m.isfinite(), m, 0);
  const s = input.sub(safeMax).exp().sum(dims, { keepdim: true }).log().add(safeMax);
  return keepdim ? s : s.squeeze(dims);
}

export function logsumexp(x: Tensor, dimOrOptions: Dims | ReduceOptions, options?: ReduceOptions | boolean): Tensor {
  const { dim, keepdim } = parseArgs(dimOrOptions, options);
  const dims = reduceDims(x, dim);
  const input = isFloatingPoint(x.dtype) ? x.detach() : x.detach().to('float32');
  const out = input.numel() === 0 ? input.exp().sum(dims, { keepdim }).log() : shiftedLogSumExp(input, dims, keepdim);
  const inShape = x.shape;
  recordOp('LogsumexpBackward0', [x], out, (save) => {
    const sx = save(x);
    const so = save(out);
    return ([g]) => {
      const ob = unsqueezeDims(so(), dims, inShape.length, keepdim);
      return [unsqueezeDims(g, dims, inShape.length, keepdim).mul(sx().sub(ob).exp())];
    };
  });
  return out;
}

export function anyAll(
  kind: 'any' | 'all',
  x: Tensor,
  dimOrOptions?: number | ReduceOptions | null,
  options?: ReduceOptions | boolean,
): Tensor {
  const { dim, keepdim } = parseArgs(dimOrOptions, options);
  const dims = reduceDims(x, dim);
  const out = empty(outShape(x._shape, dims, keepdim), 'bool');
  anyAllKernel(x._array, reducePlan(x._shape, x._strides, x._offset, dims), kind === 'any', out._array);
  return out;
}

/** Sums a gradient of a broadcast result back to the shape of the input it came from. */
export function sumToSize(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let d = 0; d < g.ndim; d++) if (d < lead || (shape[d - lead] === 1 && g._shape[d] !== 1)) dims.push(d);
  if (dims.length === 0) return g;
  const summed = g.sum(dims, { keepdim: true });
  return lead > 0 ? summed.reshape([...shape]) : summed;
}
