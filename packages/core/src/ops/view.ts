/**
 * Shape ops. The views (view, transpose, permute, expand, select, slice, narrow, squeeze, unsqueeze, split...)
 * are new metadata over the same storage and version counter; only contiguous/reshape (when they must),
 * clone, flip and repeat copy.
 */
import { IndexError, RuntimeError, TorchTypeError } from '../errors.js';
import { pyTypeName } from '../python-types.js';
import {
  dimList,
  formatShape,
  inferSize,
  isContiguous,
  normalizeDim,
  numel,
  parseSizeArgs,
  shapesEqual,
  viewStrides,
} from '../shape.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import { Tensor } from '../tensor.js';
import { checkIntArg, empty, gather, uninitialized } from './util.js';
import { cat, stack } from './join.js';

export function dimIndex(dim: number, ndim: number): number {
  return normalizeDim(dim, ndim);
}

export function flatArgs(args: readonly (number | readonly number[])[]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);
}

/**
 * `f(2, 3)` or `f([2, 3])` as a list of integers, with PyTorch's error for anything else
 * (`repeat(): argument 'repeats' must be tuple of SymInts, but found element of type float at pos 2`).
 */
export function intListArgs(args: readonly unknown[], op: string, argName: string, kind = 'SymInts'): number[] {
  const list = flatArgs(args as (number | readonly number[])[]) as unknown[];
  list.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new TorchTypeError(
        `${op}(): argument '${argName}' must be tuple of ${kind}, but found element of type ${pyTypeName(v)} at pos ${i + 1}`,
      );
    }
  });
  return list as number[];
}

/** A view of `self` with new metadata over the same storage and version counter. */
export function makeView(self: Tensor, shape: number[], strides: number[], offset: number): Tensor {
  const v = new Tensor(self._array, shape, self.dtype, strides, offset, self._version);
  v._base = self._base ?? self;
  // A view of a view keeps how its parent was made, where that is not the plain way (PyTorch's creation meta).
  if (self._viewOfMultiOutput) [v._viewOfMultiOutput, v._viewCreatedInNoGrad] = [true, false];
  else if (self._viewCreatedInNoGrad) v._viewCreatedInNoGrad = true;
  return v;
}

/** Marks the outputs of a function that returns several views (split, unbind), as PyTorch does in grad mode. */
function markMultiOutput(outs: Tensor[]): Tensor[] {
  if (isGradEnabled()) for (const t of outs) t._viewOfMultiOutput = true;
  return outs;
}

export function detach(self: Tensor): Tensor {
  return new Tensor(self._array, self.shape, self.dtype, self._strides.slice(), self._offset, self._version);
}

