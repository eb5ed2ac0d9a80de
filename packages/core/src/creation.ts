/**
 * Creation functions: `tensor`, `fromArray`, `zeros`, `ones`, `full`, `empty`, `eye`, `*Like` (the ranges are in
 * creation-ranges.ts, the random ones in creation-random.ts), and the helpers every factory shares.
 */
import { type DType, type TypedArray, allocateFor, checkedIntegerValue, cTypeName, isDType } from './dtype.js';
import { RuntimeError, TorchTypeError, ValueError } from './errors.js';
import { formatShape, numel, parseSizeArgs } from './shape.js';
import type { Generator } from './random.js';
import { Tensor, type NestedArray } from './tensor.js';
import { filledStorage } from './storage-pool.js';
import { checkIntArg, worthABackendCall } from './ops/util.js';
import { getKernelBackend } from './kernels/registry.js';
import type { FloatArray } from './kernels/gemm.js';
import { pyTypeName } from './python-types.js';
import { checkCamelCaseKeys } from './python-args.js';
import { setRequiresGrad } from './autograd/tensor-autograd.js';

/** Options of the creation functions: the dtype and whether the result requires grad. */
export interface TensorOptions {
  /** The element type (default: inferred from the data, or float32). */
  dtype?: DType;
  /** Whether autograd records operations on the result (it must then be floating point). */
  requiresGrad?: boolean;
}

/** Options of the random creation functions: `TensorOptions` and the generator to draw from. */
export interface RandomOptions extends TensorOptions {
  /** The generator to draw from (default: the global one that `torch.manualSeed` seeds). */
  generator?: Generator;
}

export type SizeArgs = (number | readonly number[] | TensorOptions | RandomOptions)[];

/** The same arguments with `dtype` defaulting to `dtype` (the `new_*` methods take the tensor's). */
export function withDefaultDType(args: SizeArgs, dtype: DType): SizeArgs {
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && last !== null && typeof last === 'object' && !Array.isArray(last);
  return hasOptions ? [...args.slice(0, -1), { dtype, ...(last as TensorOptions) }] : [...args, { dtype }];
}

/** Splits `f(2, 3, { dtype })` / `f([2, 3], { dtype })` into a size and options. */
export function sizeAndOptions<O extends TensorOptions>(args: SizeArgs): { shape: number[]; options: O } {
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && last !== null && typeof last === 'object' && !Array.isArray(last);
  const sizes = (hasOptions ? args.slice(0, -1) : args) as (number | readonly number[])[];
  return { shape: parseSizeArgs(sizes), options: (hasOptions ? last : {}) as O };
}

/** The factory's result, made to require grad when the options ask for it. */
export function finish(t: Tensor, options: TensorOptions): Tensor {
  checkCamelCaseKeys('', options);
  if (options.requiresGrad) setRequiresGrad(t, true, 'factory');
  return t;
}

export function checkDType(dtype: DType | undefined): void {
  if (dtype !== undefined && !isDType(dtype)) throw new TorchTypeError(`unsupported dtype '${String(dtype)}'`);
}

/** A new tensor of `shape` with every element `value`. */
export function filled(shape: number[], dtype: DType, value: number): Tensor {
  const resident = filledStorage(dtype, numel(shape), value);
  if (resident !== null) return new Tensor(resident, shape, dtype);
  const t = new Tensor(allocateFor(shape, dtype), shape, dtype);
  if (value === 0) return t;
  if ((dtype === 'float32' || dtype === 'float64') && worthABackendCall(t._array.length))
    getKernelBackend().fill(t._array as FloatArray, 0, t._array.length, value);
  else t._array.fill(value);
  return t;
}

/**
 * A tensor filled with zeros (float32 unless `dtype` says otherwise); the size as numbers or an array.
 *
 * @example
 * ```ts
 * console.log(torch.zeros(2, 3));
 * console.log(torch.zeros([2], { dtype: 'int64' }));
 * ```
 * ```text
 * tensor([[0., 0., 0.],
 *         [0., 0., 0.]])
 * tensor([0, 0])
 * ```
 */
export function zeros(...args: SizeArgs): Tensor {
  const { shape, options } = sizeAndOptions(args);
  checkDType(options.dtype);
  return finish(filled(shape, options.dtype ?? 'float32', 0), options);
}

/**
 * A tensor filled with ones (float32 unless `dtype` says otherwise).
 *
 * @example
 * ```ts
 * console.log(torch.ones([2, 2], { requiresGrad: true }));
 * ```
 * ```text
 * tensor([[1., 1.],
 *         [1., 1.]], requires_grad=True)
 * ```
 */
