/**
 * Ops that move, repeat, mask or pick elements by position, each with PyTorch's node: `roll`, `tril`, `triu`,
 * `rot90`, `diag` and `diagonal` (a view; their own nodes), `repeatInterleave` (an index_select, as PyTorch builds
 * it), `movedim` (a permute), `flipud`/`fliplr` (flips) and `tile` (a repeat), `pixelShuffle` and `pixelUnshuffle`;
 * and `countNonzero`.
 */
import { IndexError, RuntimeError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import { cat } from './join.js';
import { checkIntArg } from './util.js';
import { indexSelect } from './indexing.js';
import { intListArgs, makeView, permute } from './view.js';
import { constantPadNd } from './layer-ops.js';

/** `x` shifted by `shift` along dim `d`, wrapping around: the last `shift` slices come first. */
function rollDim(x: Tensor, shift: number, d: number): Tensor {
  const n = x.shape[d];
  const k = n === 0 ? 0 : ((shift % n) + n) % n;
  return k === 0 ? x.clone() : cat([x.narrow(d, n - k, k), x.narrow(d, 0, n - k)], d);
}

/**
 * `roll(shifts, dims?)`: elements shifted along each dim of `dims` by the matching shift, wrapping around; without
 * dims, over the flattened tensor, shape kept.
 */
export function roll(
  self: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[] | null,
): Tensor {
  const s = typeof shifts === 'number' ? [shifts] : [...shifts];
  const ds = dims === undefined || dims === null ? [] : typeof dims === 'number' ? [dims] : [...dims];
  s.forEach((v) => checkIntArg(v, 'roll', 'shifts', 2));
  if (ds.length === 0 ? s.length !== 1 : s.length !== ds.length)
    throw new RuntimeError(`shifts and dimensions must align. shifts: ${s.length}, dims:${ds.length}`);
  const normalized = ds.map((d) => normalizeDim(d, self.ndim));
  const out = noGrad(() =>
    normalized.length === 0
      ? rollDim(self.flatten(), s[0], 0).view(self.shape)
      : s.reduce((y, shift, i) => rollDim(y, shift, normalized[i]), self),
  );
  const back = s.map((v) => -v);
  recordOp('RollBackward0', [self], out, () => ([g]) => [roll(g, back, ds.length === 0 ? null : normalized)]);
  return out;
}

/** The matrices of the last two dims with the elements on one side of diagonal `diagonal` zeroed. */
function triangle(self: Tensor, diagonal: number, lower: boolean): Tensor {
  const name = lower ? 'tril' : 'triu';
  checkIntArg(diagonal, name, 'diagonal', 2);
  // PyTorch's IndexErrors for fewer than two dims
  if (self.ndim === 0) throw new IndexError('Dimension specified as -2 but tensor has no dimensions');
  normalizeDim(-2, self.ndim);
  const out = noGrad(() => self.contiguous().clone());
  const [rows, cols] = self.shape.slice(-2);
  const a = out._array;
  for (let base = 0; base < a.length; base += rows * cols) {
    for (let i = 0; i < rows; i++) {
      // tril keeps j - i <= diagonal, triu keeps j - i >= diagonal
      const from = lower ? Math.max(0, i + diagonal + 1) : 0;
      const to = lower ? cols : Math.min(cols, Math.max(0, i + diagonal));
      a.fill(0, base + i * cols + from, base + i * cols + Math.max(from, to));
    }
  }
  recordOp(lower ? 'TrilBackward0' : 'TriuBackward0', [self], out, () => ([g]) => [triangle(g, diagonal, lower)]);
  return out;
}

/** `tril(diagonal = 0)`: the lower triangle of the last two dims, on and below `diagonal`; zeros above. */
export function tril(self: Tensor, diagonal = 0): Tensor {
  return triangle(self, diagonal, true);
}

/** `triu(diagonal = 0)`: the upper triangle of the last two dims, on and above `diagonal`; zeros below. */
export function triu(self: Tensor, diagonal = 0): Tensor {
  return triangle(self, diagonal, false);
}

/** `repeatInterleave(repeats, dim?)`: each slice along `dim` repeated `repeats` times (a number, or one per slice). */
export function repeatInterleave(self: Tensor, repeats: number | Tensor, dim?: number | null): Tensor {
  const x = dim === undefined || dim === null ? self.flatten() : self;
  const d = dim === undefined || dim === null ? 0 : normalizeDim(dim, self.ndim);
  const n = x.shape[d];
  let counts: number[];
  if (typeof repeats === 'number') {
    checkIntArg(repeats, 'repeat_interleave', 'repeats', 2);
    counts = new Array<number>(n).fill(repeats);
  } else {
    const given = Array.from(repeats.toArray(), Number);
    counts = given.length === 1 ? new Array<number>(n).fill(given[0]) : given;
  }
  if (counts.some((c) => c < 0)) throw new RuntimeError('repeats can not be negative');
  if (counts.length !== n) throw new RuntimeError('repeats must have the same size as input along dim');
  const index = counts.flatMap((c, i) => new Array<number>(c).fill(i));
  return indexSelect(x, d, new Tensor(Float64Array.from(index), [index.length], 'int64'));
}

/** `movedim(source, destination)`: the dims at `source` moved to `destination`, the others in their order. */
export function movedim(
  self: Tensor,
  source: number | readonly number[],
  destination: number | readonly number[],
): Tensor {
  const src = (typeof source === 'number' ? [source] : [...source]).map((d) => normalizeDim(d, self.ndim));
  const dst = (typeof destination === 'number' ? [destination] : [...destination]).map((d) =>
    normalizeDim(d, self.ndim),
  );
  if (src.length !== dst.length) {
    throw new RuntimeError(
      `movedim: Invalid source or destination dims: source ([${src.join(', ')}] dims) should contain the same number of dims as destination ([${dst.join(', ')}] dims)`,
    );
  }
  for (const [list, name] of [
    [src, 'source'],
    [dst, 'destination'],
  ] as const) {
    if (new Set(list).size !== list.length)
      throw new RuntimeError(`movedim: repeated dim in \`${name}\` ([${list.join(', ')}])`);
  }
  const order = new Array<number>(self.ndim).fill(-1);
  src.forEach((s, i) => (order[dst[i]] = s));
  const rest = Array.from({ length: self.ndim }, (_, i) => i).filter((i) => !src.includes(i));
  for (let i = 0, r = 0; i < order.length; i++) if (order[i] === -1) order[i] = rest[r++];
  return permute(self, order);
}

/** `countNonzero(dim?)`: how many elements are not zero, in all or along `dim` (int64, no gradient). */
export function countNonzero(self: Tensor, dim?: number | readonly number[]): Tensor {
  const nonzero = self.ne(0); // a bool tensor: never recorded
  return dim === undefined ? nonzero.sum() : nonzero.sum(typeof dim === 'number' ? dim : [...dim]);
}

/**
 * `diag(diagonal = 0)`: a vector's square matrix with the vector on diagonal `diagonal`, or a matrix's diagonal
 * `diagonal` as a vector.
 */
export function diag(self: Tensor, diagonal = 0): Tensor {
  checkIntArg(diagonal, 'diag', 'diagonal', 2);
  if (self.ndim !== 1 && self.ndim !== 2) throw new RuntimeError('matrix or a vector expected');
  const k = diagonal;
  const src = self.contiguousArray();
  let out: Tensor;
  if (self.ndim === 1) {
    const n = self.shape[0] + Math.abs(k);
    out = noGrad(() => zeros([n, n], { dtype: self.dtype }));
    for (let i = 0; i < self.shape[0]; i++) out._array[(k >= 0 ? i : i - k) * n + (k >= 0 ? i + k : i)] = src[i];
  } else {
    const [rows, cols] = self.shape;
    const len = Math.max(0, k >= 0 ? Math.min(rows, cols - k) : Math.min(rows + k, cols));
    out = noGrad(() => zeros([len], { dtype: self.dtype }));
    for (let i = 0; i < len; i++) out._array[i] = src[(k >= 0 ? i : i - k) * cols + (k >= 0 ? i + k : i)];
  }
  const inShape = self.shape;
  recordOp('DiagBackward0', [self], out, () => ([g]) => {
    if (inShape.length === 1) return [diag(g, k)];
    // The vector back on the matrix's diagonal: diag's square matrix, cut or padded to the input's shape.
    const square = diag(g, k);
    const n = square.shape[0];
    return [constantPadNd(square, [0, inShape[1] - n, 0, inShape[0] - n])];
  });
  return out;
}

/** The geometry of `diagonal(offset, dim1, dim2)`: its length, and where and how it walks self's storage. */
function diagonalGeometry(
  self: Tensor,
  offset: number,
  dim1: number,
  dim2: number,
): { shape: number[]; strides: number[]; offset: number } {
  const d1 = normalizeDim(dim1, self.ndim);
  const d2 = normalizeDim(dim2, self.ndim);
  if (d1 === d2) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const [n1, n2] = [self.shape[d1], self.shape[d2]];
  const length = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  const start = length === 0 ? 0 : offset >= 0 ? offset * self._strides[d2] : -offset * self._strides[d1];
  const keep = (_: number, d: number): boolean => d !== d1 && d !== d2;
  return {
    shape: [...self.shape.filter(keep), length],
    strides: [...self._strides.filter(keep), self._strides[d1] + self._strides[d2]],
    offset: self._offset + start,
  };
}

/**
 * `diagonal(offset = 0, dim1 = 0, dim2 = 1)`: a view of the elements (i, i + offset) of the matrices spanned by
 * `dim1` and `dim2`, those dims removed and the diagonal appended as the last one.
 */
export function diagonal(self: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  checkIntArg(offset, 'diagonal', 'offset', 2);
  checkIntArg(dim1, 'diagonal', 'dim1', 3);
  checkIntArg(dim2, 'diagonal', 'dim2', 4);
  const g = diagonalGeometry(self, offset, dim1, dim2);
  const out = makeView(self, g.shape, g.strides, g.offset);
  const inShape = self.shape;
  recordOp('DiagonalBackward0', [self], out, () => ([grad]) => {
    // Differentiable (a copy into a view), so that gradients of gradients flow through it.
    const gx = zeros(inShape, { dtype: grad.dtype });
    diagonal(gx, offset, dim1, dim2).copy_(grad);
    return [gx];
  });
  return out;
}

/** The rows in reverse order (a flip of dim 0). */
export function flipud(self: Tensor): Tensor {
  if (self.ndim < 1) throw new RuntimeError('Input must be >= 1-d.');
  return self.flip([0]);
}

/** The columns in reverse order (a flip of dim 1). */
export function fliplr(self: Tensor): Tensor {
  if (self.ndim < 2) throw new RuntimeError('Input must be >= 2-d.');
  return self.flip([1]);
}

/** The plane of `dims` turned by `k` quarter turns, from the first dim toward the second (`Rot90Backward0`). */
export function rot90(self: Tensor, k = 1, dims: readonly number[] = [0, 1]): Tensor {
  checkIntArg(k, 'rot90', 'k', 2);
  if (dims.length !== 2) throw new RuntimeError(`expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (self.ndim < 2) throw new RuntimeError(`expected total dims >= 2, but got total dims = ${self.ndim}`);
  const [d0, d1] = dims.map((d) => normalizeDim(d, self.ndim));
  if (d0 === d1)
    throw new RuntimeError(`expected rotation dims to be different, but got dim0 = ${d0} and dim1 = ${d1}`);
  const turns = ((k % 4) + 4) % 4;
  const out = noGrad(() => {
    if (turns === 1) return self.flip([d1]).transpose(d0, d1);
    if (turns === 2) return self.flip([d0, d1]);
    if (turns === 3) return self.flip([d0]).transpose(d0, d1);
    return self.clone();
  });
  recordOp('Rot90Backward0', [self], out, () => ([g]) => [rot90(g, -k, dims)]);
  return out;
}

/** A copy repeated `dims[i]` times along each dim, missing leading counts taken as 1 (a repeat: `RepeatBackward0`). */
export function tile(self: Tensor, dims: readonly number[]): Tensor {
  intListArgs([dims], 'tile', 'dims', 'ints');
  const counts = dims.length < self.ndim ? [...new Array<number>(self.ndim - dims.length).fill(1), ...dims] : dims;
  return self.repeat([...counts]);
}

/** `pixel_shuffle` / `pixel_unshuffle`'s checks, with PyTorch's messages. */
function checkShuffle(self: Tensor, op: 'pixel_shuffle' | 'pixel_unshuffle', factor: number): void {
  checkIntArg(factor, op, op === 'pixel_shuffle' ? 'upscale_factor' : 'downscale_factor', 2);
  if (self.ndim < 3)
    throw new RuntimeError(
      `${op} expects input to have at least 3 dimensions, but got input with ${self.ndim} dimension(s)`,
    );
  const name = op === 'pixel_shuffle' ? 'upscale_factor' : 'downscale_factor';
  if (factor <= 0) throw new RuntimeError(`${op} expects a positive ${name}, but got ${factor}`);
}

/**
 * `pixel_shuffle(r)`: (*, C·r², H, W) rearranged to (*, C, H·r, W·r), each group of r² channels spread over an
 * r × r block (`PixelShuffleBackward0`; its backward is `pixel_unshuffle`).
 */
export function pixelShuffle(self: Tensor, upscaleFactor: number): Tensor {
  checkShuffle(self, 'pixel_shuffle', upscaleFactor);
  const r = upscaleFactor;
  const lead = self.shape.slice(0, -3);
  const [c, h, w] = self.shape.slice(-3);
  if (c % (r * r) !== 0) {
    throw new RuntimeError(
      `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`,
    );
  }
  const n = lead.length;
  const out = noGrad(() =>
    self
      .reshape([...lead, c / (r * r), r, r, h, w])
      .permute([...lead.map((_, i) => i), n, n + 3, n + 1, n + 4, n + 2])
      .reshape([...lead, c / (r * r), h * r, w * r]),
  );
  recordOp('PixelShuffleBackward0', [self], out, () => ([g]) => [pixelUnshuffle(g, r)]);
  return out;
}

/** `pixel_unshuffle(r)`: the inverse of pixel_shuffle, (*, C, H·r, W·r) to (*, C·r², H, W) (`PixelUnshuffleBackward0`). */
export function pixelUnshuffle(self: Tensor, downscaleFactor: number): Tensor {
  checkShuffle(self, 'pixel_unshuffle', downscaleFactor);
  const r = downscaleFactor;
  const lead = self.shape.slice(0, -3);
  const [c, h, w] = self.shape.slice(-3);
  if (h % r !== 0)
    throw new RuntimeError(
      `pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${r}`,
    );
  if (w % r !== 0)
    throw new RuntimeError(
      `pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${r}`,
    );
  const n = lead.length;
  const out = noGrad(() =>
    self
      .reshape([...lead, c, h / r, r, w / r, r])
      .permute([...lead.map((_, i) => i), n, n + 2, n + 4, n + 1, n + 3])
      .reshape([...lead, c * r * r, h / r, w / r]),
  );
  recordOp('PixelUnshuffleBackward0', [self], out, () => ([g]) => [pixelShuffle(g, r)]);
  return out;
}