export function view(self: Tensor, args: readonly (number | readonly number[])[]): Tensor {
  const shape = inferSize(parseViewArgs(args), self.numel());
  const strides = viewStrides(self._shape, self._strides, shape);
  if (strides === null) {
    throw new RuntimeError(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  const out = makeView(self, shape, strides, self._offset);
  const inShape = self.shape;
  recordOp('ViewBackward0', [self], out, () => ([g]) => [g.reshape(inShape)]);
  return out;
}

function parseViewArgs(args: readonly (number | readonly number[])[]): number[] {
  const shape = flatArgs(args);
  for (const s of shape) {
    if (!Number.isInteger(s))
      throw new TorchTypeError(`view(): argument 'size' must be tuple of ints, but found element ${s}`);
  }
  return shape;
}

export function reshape(self: Tensor, args: readonly (number | readonly number[])[]): Tensor {
  const shape = inferSize(parseViewArgs(args), self.numel());
  const inShape = self.shape;
  const strides = viewStrides(self._shape, self._strides, shape);
  if (strides !== null) {
    const out = makeView(self, shape, strides, self._offset);
    recordOp('ReshapeAliasBackward0', [self], out, () => ([g]) => [g.reshape(inShape)]);
    return out;
  }
  return unsafeView(clone(self), shape);
}

/**
 * PyTorch's `_unsafe_view`: new metadata over a freshly computed contiguous result (matmul's folded products),
 * sharing its storage but not its version counter, recorded as UnsafeViewBackward0.
 */
export function unsafeView(self: Tensor, shape: readonly number[]): Tensor {
  const target = inferSize([...shape], self.numel());
  const strides = viewStrides(self._shape, self._strides, target);
  if (strides === null) throw new RuntimeError('_unsafe_view expects a contiguous input');
  const out = new Tensor(self._array, target, self.dtype, strides, self._offset);
  const inShape = self.shape;
  recordOp('UnsafeViewBackward0', [self], out, () => ([g]) => [g.reshape(inShape)]);
  return out;
}

export function flatten(self: Tensor, startDim: number, endDim: number): Tensor {
  if (self._shape.length === 0) return reshape(self, [[1]]);
  const s = normalizeDim(startDim, self._shape.length);
  const e = normalizeDim(endDim, self._shape.length);
  if (s > e) throw new RuntimeError('flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return self;
  const shape = [...self._shape.slice(0, s), numel(self._shape.slice(s, e + 1)), ...self._shape.slice(e + 1)];
  return reshape(self, [shape]);
}

export function unflatten(self: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, self._shape.length);
  const inner = inferSize(sizes, self._shape[d]);
  return view(self, [[...self._shape.slice(0, d), ...inner, ...self._shape.slice(d + 1)]]);
}

export function unsqueeze(self: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, self._shape.length + 1);
  const shape = [...self._shape];
  const strides = [...self._strides];
  const stride = d < self._shape.length ? self._shape[d] * self._strides[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  const out = makeView(self, shape, strides, self._offset);
  recordOp('UnsqueezeBackward0', [self], out, () => ([g]) => [g.squeeze(d)]);
  return out;
}

/** `nodeName` lets an op that squeezes its own fresh result in place (matmul's `squeeze_`) name the node as PyTorch does. */
export function squeeze(self: Tensor, dim?: number | readonly number[], nodeName?: string): Tensor {
  const nd = self._shape.length;
  const dims = dim === undefined ? null : new Set(dimList(dim).map((d) => normalizeDim(d, nd)));
  const shape: number[] = [];
  const strides: number[] = [];
  self._shape.forEach((s, i) => {
    if (s === 1 && (dims === null || dims.has(i))) return;
    shape.push(s);
    strides.push(self._strides[i]);
  });
  const out = makeView(self, shape, strides, self._offset);
  const inShape = self.shape;
  const name = nodeName ?? (dim === undefined ? 'SqueezeBackward0' : 'SqueezeBackward1');
  recordOp(name, [self], out, () => ([g]) => [g.reshape(inShape)]);
  return out;
}

export function transpose(self: Tensor, dim0: number, dim1: number): Tensor {
  const nd = self._shape.length;
  const a = normalizeDim(dim0, nd);
  const b = normalizeDim(dim1, nd);
  const shape = [...self._shape];
  const strides = [...self._strides];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  const out = makeView(self, shape, strides, self._offset);
  recordOp('TransposeBackward0', [self], out, () => ([g]) => [g.transpose(a, b)]);
  return out;
}

export function t(self: Tensor): Tensor {
  const nd = self._shape.length;
  if (nd > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${nd}D`);
  const out =
    nd < 2
      ? makeView(self, [...self._shape], [...self._strides], self._offset)
      : makeView(self, [self._shape[1], self._shape[0]], [self._strides[1], self._strides[0]], self._offset);
  recordOp('TBackward0', [self], out, () => ([g]) => [g.t()]);
  return out;
}

export function permute(self: Tensor, dims: readonly number[]): Tensor {
  const nd = self._shape.length;
  if (dims.length !== nd) {
    throw new RuntimeError(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${nd} is not equal to len(dims) = ${dims.length}`,
    );
  }
  const ds = dims.map((d) => normalizeDim(d, nd));
  if (new Set(ds).size !== nd) throw new RuntimeError('permute(): duplicate dims are not allowed.');
  const out = makeView(
    self,
    ds.map((d) => self._shape[d]),
    ds.map((d) => self._strides[d]),
    self._offset,
  );
  const inverse = new Array<number>(nd);
  ds.forEach((d, i) => (inverse[d] = i));
  recordOp('PermuteBackward0', [self], out, () => ([g]) => [g.permute(inverse)]);
  return out;
}

export function expand(self: Tensor, sizes: readonly number[]): Tensor {
  const nd = self._shape.length;
  if (sizes.length < nd) {
    throw new RuntimeError(
      `expand(torch.FloatTensor{${formatShape(self._shape)}}, size=${formatShape(sizes)}): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${nd})`,
    );
  }
  const lead = sizes.length - nd;
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < sizes.length; i++) {
    const j = i - lead;
    const cur = j >= 0 ? self._shape[j] : 1;
    let want = sizes[i];
    if (want === -1) {
      if (j < 0)
        throw new RuntimeError(
          `The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`,
        );
      want = cur;
    }
    if (cur !== want && cur !== 1) {
      throw new RuntimeError(
        `The expanded size of the tensor (${want}) must match the existing size (${cur}) at non-singleton dimension ${i}.  Target sizes: ${formatShape(sizes)}.  Tensor sizes: ${formatShape(self._shape)}`,
      );
    }
    shape.push(want);
    strides.push(j < 0 || (cur === 1 && want !== 1) ? 0 : self._strides[j]);
  }
  if (shapesEqual(shape, self._shape)) return self;
  const out = makeView(self, shape, strides, self._offset);
  const inShape = self.shape;
  recordOp('ExpandBackward0', [self], out, () => ([g]) => [g.sumToSize(inShape)]);
  return out;
}

