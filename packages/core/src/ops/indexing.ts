/** Index-driven ops: gather/scatter, index_select, masks, one_hot, sort and topk. */
import { IndexError, RuntimeError } from '../errors.js';
import { broadcastShapes, formatShape, normalizeDim, numel } from '../shape.js';
import { recordOp } from '../autograd/record.js';
import { Tensor } from '../tensor.js';
import { checkIntArg, checkTensorArg, empty, toTensor } from './util.js';
import { type ValuesIndices, valuesIndices } from './reduce.js';
import { trailingOptions } from '../python-args.js';

function checkIndexDType(index: Tensor, op: string): void {
  if (index.dtype !== 'int64') throw new RuntimeError(`${op}(): Expected dtype int64 for index`);
}

/**
 * Walks every element of `index` (any strides), calling `visit(position, value, srcOffset)` where position is
 * the row-major position in index and srcOffset the offset in `target` (strides tStrides) of the element with
 * index's coordinates but the index value along `dim`.
 */
function walkIndex(
  index: Tensor,
  dim: number,
  dimSize: number,
  tStrides: readonly number[],
  tOffset: number,
  op: string,
  visit: (pos: number, offset: number) => void,
): void {
  const shape = index._shape;
  const n = numel(shape);
  const idx = index.contiguousArray();
  const nd = shape.length;
  const coord = new Array<number>(nd).fill(0);
  let base = tOffset;
  for (let p = 0; p < n; p++) {
    const v = idx[p];
    // PyTorch's gather, scatter and index_select take no negative indices.
    if (v < 0 || v >= dimSize) {
      if (op === 'index_select') throw new IndexError('index out of range in self');
      throw new RuntimeError(`index ${v} is out of bounds for dimension ${dim} with size ${dimSize}`);
    }
    visit(p, base + v * tStrides[dim]);
    for (let d = nd - 1; d >= 0; d--) {
      coord[d]++;
      if (d !== dim) base += tStrides[d];
      if (coord[d] < shape[d]) break;
      if (d !== dim) base -= tStrides[d] * shape[d];
      coord[d] = 0;
    }
  }
}

function checkIndexShape(op: string, self: Tensor, dim: number, index: Tensor, src?: Tensor): void {
  if (index.ndim !== self.ndim && !(index.ndim <= 1 && self.ndim <= 1)) {
    throw new RuntimeError(`Index tensor must have the same number of dimensions as ${src ? 'self' : 'input'} tensor`);
  }
  for (let d = 0; d < index.ndim; d++) {
    if (d !== dim && index._shape[d] > (self._shape[d] ?? 1)) {
      throw new RuntimeError(
        `Size does not match at dimension ${d} expected index ${formatShape(index._shape)} to be smaller than self ${formatShape(self._shape)} apart from dimension ${dim}`,
      );
    }
    if (src && index._shape[d] > (src._shape[d] ?? 1)) {
      throw new RuntimeError(
        `Expected index ${formatShape(index._shape)} to be smaller than self ${formatShape(self._shape)} apart from dimension ${dim} and to be smaller size than src ${formatShape(src._shape)}`,
      );
    }
  }
  void op;
}

/**
 * A new tensor of `shape` holding, at each position p of `index`, self's element at index[p] along dim d (and p's
 * own coordinates along the others): the forward of gather, and of index_select with its index expanded.
 */
function gatherValues(self: Tensor, d: number, index: Tensor, shape: readonly number[], op: string): Tensor {
  const out = empty(shape, self.dtype);
  const src = self._array;
  const o = out._array;
  const strides = self.ndim ? self._strides : [1];
  walkIndex(index, d, self._shape[d] ?? 1, strides, self._offset, op, (p, off) => (o[p] = src[off]));
  return out;
}

export function gather(self: Tensor, dim: number, index: Tensor): Tensor {
  checkTensorArg(index, 'gather', 'index', 2);
  checkIndexDType(index, 'gather');
  const d = normalizeDim(dim, self.ndim);
  checkIndexShape('gather', self, d, index);
  const out = gatherValues(self, d, index, index._shape, 'gather');
  const inShape = self.shape;
  recordOp('GatherBackward0', [self], out, (save) => {
    const si = save(index);
    return ([g]) => [empty(inShape, g.dtype).scatterAdd(d, si(), g)];
  });
  return out;
}

function scatterInto(out: Tensor, d: number, index: Tensor, src: Tensor | number, accumulate: boolean): void {
  const o = out._array;
  const srcT = typeof src === 'number' ? null : src.contiguousArray();
  const srcShape = typeof src === 'number' ? null : src._shape;
  // src is read at index's coordinates; it may be larger than index.
  const srcStrides = srcShape ? srcShape.map((_, k) => numel(srcShape.slice(k + 1))) : [];
  const shape = index._shape;
  const coord = new Array<number>(shape.length).fill(0);
  walkIndex(index, d, out._shape[d] ?? 1, out.ndim ? out._strides : [1], out._offset, 'scatter', (_p, off) => {
    let v: number;
    if (srcT === null) v = src as number;
    else {
      let so = 0;
      for (let k = 0; k < coord.length; k++) so += coord[k] * srcStrides[k];
      v = srcT[so];
    }
    o[off] = accumulate ? o[off] + v : v;
    for (let k = shape.length - 1; k >= 0; k--) {
      coord[k]++;
      if (coord[k] < shape[k]) break;
      coord[k] = 0;
    }
  });
}

