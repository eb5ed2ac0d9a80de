/** Shape and stride arithmetic: contiguity, broadcasting, dim normalisation, view compatibility. */
import { IndexError, RuntimeError, TorchTypeError } from './errors.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  // (An index, not for-of: a torch.Size is an Array subclass, whose iterator V8 allocates.)
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** The shape as [outer, size, inner] around its dims first..last: the element counts before, of and after them. */
export function aroundDims(shape: Shape, first: number, last = first): [number, number, number] {
  return [numel(shape.slice(0, first)), numel(shape.slice(first, last + 1)), numel(shape.slice(last + 1))];
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return strides;
}

export function isContiguous(shape: Shape, strides: Shape): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (shape[i] === 0) return true;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Validates a size list: integers, none negative (PyTorch's message for the negative case). */
export function checkShape(shape: Shape): number[] {
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (typeof s !== 'number' || !Number.isInteger(s)) {
      throw new TorchTypeError(`size must be a list of integers, but got ${formatShape(shape)}`);
    }
    out[i] = s;
  }
  for (const s of out) {
    if (s < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${s}: ${formatShape(shape)}`);
  }
  return out;
}

/** Accepts sizes both ways, `f(2, 3)` and `f([2, 3])`. */
export function parseSizeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return checkShape(args[0] as number[]);
  return checkShape(args as number[]);
}

/** Wraps a possibly negative dim into [0, ndim); PyTorch's message when it is out of range. */
export function normalizeDim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim)) throw new TorchTypeError(`dim must be an integer, but got ${dim}`);
  if (dim < -n || dim >= n) {
    throw new IndexError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalises a dim list for a reduction; duplicates are an error as in PyTorch. */
/** A dim or a list of dims, as a list; a TypeError naming what came instead. */
export function dimList(dims: number | readonly number[]): number[] {
  if (typeof dims === 'number') return [dims];
  if (Array.isArray(dims)) return [...(dims as number[])];
  throw new TorchTypeError(`dim must be an int or a list of ints, but got ${dims === null ? 'None' : typeof dims}`);
}

export function normalizeDims(dims: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (dims === undefined || dims === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = dimList(dims);
  if (list.length === 0) return Array.from({ length: ndim }, (_, i) => i);
  const out = list.map((d) => normalizeDim(d, ndim));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new RuntimeError(`dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out.sort((a, b) => a - b).filter((d) => d < ndim);
}

/** The broadcast shape of two shapes, with PyTorch's message on mismatch (the last mismatching dim, as it scans). */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new RuntimeError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
      );
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if expanded to `target` (stride 0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i];
  return out;
}

/** Resolves a single -1 in a view/reshape size, with PyTorch's messages. */
export function inferSize(size: Shape, total: number): number[] {
  const out = [...size];
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === -1) {
      if (infer >= 0) throw new RuntimeError('only one dimension can be inferred');
      infer = i;
    } else if (out[i] < 0 || !Number.isInteger(out[i])) {
      throw new RuntimeError(`invalid shape dimension ${out[i]}`);
    } else known *= out[i];
  }
  if (infer >= 0) {
    if (known === 0 || total % known !== 0) {
      throw new RuntimeError(`shape '${formatShape(size)}' is invalid for input of size ${total}`);
    }
    out[infer] = total / known;
  } else if (known !== total) {
    throw new RuntimeError(`shape '${formatShape(size)}' is invalid for input of size ${total}`);
  }
  return out;
}

/**
 * Strides for viewing (shape, strides) as newShape without a copy, or null when impossible.
 * The algorithm of ATen's computeStride: chunks of old dims that are contiguous among themselves map onto
 * runs of new dims with the same element count.
 */
export function viewStrides(oldShape: Shape, oldStrides: Shape, newShape: Shape): number[] | null {
  if (oldShape.length === 0) return newShape.map(() => 1);
  const total = numel(oldShape);
  if (total === 0) return shapesEqual(oldShape, newShape) ? [...oldStrides] : contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length).fill(0);
  let viewD = newShape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= oldShape[tensorD];
    if (tensorD === 0 || (oldShape[tensorD - 1] !== 1 && oldStrides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = oldStrides[tensorD - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}
