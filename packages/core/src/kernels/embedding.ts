/**
 * Embedding lookups over contiguous float arrays: the reference implementations of the native addon's
 * `embeddingForward` and `embeddingBackward` entries, with the same signatures, checks and results. Indices are
 * int64 data (exact integers in a Float64Array) or int32; each is checked against the table before any row moves.
 */
import { checkFloatArray, checkInt, checkSameType, checkSpan, checkedProduct, overlaps } from './argument-checks.js';
import type { FloatArray } from './gemm.js';

/** The index tensors an embedding takes: int64 (a Float64Array of exact integers) or int32. */
export type IndexArray = Float64Array | Int32Array;

function checkIndices(indices: unknown, n: number, num: number): asserts indices is IndexArray {
  if (!(indices instanceof Float64Array || indices instanceof Int32Array))
    throw new TypeError("argument 'indices' must be a Float64Array or Int32Array");
  if (n > indices.length)
    throw new RangeError(`argument 'indices': ${n} elements from offset 0 do not fit in an array of ${indices.length}`);
  for (let k = 0; k < n; k++) {
    const v = indices[k];
    if (!(v >= 0 && v < num)) throw new RangeError(`argument 'indices': index ${v} at ${k} is outside [0, ${num})`);
  }
}

/** One of an entry's two float arrays: its name, and the rows of `dim` elements it holds (`rowsName` in messages). */
interface RowsArray {
  array: FloatArray;
  name: string;
  rows: number;
  rowsName: 'n' | 'num';
}

/** Both entries' array checks: one float type, each array's rows within it, and `dst` apart from `src`. */
function checkRows(src: RowsArray, dst: RowsArray, dim: number): void {
  checkSameType(src.array, src.name, dst.array, dst.name);
  const srcN = checkedProduct(src.rows, dim, 1, `${src.rowsName} * dim`);
  const dstN = checkedProduct(dst.rows, dim, 1, `${dst.rowsName} * dim`);
  checkSpan(src.array, src.name, 0, srcN);
  checkSpan(dst.array, dst.name, 0, dstN);
  if (overlaps(src.array, 0, srcN, dst.array, 0, dstN))
    throw new RangeError(`argument '${dst.name}' must not overlap '${src.name}'`);
}

/** embeddingForward's checks, before anything is written: arrays, sizes, spans, no overlap, every index in range. */
export function checkEmbeddingForward(...args: Parameters<typeof embeddingForward>): void {
  const [weight, num, dim, indices, n, out] = args;
  checkFloatArray(weight, 'weight');
  checkInt(num, 'num', 0);
  checkInt(dim, 'dim', 0);
  checkInt(n, 'n', 0);
  checkFloatArray(out, 'out');
  checkRows(
    { array: weight, name: 'weight', rows: num, rowsName: 'num' },
    { array: out, name: 'out', rows: n, rowsName: 'n' },
    dim,
  );
  checkIndices(indices, n, num);
}

/** out[k * dim + j] = weight[indices[k] * dim + j] for k < n and j < dim: rows of a [num, dim] table, by index. */
export function embeddingForward(
  weight: FloatArray,
  num: number,
  dim: number,
  indices: IndexArray,
  n: number,
  out: FloatArray,
): void {
  checkEmbeddingForward(weight, num, dim, indices, n, out);
  for (let k = 0; k < n; k++) out.set(weight.subarray(indices[k] * dim, indices[k] * dim + dim), k * dim);
}

/** embeddingBackward's checks, before anything is written. */
export function checkEmbeddingBackward(...args: Parameters<typeof embeddingBackward>): void {
  const [gy, indices, n, num, dim, paddingIdx, gw] = args;
  checkFloatArray(gy, 'gy');
  checkInt(n, 'n', 0);
  checkInt(num, 'num', 0);
  checkInt(dim, 'dim', 0);
  checkInt(paddingIdx, 'paddingIdx', -1);
  checkFloatArray(gw, 'gw');
  checkRows(
    { array: gy, name: 'gy', rows: n, rowsName: 'n' },
    { array: gw, name: 'gw', rows: num, rowsName: 'num' },
    dim,
  );
  checkIndices(indices, n, num);
}

/**
 * The table's gradient: gw = 0, then gw[indices[k] * dim + j] += gy[k * dim + j] for k ascending (each row's sum
 * in index order, in the arrays' precision, as PyTorch's CPU kernel adds), skipping the rows of paddingIdx
 * (-1: none).
 */
export function embeddingBackward(
  gy: FloatArray,
  indices: IndexArray,
  n: number,
  num: number,
  dim: number,
  paddingIdx: number,
  gw: FloatArray,
): void {
  checkEmbeddingBackward(gy, indices, n, num, dim, paddingIdx, gw);
  gw.fill(0, 0, num * dim);
  for (let k = 0; k < n; k++) {
    const row = indices[k];
    if (row === paddingIdx) continue;
    const g = k * dim;
    const w = row * dim;
    for (let j = 0; j < dim; j++) gw[w + j] += gy[g + j];
  }
}