export function clone(self: Tensor): Tensor {
  const out = uninitialized(self._shape, self.dtype);
  gather(self._array, self._shape, self._strides, self._offset, out._array);
  recordOp('CloneBackward0', [self], out, () => ([g]) => [g]);
  return out;
}

export function contiguous(self: Tensor): Tensor {
  return isContiguous(self._shape, self._strides) ? self : clone(self);
}

/**
 * The gradient of a view op: zeros of the input's shape with `g` written into the viewed region. It is itself
 * differentiable (its backward takes the same view of the incoming gradient), so double backward works.
 */
function embed(name: string, g: Tensor, inShape: readonly number[], viewOf: (t: Tensor) => Tensor): Tensor {
  const out = empty(inShape, g.dtype);
  noGrad(() => viewOf(out).copy_(g));
  out._version.value = 0;
  recordOp(name, [g], out, () => ([gg]) => [viewOf(gg)]);
  return out;
}

export function select(self: Tensor, dim: number, index: number): Tensor {
  const nd = self._shape.length;
  if (nd === 0) throw new IndexError('select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, nd);
  const size = self._shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError(`index ${index} is out of bounds for dimension ${d} with size ${size}`);
  }
  const i = index < 0 ? index + size : index;
  const shape = self._shape.filter((_, k) => k !== d);
  const strides = self._strides.filter((_, k) => k !== d);
  const out = makeView(self, shape, strides, self._offset + i * self._strides[d]);
  const inShape = self.shape;
  recordOp('SelectBackward0', [self], out, () => ([g]) => [
    embed('SelectBackwardBackward0', g, inShape, (z) => z.select(d, i)),
  ]);
  return out;
}

export function slice(self: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  const d = normalizeDim(dim, self._shape.length);
  if (step <= 0) throw new RuntimeError('slice step must be positive');
  const size = self._shape[d];
  const clampIndex = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const s = clampIndex(start ?? 0);
  const e = Math.max(clampIndex(end ?? size), s);
  const shape = [...self._shape];
  const strides = [...self._strides];
  shape[d] = Math.ceil((e - s) / step);
  strides[d] = self._strides[d] * step;
  const out = makeView(self, shape, strides, self._offset + s * self._strides[d]);
  const inShape = self.shape;
  recordOp('SliceBackward0', [self], out, () => ([g]) => [
    embed('SliceBackwardBackward0', g, inShape, (z) => z.slice(d, s, e, step)),
  ]);
  return out;
}

export function narrow(self: Tensor, dim: number, start: number, length: number): Tensor {
  checkIntArg(start, 'narrow', 'start', 2);
  checkIntArg(length, 'narrow', 'length', 3);
  const d = normalizeDim(dim, self._shape.length);
  const size = self._shape[d];
  const s = start < 0 ? start + size : start;
  if (s < 0 || s > size)
    throw new IndexError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  if (length < 0 || s + length > size)
    throw new RuntimeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return slice(self, d, s, s + length);
}

