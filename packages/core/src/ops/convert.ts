/** Conversions between dtypes and out of tensors (item, tolist, toArray), and the random in-place fills. */
import { type TypedArray, allocate, castValue, isDType, isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError, TorchTypeError, ValueError } from '../errors.js';
import { device, isCpuDevice } from '../device.js';
import { pyTypeName } from '../python-types.js';
import { pyFloat } from '../python-format.js';
import { formatTensor } from '../print.js';
import { recordOp } from '../autograd/record.js';
import { type Generator, defaultGenerator } from '../random.js';
import { fillBernoulli, fillExponential, fillNormal, fillUniform } from '../sampling.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { gather, uninitialized, worthABackendCall } from './util.js';
import { getKernelBackend } from '../kernels/registry.js';
import { isFloatArray } from '../kernels/argument-checks.js';
import { escapeStorage, uninitializedStorage } from '../storage-pool.js';
import { inplaceWrite } from './inplace.js';
import { checkMemoryOverlap } from './memory-overlap.js';

/**
 * `t.to(dtype)`: a converted copy (or `t` itself when nothing changes and no copy is asked for).
 * `record` is false when an op converts its inputs internally and records its own node.
 */
/** `target`: a dtype name, a device name (`'cpu'`), or a tensor whose dtype to take. */
export function to(t: Tensor, target: string | Tensor, copy: boolean, record = true): Tensor {
  if (typeof target === 'string' && isCpuDevice(target)) return copy ? t.clone() : t;
  const dtype = target instanceof Tensor ? target.dtype : target;
  if (!isDType(dtype)) {
    // Neither a dtype nor a device: torch.device's message names the device types.
    if (typeof dtype === 'string') device(dtype);
    throw new TorchTypeError(`to() received an invalid combination of arguments - got (${pyTypeName(dtype)})`);
  }
  if (dtype === t.dtype && !copy) return t;
  const out = uninitialized(t._shape, dtype);
  const src = t.contiguousArray();
  const dst = out._array;
  if (dtype === 'bool') for (let i = 0; i < dst.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  else if (dtype === 'int32' || dtype === 'int64')
    for (let i = 0; i < dst.length; i++) dst[i] = castValue(src[i], dtype);
  else if (worthABackendCall(dst.length) && isFloatArray(src) && isFloatArray(dst))
    getKernelBackend().cast(src, 0, dst, 0, dst.length);
  else dst.set(src);
  if (record && isFloatingPoint(dtype)) recordOp('ToCopyBackward0', [t], out, () => ([g]) => [g.to(t.dtype)]);
  return out;
}

export function item(t: Tensor): number {
  if (t.numel() !== 1) {
    throw new ValueError('only one element tensors can be converted to Python scalars');
  }
  return t._array[t._offset];
}

/**
 * A tensor where JavaScript wants a primitive. As a number (`Number(t)`, `t > 0.5`, `+t`) a one-element tensor is
 * its value, as Python's `float(t)` (`item`'s error otherwise). In a template (`${t}`) a 0-d tensor reads as
 * Python's `f'{t}'` does (`2.5`, `3`, `True`), any other as its repr.
 */
export function toPrimitive(t: Tensor, hint: 'number' | 'string' | 'default'): number | string {
  if (hint === 'string' || (hint === 'default' && t.numel() !== 1)) {
    if (t._shape.length !== 0) return repr(t);
    const v = t._array[t._offset];
    return t.dtype === 'bool' ? (v ? 'True' : 'False') : isFloatingPoint(t.dtype) ? pyFloat(v) : String(v);
  }
  return item(t);
}

/** `t.type()`: PyTorch's legacy type name, `'torch.FloatTensor'`. */
export function legacyTypeName(t: Tensor): string {
  return `torch.${scalarTypeName(t.dtype)}Tensor`;
}

/** Tensor.numpy(): the storage itself, for a contiguous tensor that does not require grad. */
export function sharedArray(t: Tensor): TypedArray {
  if (t.requiresGrad)
    throw new RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
  if (!t.isContiguous()) {
    throw new RuntimeError(
      'numpy() shares storage only for a contiguous tensor (a typed array has no strides): call t.contiguous().numpy(), which copies first',
    );
  }
  const n = t.numel();
  if (t._offset === 0 && t._array.length === n) return t._array;
  // The caller may keep a subarray of the storage after the storage array itself is collected: its memory must
  // never be reused. (The whole array needs no such care: while the caller holds it, it is not collected.)
  escapeStorage(t._array);
  return t._array.subarray(t._offset, t._offset + n);
}

export function toArray(t: Tensor): TypedArray {
  const out = allocate(t.dtype, t.numel());
  gather(t._array, t._shape, t._strides, t._offset, out);
  return out;
}

export function tolist(t: Tensor): NestedArray {
  const flat = t.contiguousArray();
  const asValue = t.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  if (t._shape.length === 0) return asValue(flat[0]);
  let pos = 0;
  const build = (d: number): NestedArray[] => {
    const n = t._shape[d];
    const out = new Array<NestedArray>(n);
    for (let i = 0; i < n; i++) out[i] = d === t._shape.length - 1 ? asValue(flat[pos++]) : build(d + 1);
    return out;
  };
  return build(0);
}

function randomFill<T extends Tensor>(t: T, name: string, fill: (out: Float32Array | Float64Array) => void): T {
  if (!isFloatingPoint(t.dtype)) {
    throw new TorchTypeError(
      `"${name}" not implemented for '${t.dtype === 'int64' ? 'Long' : t.dtype === 'int32' ? 'Int' : 'Bool'}'`,
    );
  }
  checkMemoryOverlap(t, []);
  const values = allocate(t.dtype, t.numel()) as Float32Array | Float64Array;
  fill(values);
  return inplaceWrite(t, new Tensor(values, t.shape, t.dtype));
}

export function uniform_<T extends Tensor>(t: T, from: number, to: number, gen?: Generator): T {
  return randomFill(t, 'uniform_', (out) => fillUniform(out, from, to, gen ?? defaultGenerator));
}

export function normal_<T extends Tensor>(t: T, mean: number, std: number, gen?: Generator): T {
  return randomFill(t, 'normal_', (out) => fillNormal(out, mean, std, gen ?? defaultGenerator));
}

export function exponential_<T extends Tensor>(t: T, lambd: number, gen?: Generator): T {
  return randomFill(t, 'exponential_', (out) => fillExponential(out, lambd, gen ?? defaultGenerator));
}

export function bernoulli_<T extends Tensor>(t: T, p: number, gen?: Generator): T {
  return randomFill(t, 'bernoulli_', (out) => fillBernoulli(out, p, gen ?? defaultGenerator));
}

/** The values as a contiguous array of the storage type, without a copy when the tensor is contiguous and whole. */
export function contiguousArray(t: Tensor): TypedArray {
  const n = t.numel();
  if (t.isContiguous() && t._offset === 0 && t._array.length === n) return t._array;
  const out = uninitializedStorage(t.dtype, n) ?? allocate(t.dtype, n);
  gather(t._array, t._shape, t._strides, t._offset, out);
  return out;
}

/** PyTorch's repr: the values, then `requires_grad=True` for leaves or `grad_fn=<...>` for results. */
export function repr(t: Tensor): string {
  const history = t.gradFn;
  const name = history ? history.name() : null;
  return formatTensor(
    { shape: t._shape, dtype: t.dtype, values: contiguousArray(t) },
    { requiresGrad: t.requiresGrad && name === null, gradFnName: name },
  );
}
