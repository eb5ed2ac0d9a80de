/** Python's names for the types of values, as PyTorch's messages print them. */
import type { DType } from './dtype.js';
import { Tensor } from './tensor.js';

const TENSOR_TYPES: Record<DType, string> = {
  float32: 'torch.FloatTensor',
  float64: 'torch.DoubleTensor',
  int32: 'torch.IntTensor',
  int64: 'torch.LongTensor',
  bool: 'torch.BoolTensor',
};

/** `torch.typename(x)`: a tensor by its legacy type (`torch.FloatTensor`), a number as `int` or `float`. */
export function typename(x: unknown): string {
  if (x instanceof Tensor) return TENSOR_TYPES[x.dtype];
  if (x === null || x === undefined) return 'NoneType';
  if (typeof x === 'number') return Number.isInteger(x) ? 'int' : 'float';
  if (typeof x === 'string') return 'str';
  if (typeof x === 'boolean') return 'bool';
  if (Array.isArray(x)) return 'list';
  if (typeof x === 'object') return x.constructor?.name ?? 'object';
  return typeof x;
}

/** `type(x).__name__`: a class instance by its class, plain objects as `dict`, arrays as `list`, tensors as `Tensor`. */
export function pyTypeName(x: unknown): string {
  if (typeof x === 'object' && x !== null && !Array.isArray(x)) {
    const proto = Object.getPrototypeOf(x) as object | null;
    if (proto === Object.prototype || proto === null) return 'dict';
  }
  const name = typename(x);
  return name.startsWith('torch.') ? 'Tensor' : name;
}
