/**
 * PyTorch's memory-overlap rules for ops that write into a tensor (aten/src/ATen/MemoryOverlap.cpp): the
 * written-to tensor may not have several elements on one memory location (an expanded tensor), and an input may
 * not share part of its memory with it (`a.slice(0, 1).add_(a.slice(0, 0, -1))`). Either would make the result
 * depend on the order the elements are written in, so PyTorch refuses, with these messages. An input on exactly
 * the written-to tensor's elements (`a.add_(a)`), or one whose layout is too hard to tell, is allowed.
 */
import { RuntimeError } from '../errors.js';
import { overlaps } from '../kernels/argument-checks.js';
import type { Tensor } from '../tensor.js';

const INTERNAL =
  'unsupported operation: more than one element of the written-to tensor refers to a single memory location. ' +
  'Please clone() the tensor before performing the operation.';
const PARTIAL =
  'unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory ' +
  'location. Please clone() the tensor before performing the operation.';

/** Whether the elements fill a block of memory exactly once, in some order of the dims (c10's rule). */
function isNonOverlappingAndDense(t: Tensor): boolean {
  if (t.isContiguous()) return true;
  const shape = t._shape;
  const strides = t._strides;
  if (shape.length === 1) return shape[0] < 2 || strides[0] === 1;
  const dims = shape
    .map((_, d) => d)
    .sort((a, b) => (shape[a] < 2 ? 1 : 0) - (shape[b] < 2 ? 1 : 0) || strides[a] - strides[b]);
  let expected = 1;
  for (const d of dims) {
    if (shape[d] < 2) return true;
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** The address of a tensor's first element in its buffer, in bytes. */
function start(t: Tensor): number {
  return t._array.byteOffset + t._offset * t._array.BYTES_PER_ELEMENT;
}

function partiallyOverlap(out: Tensor, input: Tensor): boolean {
  if (out === input || out._array.buffer !== input._array.buffer || out.numel() === 0 || input.numel() === 0)
    return false;
  if (!isNonOverlappingAndDense(out) || !isNonOverlappingAndDense(input)) return false;
  if (!overlaps(out._array, out._offset, out.numel(), input._array, input._offset, input.numel())) return false;
  const sameSpan =
    start(out) === start(input) &&
    out.numel() * out._array.BYTES_PER_ELEMENT === input.numel() * input._array.BYTES_PER_ELEMENT;
  return !sameSpan || out._strides.some((s, d) => s !== input._strides[d]);
}

/** The written-to tensor has a dim of stride 0 over several elements (PyTorch's "yes"; other layouts pass). */
export function overlapsItself(t: Tensor): boolean {
  return !isNonOverlappingAndDense(t) && t._shape.some((n, d) => n > 1 && t._strides[d] === 0);
}

/**
 * Throws PyTorch's RuntimeError when `out` overlaps itself (unless `allowInternal`: fill_ and masked_fill_ may
 * write an expanded tensor) or partially overlaps one of `inputs`.
 */
export function checkMemoryOverlap(out: Tensor, inputs: readonly Tensor[], allowInternal = false): void {
  if (!allowInternal && overlapsItself(out)) throw new RuntimeError(INTERNAL);
  if (inputs.some((t) => partiallyOverlap(out, t))) throw new RuntimeError(PARTIAL);
}