export function scatter(self: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  checkTensorArg(index, 'scatter', 'index', 2);
  checkIndexDType(index, 'scatter');
  const d = normalizeDim(dim, self.ndim);
  checkIndexShape('scatter', self, d, index, typeof src === 'number' ? undefined : src);
  const out = self.detach().clone();
  const source = typeof src === 'number' ? src : src.dtype === self.dtype ? src : src.to(self.dtype);
  scatterInto(out, d, index, source, false);
  if (typeof src === 'number') {
    recordOp('ScatterBackward1', [self], out, (save) => {
      const si = save(index);
      return ([g]) => [g.scatter(d, si(), 0)];
    });
  } else {
    recordOp('ScatterBackward0', [self, src], out, (save, needs) => {
      const si = save(index);
      return ([g]) => [needs[0] && g.scatter(d, si(), 0), needs[1] && g.gather(d, si())];
    });
  }
  return out;
}

export function scatterAdd(self: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkTensorArg(index, 'scatter_add', 'index', 2);
  checkTensorArg(src, 'scatter_add', 'src', 3);
  checkIndexDType(index, 'scatter_add');
  const d = normalizeDim(dim, self.ndim);
  checkIndexShape('scatter_add', self, d, index, src);
  const out = self.detach().clone();
  scatterInto(out, d, index, src.dtype === self.dtype ? src : src.to(self.dtype), true);
  recordOp('ScatterAddBackward0', [self, src], out, (save, needs) => {
    const si = save(index);
    return ([g]) => [needs[0] && g, needs[1] && g.gather(d, si())];
  });
  return out;
}

export function indexSelect(self: Tensor, dim: number, index: Tensor): Tensor {
  checkTensorArg(index, 'index_select', 'index', 2);
  if (index.ndim > 1) throw new IndexError('index_select(): Index is supposed to be a vector');
  if (index.dtype !== 'int64' && index.dtype !== 'int32')
    throw new RuntimeError('index_select(): Expected dtype int32 or int64 for index');
  const d = normalizeDim(dim, self.ndim);
  const idx = index.reshape(-1);
  const shape = [...self._shape];
  if (self.ndim > 0) shape[d] = idx.numel();
  const expandShape = shape.map((s, k) => (k === d ? s : 1));
  const full = idx
    .to('int64')
    .reshape(self.ndim ? expandShape : [-1])
    .expand(self.ndim ? shape : [idx.numel()]);
  const out = gatherValues(self, d, full, shape, 'index_select');
  const inShape = self.shape;
  recordOp('IndexSelectBackward0', [self], out, () => ([g]) => [empty(inShape, g.dtype).scatterAdd(d, full, g)]);
  return out;
}

export function maskedFill(self: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  checkTensorArg(mask, 'masked_fill', 'mask', 1);
  if (mask.dtype !== 'bool')
    throw new RuntimeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  const v = toTensor(value);
  if (v.ndim !== 0) {
    throw new RuntimeError(
      `masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${v.ndim} dimension(s).`,
    );
  }
  const shape = broadcastShapes(self._shape, mask._shape);
  if (shape.length !== self.ndim || shape.some((s, i) => s !== self._shape[i])) {
    throw new RuntimeError(
      `The size of tensor a (${self._shape.at(-1)}) must match the size of tensor b (${mask._shape.at(-1)}) at non-singleton dimension ${self.ndim - 1}`,
    );
  }
  const out = self.detach().clone();
  const m = mask.expand(shape).contiguousArray();
  const fill = v.item();
  const o = out._array;
  for (let i = 0; i < o.length; i++) if (m[i]) o[i] = fill;
  // masked_fill.Scalar and masked_fill.Tensor are two overloads with two node names.
  recordOp(value instanceof Tensor ? 'MaskedFillBackward1' : 'MaskedFillBackward0', [self, v], out, (save, needs) => {
    const sm = save(mask);
    return ([g]) => [needs[0] && g.maskedFill(sm(), 0), needs[1] && g.maskedSelect(sm()).sum()];
  });
  return out;
}

export function maskedSelect(self: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== 'bool') throw new RuntimeError(`masked_select: expected BoolTensor for mask`);
  const shape = broadcastShapes(self._shape, mask._shape);
  const x = self.expand(shape).contiguousArray();
  const m = mask.expand(shape).contiguousArray();
  const picked: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i]) picked.push(x[i]);
  const out = empty([picked.length], self.dtype);
  out._array.set(picked);
  const inShape = self.shape;
  recordOp('MaskedSelectBackward0', [self], out, (save) => {
    const sm = save(mask);
    return ([g]) => [maskedScatter(g, sm().expand(shape), shape).sumToSize(inShape)];
  });
  return out;
}

