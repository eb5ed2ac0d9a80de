/**
 * Moving samples and batches between threads. `postMessage` copies plain data (numbers, strings, arrays,
 * plain objects, typed arrays) but not class instances, so tensors travel as `{ dtype, shape, array }` records
 * whose buffers are transferred rather than copied, and are rebuilt around the same memory on arrival.
 */
import * as torch from '@kindling/core';

const TENSOR_TAG = '__kindlingTensor';

interface EncodedTensor {
  [TENSOR_TAG]: true;
  dtype: torch.DType;
  shape: number[];
  array: torch.TypedArray;
}

/** A value with its tensors replaced by transferable records, and the buffers to transfer. */
export function encode(value: unknown): { value: unknown; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const walk = (x: unknown): unknown => {
    if (x instanceof torch.Tensor) {
      const array = x.toArray(); // a fresh copy that owns its buffer, so it can be transferred
      transfer.push(array.buffer as ArrayBuffer);
      const record: EncodedTensor = { [TENSOR_TAG]: true, dtype: x.dtype, shape: x.shape, array };
      return record;
    }
    if (Array.isArray(x)) return x.map(walk);
    if (x instanceof Map) return new Map([...x].map(([k, v]) => [k, walk(v)]));
    if (isPlainObject(x)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) out[k] = walk(v);
      return out;
    }
    return x;
  };
  return { value: walk(value), transfer };
}

/** The inverse of `encode`: tensor records become tensors over the received arrays (no copy for float data). */
export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, decode(v)]));
  if (isPlainObject(value)) {
    if (value[TENSOR_TAG] === true) {
      const t = value as unknown as EncodedTensor;
      return torch.fromArray(t.array, t.shape, { dtype: t.dtype });
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decode(v);
    return out;
  }
  return value;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** An error as plain data, and back (keeping its class name and the worker's stack in the message). */
export interface EncodedError {
  name: string;
  message: string;
  stack: string;
}

export function encodeError(e: unknown): EncodedError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack ?? `${e.name}: ${e.message}` };
  return { name: 'Error', message: String(e), stack: String(e) };
}
