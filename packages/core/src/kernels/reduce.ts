/**
 * Reductions over any set of dims of a strided array. A plan lists, once, the storage offset where each output
 * element's reduced sub-space starts and the relative offsets inside that sub-space; every reduction then is a
 * single pass per output element, with a plain counted loop when the sub-space is one contiguous run.
 */
import type { TypedArray } from '../dtype.js';
import { coalesce } from './strided.js';

export interface ReducePlan {
  /** Number of output elements. */
  outputs: number;
  /** Storage offset of the first reduced element, per output element (row-major over the kept dims). */
  bases: Float64Array;
  /** Number of elements reduced into each output. */
  count: number;
  /** Offsets of the reduced elements relative to a base, or null when they are one run of stride `step`. */
  inner: Float64Array | null;
  step: number;
}

function offsetsOf(shape: readonly number[], strides: readonly number[], start: number): Float64Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  if (n === 0) return out;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let off = start;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < shape[d]) break;
      off -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

export function reducePlan(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dims: readonly number[],
): ReducePlan {
  const reduced = new Set(dims);
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  shape.forEach((s, d) => {
    if (reduced.has(d)) {
      redShape.push(s);
      redStrides.push(strides[d]);
    } else {
      keptShape.push(s);
      keptStrides.push(strides[d]);
    }
  });
  const bases = offsetsOf(keptShape, keptStrides, offset);
  const c = coalesce(redShape, [redStrides]);
  const count = redShape.reduce((a, b) => a * b, 1);
  if (c.shape.length <= 1) {
    return { outputs: bases.length, bases, count, inner: null, step: c.shape.length === 0 ? 1 : c.strides[0][0] };
  }
  return { outputs: bases.length, bases, count, inner: offsetsOf(c.shape, c.strides[0], 0), step: 1 };
}

export function sumKernel(a: TypedArray, plan: ReducePlan, out: TypedArray): void {
  const { bases, count, inner, step } = plan;
  for (let o = 0; o < bases.length; o++) {
    const b = bases[o];
    let acc = 0;
    if (inner === null) {
      if (step === 1) for (let i = 0; i < count; i++) acc += a[b + i];
      else for (let i = 0, p = b; i < count; i++, p += step) acc += a[p];
    } else for (let i = 0; i < count; i++) acc += a[b + inner[i]];
    out[o] = acc;
  }
}

export function prodKernel(a: TypedArray, plan: ReducePlan, out: TypedArray): void {
  const { bases, count, inner, step } = plan;
  for (let o = 0; o < bases.length; o++) {
    let acc = 1;
    for (let i = 0; i < count; i++) acc *= a[bases[o] + (inner === null ? i * step : inner[i])];
    out[o] = acc;
  }
}

/** Max or min with the index (within the reduced elements) of the first extreme value; NaN wins, as in PyTorch. */
export function extremeKernel(
  a: TypedArray,
  plan: ReducePlan,
  isMax: boolean,
  values: TypedArray | null,
  indices: TypedArray | null,
): void {
  const { bases, count, inner, step } = plan;
  for (let o = 0; o < bases.length; o++) {
    const b = bases[o];
    let best = a[b];
    let bestI = 0;
    if (best === best) {
      for (let i = 1; i < count; i++) {
        const v = a[b + (inner === null ? i * step : inner[i])];
        if (v !== v) {
          best = v;
          bestI = i;
          break;
        }
        if (isMax ? v > best : v < best) {
          best = v;
          bestI = i;
        }
      }
    }
    if (values) values[o] = best;
    if (indices) indices[o] = bestI;
  }
}

export function anyAllKernel(a: TypedArray, plan: ReducePlan, isAny: boolean, out: TypedArray): void {
  const { bases, count, inner, step } = plan;
  for (let o = 0; o < bases.length; o++) {
    let r = !isAny;
    for (let i = 0; i < count; i++) {
      const v = a[bases[o] + (inner === null ? i * step : inner[i])];
      if (isAny ? v !== 0 : v === 0) {
        r = isAny;
        break;
      }
    }
    out[o] = r ? 1 : 0;
  }
}
