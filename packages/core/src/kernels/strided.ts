/**
 * Strided iteration over typed arrays. Kernels know nothing of tensors: they take arrays, shapes, strides and
 * offsets and write into an output array. Broadcasting is expressed as stride 0.
 */
import type { TypedArray } from '../dtype.js';

/** Merges adjacent dims that are contiguous with each other in every operand, to shorten the loops. */
export function coalesce(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
): {
  shape: number[];
  strides: number[][];
} {
  const shp: number[] = [];
  const strs: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = shp.length - 1;
    if (last >= 0 && stridesList.every((s, k) => strs[k][last] === s[d] * shape[d])) {
      shp[last] *= shape[d];
      stridesList.forEach((s, k) => (strs[k][last] = s[d]));
    } else {
      shp.push(shape[d]);
      stridesList.forEach((s, k) => strs[k].push(s[d]));
    }
  }
  return { shape: shp, strides: strs };
}

/**
 * Steps the index `idx` over the outer dims (all but the last) to the next run, odometer fashion, and returns the
 * run's offset moved on from `s`; -1 after the last run.
 */
function nextRun(idx: number[], shape: readonly number[], strides: readonly number[], s: number): number {
  for (let d = shape.length - 2; d >= 0; d--) {
    idx[d]++;
    s += strides[d];
    if (idx[d] < shape[d]) return s;
    s -= strides[d] * shape[d];
    idx[d] = 0;
  }
  return -1;
}

/**
 * Calls `run(start, length, stride)` for each run along the last dim of a coalesced one-operand layout, in
 * row-major order, starting from `offset` (a 0-dim layout is one run of one element). The layout is not empty.
 */
function forEachStridedRun(
  c: { shape: readonly number[]; strides: readonly (readonly number[])[] },
  offset: number,
  run: (start: number, length: number, stride: number) => void,
): void {
  const nd = c.shape.length;
  const inner = nd === 0 ? 1 : c.shape[nd - 1];
  const innerStride = nd === 0 ? 0 : c.strides[0][nd - 1];
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  for (let s = offset; s >= 0; s = nextRun(idx, c.shape, c.strides[0], s)) run(s, inner, innerStride);
}

/** Copies a strided source into a contiguous destination (with a cast when the array types differ). */
export function copyStrided(
  src: TypedArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dst: TypedArray,
  dstOffset = 0,
): void {
  const c = coalesce(shape, [strides]);
  const n = c.shape.reduce((a, b) => a * b, 1);
  if (n === 0) return;
  const nd = c.shape.length;
  if (nd === 1 && c.strides[0][0] === 1) {
    if (src.constructor === dst.constructor) dst.set(src.subarray(offset, offset + n), dstOffset);
    else for (let i = 0; i < n; i++) dst[dstOffset + i] = src[offset + i];
    return;
  }
  if (nd === 2 && c.strides[0][1] !== 1 && n >= TILED_COPY_MIN) {
    copyTiled(src, c.shape[0], c.strides[0][0], c.shape[1], c.strides[0][1], offset, dst, dstOffset);
    return;
  }
  let o = dstOffset;
  const sameType = src.constructor === dst.constructor;
  forEachStridedRun(c, offset, (start, length, stride) => {
    if (sameType && stride === 1 && length >= BLOCK_COPY_MIN) {
      dst.set(src.subarray(start, start + length), o);
      o += length;
    } else {
      for (let i = 0, p = start; i < length; i++, p += stride) dst[o++] = src[p];
    }
  });
}

/**
 * The run length from which a contiguous run is copied with `TypedArray.set` (a memcpy) rather than element by
 * element: below it, making the subarray costs more than the loop it saves.
 */
const BLOCK_COPY_MIN = 64;

const TILED_COPY_MIN = 4096;
const TILE = 32;

/**
 * A 2-D strided source (a transposed matrix, typically) copied in TILE x TILE blocks, so that the reads along
 * the large stride stay within a few cache lines per block instead of one line per element.
 */
function copyTiled(
  src: TypedArray,
  rows: number,
  rowStride: number,
  cols: number,
  colStride: number,
  offset: number,
  dst: TypedArray,
  dstOffset: number,
): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, cols);
      for (let i = i0; i < i1; i++) {
        const o = dstOffset + i * cols;
        const s = offset + i * rowStride;
        for (let j = j0; j < j1; j++) dst[o + j] = src[s + j * colStride];
      }
    }
  }
}

/**
 * Writes a contiguous source into a strided destination (the inverse of copyStrided); with `add`, adds it, element
 * by element in row-major order, so that values landing on one location (an expanded destination) are summed.
 */
export function scatterStrided(
  src: ArrayLike<number>,
  srcOffset: number,
  dst: TypedArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  add = false,
): void {
  const c = coalesce(shape, [strides]);
  const n = c.shape.reduce((a, b) => a * b, 1);
  if (n === 0) return;
  if (add) {
    let o = srcOffset;
    forEachStridedRun(c, offset, (start, length, stride) => {
      for (let i = 0, p = start; i < length; i++, p += stride) dst[p] += src[o++];
    });
    return;
  }
  if (c.shape.length === 1 && c.strides[0][0] === 1 && ArrayBuffer.isView(src) && src.constructor === dst.constructor) {
    dst.set((src as TypedArray).subarray(srcOffset, srcOffset + n), offset);
    return;
  }
  let o = srcOffset;
  const sameType = ArrayBuffer.isView(src) && src.constructor === dst.constructor;
  forEachStridedRun(c, offset, (start, length, stride) => {
    if (sameType && stride === 1 && length >= BLOCK_COPY_MIN) {
      dst.set((src as TypedArray).subarray(o, o + length), start);
      o += length;
    } else {
      for (let i = 0, p = start; i < length; i++, p += stride) dst[p] = src[o++];
    }
  });
}

/**
 * Calls `body(offsets...)` once per inner run: `run(aStart, bStart, outIndex, length, aStride, bStride)`.
 * Used by the binary kernel so the innermost loop is a plain counted loop with no index math.
 */
export function forEachRun2(
  shape: readonly number[],
  aStrides: readonly number[],
  aOffset: number,
  bStrides: readonly number[],
  bOffset: number,
  run: (a: number, b: number, out: number, len: number, as: number, bs: number) => void,
): void {
  const c = coalesce(shape, [aStrides, bStrides, outStridesFor(shape)]);
  const nd = c.shape.length;
  if (nd === 0) {
    if (shape.every((s) => s !== 0)) run(aOffset, bOffset, 0, 1, 0, 0);
    return;
  }
  if (c.shape.some((s) => s === 0)) return;
  const inner = c.shape[nd - 1];
  const [sa, sb, so] = c.strides;
  const idx = new Array<number>(nd - 1).fill(0);
  let pa = aOffset;
  let pb = bOffset;
  let po = 0;
  for (;;) {
    run(pa, pb, po, inner, sa[nd - 1], sb[nd - 1]);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      pa += sa[d];
      pb += sb[d];
      po += so[d];
      if (idx[d] < c.shape[d]) break;
      pa -= sa[d] * c.shape[d];
      pb -= sb[d] * c.shape[d];
      po -= so[d] * c.shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

function outStridesFor(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}