/** Zeros of `shape` with the values of `src` placed, in order, where `mask` is true (differentiable in src). */
function maskedScatter(src: Tensor, mask: Tensor, shape: number[]): Tensor {
  const out = empty(shape, src.dtype);
  const m = mask.contiguousArray();
  const s = src.contiguousArray();
  for (let i = 0, k = 0; i < m.length; i++) if (m[i]) out._array[i] = s[k++];
  recordOp('MaskedScatterBackward0', [src], out, () => ([g]) => [g.maskedSelect(mask)]);
  return out;
}

export function oneHot(self: Tensor, numClasses: number): Tensor {
  if (self.dtype !== 'int64') throw new RuntimeError('one_hot is only applicable to index tensor.');
  const values = self.contiguousArray();
  let max = -1;
  for (const v of values) {
    if (v < 0) throw new RuntimeError('Class values must be non-negative.');
    max = Math.max(max, v);
  }
  const n = numClasses === -1 ? max + 1 : numClasses;
  if (numClasses !== -1 && max >= numClasses) throw new RuntimeError('Class values must be smaller than num_classes.');
  const out = empty([...self._shape, n], 'int64');
  values.forEach((v, i) => (out._array[i * n + v] = 1));
  return out;
}

export interface SortOptions {
  dim?: number;
  descending?: boolean;
  stable?: boolean;
}
export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/**
 * `dim` and the options after it, given positionally in PyTorch's order (`sort(0, true)`: descending), in an options
 * object after the dim, or all in the options object. `at`: the arguments before `dim`, counting `self`.
 */
function dimAndOptions<O extends { dim?: number }>(
  fn: string,
  names: readonly (keyof O & string)[],
  at: number,
  args: readonly unknown[],
): [number, O] {
  const options = trailingOptions<O>(fn, ['dim', ...names], args, at, at);
  // Only an absent dim takes the default: a null one goes on to be refused, as PyTorch refuses `sort(None)`.
  const dim = args[0] === null ? (null as unknown as number) : options.dim;
  return [dim === undefined ? -1 : dim, options];
}

/** Sorts along dim: NaN counts as the largest value; equal values keep their order (a stable sort). */
export function sort(self: Tensor, ...args: unknown[]): ValuesIndices {
  const [dim, options] = dimAndOptions<SortOptions>('sort', ['descending'], 1, args);
  const d = self.ndim === 0 ? 0 : normalizeDim(dim, self.ndim);
  // Passing `stable` at all selects PyTorch's sort.stable overload, whose node is SortBackward1.
  const name = options.stable === undefined ? 'SortBackward0' : 'SortBackward1';
  return sortedSelection(self, d, self.ndim === 0 ? 1 : self._shape[d], options.descending ?? false, name);
}

export function topk(self: Tensor, k: number, ...args: unknown[]): ValuesIndices {
  const [dim, options] = dimAndOptions<TopkOptions>('topk', ['largest', 'sorted'], 2, args);
  checkIntArg(k, 'topk', 'k', 1);
  const d = self.ndim === 0 ? 0 : normalizeDim(dim, self.ndim);
  const size = self.ndim === 0 ? 1 : self._shape[d];
  if (k < 0 || k > size) throw new RuntimeError('selected index k out of range');
  return sortedSelection(self, d, k, options.largest ?? true, 'TopkBackward0');
}

function sortedSelection(self: Tensor, d: number, k: number, descending: boolean, name: string): ValuesIndices {
  const x = self.ndim === 0 ? self.reshape(1) : self;
  const moved = x.transpose(d, -1);
  const size = moved._shape[moved.ndim - 1];
  const rows = size === 0 ? 0 : moved.numel() / size;
  const vals = empty([...moved._shape.slice(0, -1), k], self.dtype);
  const idxs = empty([...moved._shape.slice(0, -1), k], 'int64');
  const src = moved.contiguousArray();
  const order = new Array<number>(size);
  const key = (v: number) => (v !== v ? Infinity : v);
  for (let r = 0; r < rows; r++) {
    const base = r * size;
    for (let i = 0; i < size; i++) order[i] = i;
    order.sort((a, b) => {
      const va = src[base + a];
      const vb = src[base + b];
      const na = va !== va;
      const nb = vb !== vb;
      if (na || nb) return na === nb ? a - b : (na ? 1 : -1) * (descending ? -1 : 1);
      const c = descending ? key(vb) - key(va) : key(va) - key(vb);
      return c !== 0 ? c : a - b;
    });
    for (let i = 0; i < k; i++) {
      vals._array[r * k + i] = src[base + order[i]];
      idxs._array[r * k + i] = order[i];
    }
  }
  let values = vals.transpose(d, -1).contiguous();
  let indices = idxs.transpose(d, -1).contiguous();
  if (self.ndim === 0) {
    values = values.reshape([]);
    indices = indices.reshape([]);
  }
  const result = new Tensor(values._array, values.shape, values.dtype);
  const inShape = self.shape;
  recordOp(name, [self], result, () => ([g]) => [self.ndim === 0 ? g : empty(inShape, g.dtype).scatter(d, indices, g)]);
  return valuesIndices(result, new Tensor(indices._array, indices.shape, 'int64'));
}
