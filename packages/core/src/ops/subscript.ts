/**
 * Python subscripts, `x[...]` spelled `x.index(...)`: numbers select, `'1:3'`/`'::2'`/`':'` strings slice, `null`
 * adds an axis, `'...'` stands for the remaining dims (all views), and integer or bool tensors index
 * ("advanced indexing", a copy). As in PyTorch, the basic indices are applied first; then all index tensors are
 * broadcast together and pick elements jointly, the result's indexed dims going where the first index tensor
 * was when the index tensors are adjacent, and in front otherwise.
 */
import { IndexError } from '../errors.js';
import { broadcastShapes, contiguousStrides, formatShape, numel } from '../shape.js';
import { recordOp } from '../autograd/record.js';
import { Tensor } from '../tensor.js';
import { empty } from './util.js';
import { pyTypeName } from '../python-types.js';
import { makeView, select, slice, unsqueeze } from './view.js';

export type IndexSpec = number | string | null | Tensor;

/** A dim the ellipsis passes over. */
const PASS = Symbol('ellipsis dim');

/** A view of the whole of x, as `x[...]` gives (`AliasBackward0`). */
function alias(x: Tensor): Tensor {
  const out = makeView(x, [...x._shape], [...x._strides], x._offset);
  recordOp('AliasBackward0', [x], out, () => ([g]) => [g]);
  return out;
}

function consumes(spec: IndexSpec): number {
  if (spec === null || spec === '...') return 0;
  if (spec instanceof Tensor) return spec.dtype === 'bool' ? spec.ndim : 1;
  return 1;
}

export function index(self: Tensor, specs: readonly IndexSpec[]): Tensor {
  const ellipsis = specs.findIndex((s) => s === '...');
  const consumed = specs.reduce<number>((n, s) => n + consumes(s), 0);
  if (consumed > self._shape.length) {
    throw new IndexError(`too many indices for tensor of dimension ${self._shape.length}`);
  }
  // As Python's subscript of PyTorch 1.13: `x[...]` is an alias and the ellipsis passes over its dims. One slice
  // alone (`x[:4]`) is always a slice; among several indices (`x[:4, 1]`), one from 0 to the dim's size written
  // out, step 1, is left out, and a subscript that leaves x as it was gives an alias.
  if (specs.length === 1 && specs[0] === '...') return alias(self);
  const single = specs.length === 1;
  const expanded: (IndexSpec | typeof PASS)[] =
    ellipsis < 0
      ? [...specs]
      : [
          ...specs.slice(0, ellipsis),
          ...Array<typeof PASS>(self._shape.length - consumed).fill(PASS),
          ...specs.slice(ellipsis + 1),
        ];
  let out = self;
  let dim = 0;
  const tensors: { dim: number; index: Tensor }[] = [];
  for (const spec of expanded) {
    if (spec === PASS) dim++;
    else if (spec === null) out = unsqueeze(out, dim++);
    else if (typeof spec === 'number') out = select(out, dim, spec);
    else if (spec instanceof Tensor) {
      if (spec.dtype === 'bool' && spec.ndim === 0) {
        // x[True] adds an axis of size 1; x[False] one of size 0.
        out = unsqueeze(out, dim);
        if (!spec.item()) out = slice(out, dim, 0, 0);
        dim++;
      } else {
        tensors.push({ dim, index: spec });
        dim += consumes(spec);
      }
    } else if (typeof spec === 'string') {
      const [s, e, st] = parseSlice(spec);
      const whole = !single && (s ?? 0) === 0 && e === out._shape[dim] && st === 1;
      if (!whole) out = slice(out, dim, s, e, st);
      dim++;
    } else {
      throw new IndexError(
        `only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${pyTypeName(spec)})`,
      );
    }
  }
  if (tensors.length === 0) return out === self ? alias(self) : out;
  const indices: (Tensor | null)[] = new Array<Tensor | null>(out.ndim).fill(null);
  for (const { dim: d, index: t } of tensors) {
    if (t.dtype === 'bool') maskIndices(t, out, d).forEach((m, k) => (indices[d + k] = m));
    else if (t.dtype === 'int64' || t.dtype === 'int32') indices[d] = t;
    else throw new IndexError('tensors used as indices must be long, int, byte or bool tensors');
  }
  return advancedIndex(out, indices);
}