export function split(self: Tensor, splitSize: number | readonly number[], dim: number): Tensor[] {
  const d = normalizeDim(dim, self._shape.length);
  const size = self._shape[d];
  let sizes: number[];
  if (!(Number.isInteger(splitSize) || (Array.isArray(splitSize) && splitSize.every((s) => Number.isInteger(s))))) {
    throw new TorchTypeError(
      `split(): argument 'split_size' must be an int or a list of ints, but got ${pyTypeName(splitSize)}`,
    );
  }
  if (typeof splitSize === 'number') {
    if (splitSize <= 0 && size > 0)
      throw new RuntimeError(`split expects split_size be non-negative, but got split_size=${splitSize}`);
    sizes = [];
    for (let s = 0; s < size; s += splitSize) sizes.push(Math.min(splitSize, size - s));
    if (sizes.length === 0) sizes.push(0);
  } else {
    sizes = [...splitSize];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== size) {
      throw new RuntimeError(
        `split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=${formatShape(sizes)}`,
      );
    }
  }
  const outs = noGrad(() => {
    let start = 0;
    return sizes.map((n) => {
      const v = slice(self, d, start, start + n);
      start += n;
      return v;
    });
  });
  const name = typeof splitSize === 'number' ? 'SplitBackward0' : 'SplitWithSizesBackward0';
  recordOp(name, [self], outs, () => (grads) => [cat(grads, d)]);
  return markMultiOutput(outs);
}

export function chunk(self: Tensor, chunks: number, dim: number): Tensor[] {
  checkIntArg(chunks, 'chunk', 'chunks', 1);
  if (chunks <= 0) throw new RuntimeError('chunk expects `chunks` to be greater than 0, got: ' + chunks);
  const d = normalizeDim(dim, self._shape.length);
  // An empty dim still gives `chunks` (empty) chunks: PyTorch splits it with sizes, which keep the count.
  if (self._shape[d] === 0) return split(self, new Array<number>(chunks).fill(0), d);
  return split(self, Math.ceil(self._shape[d] / chunks), d);
}

export function unbind(self: Tensor, dim: number): Tensor[] {
  const d = normalizeDim(dim, self._shape.length);
  const outs = noGrad(() => Array.from({ length: self._shape[d] }, (_, i) => select(self, d, i)));
  recordOp('UnbindBackward0', [self], outs, () => (grads) => [stack(grads, d)]);
  return markMultiOutput(outs);
}

export function flip(self: Tensor, dims: number | readonly number[]): Tensor {
  const ds = dimList(dims).map((d) => normalizeDim(d, self._shape.length));
  const strides = [...self._strides];
  let offset = self._offset;
  for (const d of ds) {
    if (self._shape.length === 0) break; // a 0-d tensor flips to itself
    offset += (self._shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  const out = uninitialized(self._shape, self.dtype);
  gather(self._array, self._shape, strides, offset, out._array);
  recordOp('FlipBackward0', [self], out, () => ([g]) => [g.flip(ds)]);
  return out;
}

export function repeat(self: Tensor, repeats: readonly number[]): Tensor {
  if (repeats.length < self._shape.length) {
    throw new RuntimeError(
      'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor',
    );
  }
  const lead = repeats.length - self._shape.length;
  const padded = [...Array<number>(lead).fill(1), ...self._shape];
  const outShape = padded.map((s, i) => s * repeats[i]);
  const negative = outShape.find((s) => s < 0);
  if (negative !== undefined)
    throw new RuntimeError(`Trying to create tensor with negative dimension ${negative}: ${formatShape(outShape)}`);
  // Expand an interleaved view [r0, s0, r1, s1, ...] and fold each pair.
  const inter: number[] = [];
  padded.forEach((s, i) => inter.push(repeats[i], s));
  const base = noGrad(() => {
    const copy = self
      .reshape(padded.flatMap((s) => [1, s]))
      .expand(inter)
      .contiguous();
    // Repeating every dim once leaves a contiguous input as it is: the result must still be a copy of its own,
    // starting at its first element.
    return copy._array === self._array ? copy.clone() : copy;
  });
  const out = new Tensor(base._array, outShape, self.dtype);
  const inShape = self.shape;
  recordOp('RepeatBackward0', [self], out, () => ([g]) => [
    g
      .reshape(inter)
      .sum(inter.map((_, i) => i).filter((i) => i % 2 === 0))
      .reshape(inShape),
  ]);
  return out;
}

export { parseSizeArgs };