export function ones(...args: SizeArgs): Tensor {
  const { shape, options } = sizeAndOptions(args);
  checkDType(options.dtype);
  return finish(filled(shape, options.dtype ?? 'float32', 1), options);
}

/** Uninitialised in PyTorch; zeros here (typed arrays start zeroed). */
export function empty(...args: SizeArgs): Tensor {
  return zeros(...args);
}

/**
 * A tensor filled with `fillValue`; the dtype is inferred from it (integer gives int64) unless given.
 *
 * @example
 * ```ts
 * console.log(torch.full([2, 2], 7));
 * console.log(torch.full([3], 0.5));
 * ```
 * ```text
 * tensor([[7, 7],
 *         [7, 7]])
 * tensor([0.5000, 0.5000, 0.5000])
 * ```
 */
export function full(
  size: number | readonly number[],
  fillValue: number | boolean,
  options: TensorOptions = {},
): Tensor {
  if (typeof fillValue !== 'number' && typeof fillValue !== 'boolean') {
    throw new TorchTypeError(`full(): argument 'fill_value' (position 2) must be Number, not ${pyTypeName(fillValue)}`);
  }
  options ??= {};
  checkDType(options.dtype);
  const shape = parseSizeArgs([size]);
  const inferred: DType = typeof fillValue === 'boolean' ? 'bool' : Number.isInteger(fillValue) ? 'int64' : 'float32';
  const dtype = options.dtype ?? inferred;
  let value = Number(fillValue);
  if (dtype === 'bool') value = value !== 0 ? 1 : 0;
  else if (dtype === 'int32' || dtype === 'int64') value = checkedIntegerValue(value, dtype, cTypeName(dtype));
  return finish(filled(shape, dtype, value), options);
}

/**
 * Zeros of `t`'s shape and dtype (`zeros_like`).
 *
 * @example
 * ```ts
 * console.log(torch.zerosLike(torch.tensor([[1, 2, 3]])));
 * ```
 * ```text
 * tensor([[0, 0, 0]])
 * ```
 */
export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: options.dtype ?? t.dtype, requiresGrad: options.requiresGrad });
}

/** Ones of `t`'s shape and dtype (`ones_like`). */
export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return ones(t.shape, { dtype: options.dtype ?? t.dtype, requiresGrad: options.requiresGrad });
}

/** An uninitialised tensor of `t`'s shape and dtype (`empty_like`; zeroed here). */
export function emptyLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return zerosLike(t, options);
}

/** `fillValue` in `t`'s shape and dtype (`full_like`). */
export function fullLike(t: Tensor, fillValue: number | boolean, options: TensorOptions = {}): Tensor {
  return full(t.shape, fillValue, { dtype: options.dtype ?? t.dtype, requiresGrad: options.requiresGrad });
}

/**
 * A 2-D tensor with ones on the diagonal: `n` by `n`, or `n` by `m`.
 *
 * @example
 * ```ts
 * console.log(torch.eye(3));
 * console.log(torch.eye(2, 3, { dtype: 'int64' }));
 * ```
 * ```text
 * tensor([[1., 0., 0.],
 *         [0., 1., 0.],
 *         [0., 0., 1.]])
 * tensor([[1, 0, 0],
 *         [0, 1, 0]])
 * ```
 */
export function eye(n: number, m?: number | TensorOptions, options: TensorOptions = {}): Tensor {
  checkIntArg(n, 'eye', 'n', 1);
  if (typeof m === 'number') checkIntArg(m, 'eye', 'm', 2);
  const cols = typeof m === 'number' ? m : n;
  const opts = (typeof m === 'object' && m !== null ? m : options) ?? {};
  if (n < 0) throw new RuntimeError(`n must be greater or equal to 0, got ${n}`);
  if (cols < 0) throw new RuntimeError(`m must be greater or equal to 0, got ${cols}`);
  const t = filled([n, cols], opts.dtype ?? 'float32', 0);
  for (let i = 0; i < Math.min(n, cols); i++) t._array[i * cols + i] = 1;
  return finish(t, opts);
}

function inferShape(data: NestedArray, dim = 0, shape: number[] = []): number[] {
  if (Array.isArray(data)) {
    shape[dim] = data.length;
    if (data.length > 0) inferShape(data[0] as NestedArray, dim + 1, shape);
  }
  return shape;
}