function parseSlice(spec: string): [number | null, number | null, number] {
  const parts = spec.split(':').map((p) => p.trim());
  if (parts.length < 2 || parts.length > 3) throw new IndexError(`invalid slice '${spec}'`);
  const num = (p: string | undefined): number | null => {
    if (p === undefined || p === '') return null;
    const v = Number(p);
    if (!Number.isInteger(v)) throw new IndexError(`invalid slice '${spec}'`);
    return v;
  };
  return [num(parts[0]), num(parts[1]), num(parts[2]) ?? 1];
}

/** A bool mask over dims [d, d + mask.ndim) as one int64 index tensor per dim (its nonzero coordinates). */
function maskIndices(mask: Tensor, x: Tensor, d: number): Tensor[] {
  for (let k = 0; k < mask.ndim; k++) {
    if (mask._shape[k] !== x._shape[d + k]) {
      throw new IndexError(
        `The shape of the mask ${formatShape(mask._shape)} at index ${k} does not match the shape of the indexed tensor ${formatShape(x._shape)} at index ${d + k}`,
      );
    }
  }
  const m = mask.contiguousArray();
  const strides = contiguousStrides(mask._shape);
  const hits: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i]) hits.push(i);
  return strides.map((s, k) => {
    const t = empty([hits.length], 'int64');
    hits.forEach((p, j) => (t._array[j] = Math.floor(p / s) % mask._shape[k]));
    return t;
  });
}

/** x[indices] for one optional index tensor per dim of x: a gather by precomputed row-major positions. */
function advancedIndex(x: Tensor, indices: (Tensor | null)[]): Tensor {
  const dims = indices.flatMap((t, d) => (t === null ? [] : [d]));
  const B = dims.reduce<number[]>((shape, d) => broadcastShapes(shape, (indices[d] as Tensor)._shape), []);
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);
  const rest = x._shape.map((_, d) => d).filter((d) => indices[d] === null);
  const before = adjacent ? rest.filter((d) => d < dims[0]) : [];
  const after = adjacent ? rest.filter((d) => d > dims[0]) : rest;
  const outShape = [...before.map((d) => x._shape[d]), ...B, ...after.map((d) => x._shape[d])];
  const xs = contiguousStrides(x._shape);
  const total = numel(outShape);
  // As PyTorch's kernel, an index is checked when an element is read through it: none is when the result is empty.
  const idx = dims.map((d) => {
    const a = (indices[d] as Tensor).expand(B).contiguousArray();
    const size = x._shape[d];
    return Float64Array.from(a, (v) => {
      if (total > 0 && (v < -size || v >= size))
        throw new IndexError(`index ${v} is out of bounds for dimension ${d} with size ${size}`);
      return v < 0 ? v + size : v;
    });
  });
  const positions = new Float64Array(total);
  const coord = new Array<number>(outShape.length).fill(0);
  const bStrides = contiguousStrides(B);
  const nb = before.length;
  for (let i = 0; i < total; i++) {
    let p = 0;
    for (let q = 0; q < nb; q++) p += coord[q] * xs[before[q]];
    let k = 0;
    for (let q = 0; q < B.length; q++) k += coord[nb + q] * bStrides[q];
    for (let j = 0; j < dims.length; j++) p += idx[j][k] * xs[dims[j]];
    for (let q = 0; q < after.length; q++) p += coord[nb + B.length + q] * xs[after[q]];
    positions[i] = p;
    for (let q = outShape.length - 1; q >= 0; q--) {
      if (++coord[q] < outShape[q]) break;
      coord[q] = 0;
    }
  }
  return take(x, positions, outShape);
}

/** out[i] = x (read row-major) at positions[i]; the backward adds the gradient back at those positions. */
function take(x: Tensor, positions: Float64Array, shape: readonly number[]): Tensor {
  const src = x.contiguousArray();
  const out = empty(shape, x.dtype);
  for (let i = 0; i < positions.length; i++) out._array[i] = src[positions[i]];
  const inShape = x.shape;
  recordOp('IndexBackward0', [x], out, () => ([g]) => [put(g, positions, inShape)]);
  return out;
}

/** Zeros of `shape` with g's values added at `positions` (index_put with accumulate); its backward is `take`. */
function put(g: Tensor, positions: Float64Array, shape: readonly number[]): Tensor {
  const src = g.contiguousArray();
  const out = empty(shape, g.dtype);
  for (let i = 0; i < positions.length; i++) out._array[positions[i]] += src[i];
  const gShape = g.shape;
  recordOp('IndexPutBackward0', [g], out, () => ([gg]) => [take(gg, positions, gShape)]);
  return out;
}
