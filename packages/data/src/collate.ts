/**
 * Collation (torch.utils.data._utils.collate): turning a list of samples into a batch.
 *
 * `defaultCollate` follows PyTorch's `default_collate` rule for rule: tensors are stacked along a new first
 * dimension; numbers become a 1-D tensor; strings stay a list; arrays (tuples and lists) are transposed and
 * collated position by position; plain objects (dicts) are collated key by key. Typed arrays play the part of
 * NumPy arrays (each becomes a tensor, then they are stacked).
 *
 * JavaScript has one number type, so the int/float split is decided by value: a batch of numbers that are all
 * integers gives an int64 tensor (Python ints), any fractional value gives float64 (Python floats).
 */
import * as torch from '@kindling/core';
import { RuntimeError } from './errors.js';
import { typeName } from './dataset.js';
import { mapNested } from './nested.js';

type Tensor = torch.Tensor;

/** The type `defaultCollate` makes of a batch of `T`s. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean | bigint
    ? Tensor
    : T extends string
      ? string[]
      : T extends ArrayBufferView
        ? Tensor
        : T extends readonly unknown[]
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T extends object
            ? { [K in keyof T]: Collated<T[K]> }
            : T;

const ERR_FORMAT = 'default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found ';

/** PyTorch's default_collate. */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch) as Collated<T>;
}

function collate(batch: readonly unknown[]): unknown {
  const elem = batch[0];
  if (elem instanceof torch.Tensor) return stackTensors(batch as Tensor[]);
  if (isTypedArray(elem)) return stackTensors(batch.map((a) => typedArrayToTensor(a)));
  if (typeof elem === 'number') {
    const ints = batch.every((x) => typeof x === 'number' && Number.isInteger(x));
    return torch.tensor(batch as number[], { dtype: ints ? 'int64' : 'float64' });
  }
  if (typeof elem === 'boolean' || typeof elem === 'bigint') return torch.tensor(batch as boolean[]);
  if (typeof elem === 'string') return [...batch];
  if (Array.isArray(elem)) {
    const size = elem.length;
    for (const e of batch) {
      if (!Array.isArray(e) || e.length !== size)
        throw new RuntimeError('each element in list of batch should be of equal size');
    }
    const out: unknown[] = new Array(size);
    for (let k = 0; k < size; k++) out[k] = collate(batch.map((e) => (e as unknown[])[k]));
    return out;
  }
  if (elem instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const key of elem.keys()) out.set(key, collate(batch.map((d) => (d as Map<unknown, unknown>).get(key))));
    return out;
  }
  if (torch.compat.isOptionsObject(elem)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) out[key] = collate(batch.map((d) => (d as Record<string, unknown>)[key]));
    return out;
  }
  throw new TypeError(ERR_FORMAT + typeName(elem));
}

/**
 * torch.stack(batch, 0), written as one allocation plus one `readInto` copy per tensor (a few typed-array
 * copies for a batch of images). Tensors that need autograd, or that differ in shape or dtype, go through
 * torch.stack for its history and its messages.
 */
export function stackTensors(batch: readonly Tensor[]): Tensor {
  const first = batch[0];
  const shape = first.shape;
  const dtype = first.dtype;
  const n = first.numel();
  let uniform = true;
  for (const t of batch) {
    if (t.requiresGrad || t.dtype !== dtype || !sameShape(t, shape)) {
      uniform = false;
      break;
    }
  }
  if (!uniform) return torch.stack(batch as Tensor[]);
  const out = torch.empty([batch.length, ...shape], { dtype });
  const storage = out.numpy();
  for (let i = 0; i < batch.length; i++) torch.readInto(batch[i], storage, i * n);
  return out;
}

function sameShape(t: Tensor, shape: readonly number[]): boolean {
  if (t.ndim !== shape.length) return false;
  for (let d = 0; d < shape.length; d++) if (t.size(d) !== shape[d]) return false;
  return true;
}

type AnyTypedArray = Exclude<ArrayBufferView, DataView>;

function isTypedArray(x: unknown): x is AnyTypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** A typed array as a 1-D tensor (Float32/Float64/Int32 arrays shared, other integer arrays copied into int64). */
function typedArrayToTensor(a: unknown): Tensor {
  if (!isTypedArray(a)) throw new TypeError(ERR_FORMAT + typeName(a));
  return torch.fromArray(a);
}

/**
 * PyTorch's default_convert, used when automatic batching is off (`batchSize: null`): typed arrays become
 * tensors, containers are converted element by element, everything else is returned as it is.
 */
export function defaultConvert<T>(data: T): unknown {
  return mapNested(data, (x) => (isTypedArray(x) ? torch.fromArray(x) : x));
}