/**
 * `torch.tensor(data, { dtype, requiresGrad })`, inferring the dtype as described in the README.
 *
 * @example
 * ```ts
 * console.log(torch.tensor([[1, 2], [3, 4]]));
 * console.log(torch.tensor([0.5, 2]));
 * console.log(torch.tensor([1, 2], { dtype: 'float64' }));
 * console.log(torch.tensor(3.5));
 * ```
 * ```text
 * tensor([[1, 2],
 *         [3, 4]])
 * tensor([0.5000, 2.0000])
 * tensor([1., 2.], dtype=torch.float64)
 * tensor(3.5000)
 * ```
 */
export function tensor(data: NestedArray | TypedArray | Tensor, options: TensorOptions = {}): Tensor {
  options ??= {};
  checkDType(options.dtype);
  if (data instanceof Tensor) return finish(data.detach().to(options.dtype ?? data.dtype, { copy: true }), options);
  if (ArrayBuffer.isView(data)) return finish(fromArray(data, undefined, { dtype: options.dtype }).clone(), options);
  const shape = inferShape(data);
  const flat: (number | boolean | bigint)[] = [];
  const walk = (x: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(x)) throw new RuntimeError(`expected a number at dim ${dim}, got a sequence`);
      flat.push(x as number | boolean | bigint);
      return;
    }
    if (!Array.isArray(x))
      throw new TorchTypeError(`not a sequence (expected a sequence of length ${shape[dim]} at dim ${dim})`);
    if (x.length !== shape[dim])
      throw new ValueError(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${x.length})`);
    for (const v of x) walk(v as NestedArray, dim + 1);
  };
  walk(data, 0);
  let dtype = options.dtype;
  if (dtype === undefined) {
    if (options.requiresGrad) dtype = 'float32';
    else if (flat.length > 0 && flat.every((v) => typeof v === 'boolean')) dtype = 'bool';
    else if (flat.every((v) => typeof v === 'bigint' || typeof v === 'boolean' || Number.isInteger(v)))
      dtype = flat.length ? 'int64' : 'float32';
    else dtype = 'float32';
  }
  for (const v of flat) {
    if (typeof v === 'string') throw new ValueError("too many dimensions 'str'");
    if (typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'bigint') {
      throw new RuntimeError(`Could not infer dtype of ${v === null || v === undefined ? 'NoneType' : typeof v}`);
    }
  }
  const t = filled(shape, dtype, 0);
  const arr = t._array;
  for (let i = 0; i < flat.length; i++) {
    const n = Number(flat[i]);
    arr[i] =
      dtype === 'bool'
        ? n !== 0
          ? 1
          : 0
        : dtype === 'int32' || dtype === 'int64'
          ? checkedIntegerValue(n, dtype, dtype)
          : n;
  }
  return finish(t, options);
}

/**
 * Wraps a typed array as a tensor of `shape` (1-D by default). Float32Array, Float64Array and Int32Array are
 * shared without a copy (as `torch.from_numpy`); other integer arrays are copied into int64.
 *
 *
 * @example
 * ```ts
 * const data = new Float32Array([1, 2, 3, 4, 5, 6]);
 * const x = torch.fromArray(data, [2, 3]);
 * data[0] = 100;
 * console.log(x);
 * ```
 * ```text
 * tensor([[100.,   2.,   3.],
 *         [  4.,   5.,   6.]])
 * ```
 */
export function fromArray(array: ArrayBufferView, shape?: readonly number[], options: { dtype?: DType } = {}): Tensor {
  const n = (array as unknown as ArrayLike<number>).length;
  const dims = shape ? parseSizeArgs([shape]) : [n];
  const total = dims.reduce((a, b) => a * b, 1);
  if (total !== n) throw new RuntimeError(`shape '${formatShape(dims)}' is invalid for input of size ${n}`);
  const native: DType | null =
    array instanceof Float32Array
      ? 'float32'
      : array instanceof Float64Array
        ? 'float64'
        : array instanceof Int32Array
          ? 'int32'
          : null;
  if (native !== null && (options.dtype === undefined || options.dtype === native)) {
    return new Tensor(array as TypedArray, dims, native);
  }
  const dtype = options.dtype ?? 'int64';
  const t = filled(dims, dtype, 0);
  const src = array as unknown as ArrayLike<number | bigint>;
  const integral = dtype === 'int32' || dtype === 'int64';
  for (let i = 0; i < n; i++)
    t._array[i] = integral ? checkedIntegerValue(Number(src[i]), dtype, dtype) : Number(src[i]);
  return t;
}
