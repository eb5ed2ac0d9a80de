/**
 * Moving samples and batches between threads. `postMessage` copies plain data (numbers, strings, arrays,
 * plain objects, typed arrays) but not class instances, so tensors travel as `{ dtype, shape, array }` records
 * whose buffers are transferred rather than copied, and are rebuilt around the same memory on arrival.
 */
import * as torch from '@kindling/core';
import { mapNested } from './nested.js';

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
  const encodeTensor = (x: unknown): unknown => {
    if (!(x instanceof torch.Tensor)) return x;
    const array = x.toArray(); // a fresh copy that owns its buffer, so it can be transferred
    transfer.push(array.buffer as ArrayBuffer);
    const record: EncodedTensor = { [TENSOR_TAG]: true, dtype: x.dtype, shape: x.shape, array };
    return record;
  };
  return { value: mapNested(value, encodeTensor), transfer };
}

/** The inverse of `encode`: tensor records become tensors over the received arrays (no copy for float data). */
export function decode(value: unknown): unknown {
  return mapNested(
    value,
    (x) => (isEncodedTensor(x) ? torch.fromArray(x.array, x.shape, { dtype: x.dtype }) : x),
    isEncodedTensor,
  );
}

function isEncodedTensor(x: unknown): x is EncodedTensor {
  return torch.compat.isOptionsObject(x) && x[TENSOR_TAG] === true;
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
