/** Elementwise kernels over strided (possibly broadcast) operands into a contiguous output. */
import type { TypedArray } from '../dtype.js';
import { scaledAddRun } from './fma.js';
import { forEachRun2 } from './strided.js';

export interface StridedArray {
  array: TypedArray;
  strides: readonly number[];
  offset: number;
}

export type UnaryFn = (x: number) => number;
export type BinaryFn = (x: number, y: number) => number;

/** Binary ops with a hand-written inner loop; everything else goes through a function call per element. */
export type FastBinary = 'add' | 'sub' | 'mul' | 'div';

/** The same four ops as plain functions, for runs the hand-written loops don't cover. */
export const FAST_BINARY_FN: Readonly<Record<FastBinary, BinaryFn>> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

export function unaryKernel(src: StridedArray, shape: readonly number[], out: TypedArray, f: UnaryFn): void {
  const a = src.array;
  forEachRun2(shape, src.strides, src.offset, src.strides, src.offset, (pa, _pb, po, len, sa) => {
    if (sa === 1) contiguousUnary(a, pa, out, po, len, f);
    else for (let i = 0; i < len; i++, pa += sa) out[po + i] = f(a[pa]);
  });
}

export function binaryKernel(
  x: StridedArray,
  y: StridedArray,
  shape: readonly number[],
  out: TypedArray,
  f: BinaryFn,
  fast?: FastBinary,
  /** For `fast === 'add'`: out = x + alpha * y as a fused multiply-add, one rounding (what `f` must compute too). */
  alpha = 1,
): void {
  const a = x.array;
  const b = y.array;
  forEachRun2(shape, x.strides, x.offset, y.strides, y.offset, (pa, pb, po, len, sa, sb) => {
    if (fast !== undefined && sa === 1 && (sb === 1 || sb === 0))
      contiguousBinary(a, pa, b, pb, sb, out, po, len, f, fast, alpha);
    else for (let i = 0; i < len; i++, pa += sa, pb += sb) out[po + i] = f(a[pa], b[pb]);
  });
}

/**
 * out[po + i] = f(a[pa + i], b[pb + i·sb]) for i < n, sb 0 (a broadcast scalar) or 1: one run of contiguous
 * operands, and the whole op when both are contiguous. `fast` and `alpha` as in binaryKernel.
 */
export function contiguousBinary(
  a: TypedArray,
  pa: number,
  b: TypedArray,
  pb: number,
  sb: number,
  out: TypedArray,
  po: number,
  n: number,
  f: BinaryFn,
  fast?: FastBinary,
  alpha = 1,
): void {
  if (fast === undefined) {
    if (sb === 0) {
      const s = b[pb];
      for (let i = 0; i < n; i++) out[po + i] = f(a[pa + i], s);
    } else for (let i = 0; i < n; i++) out[po + i] = f(a[pa + i], b[pb + i]);
    return;
  }
  // The hand-written loops; 'add' with an alpha other than 1 rounds a + alpha * b once (fma.ts).
  if (fast === 'add' && alpha !== 1) return scaledAddRun(a, pa, 1, b, pb, sb, out, po, n, alpha);
  if (sb === 0) {
    const s = b[pb];
    switch (fast) {
      case 'add':
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] + s;
        return;
      case 'sub':
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] - s;
        return;
      case 'mul':
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] * s;
        return;
      case 'div':
        for (let i = 0; i < n; i++) out[po + i] = a[pa + i] / s;
        return;
    }
  }
  switch (fast) {
    case 'add':
      for (let i = 0; i < n; i++) out[po + i] = a[pa + i] + b[pb + i];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[po + i] = a[pa + i] - b[pb + i];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[po + i] = a[pa + i] * b[pb + i];
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[po + i] = a[pa + i] / b[pb + i];
      return;
  }
}

/** out[po + i] = f(a[pa + i]) for i < n. */
export function contiguousUnary(a: TypedArray, pa: number, out: TypedArray, po: number, n: number, f: UnaryFn): void {
  for (let i = 0; i < n; i++) out[po + i] = f(a[pa + i]);
}

/** where(cond, x, y) over three broadcast operands already expanded to `shape` by their strides. */
export function whereKernel(
  cond: StridedArray,
  x: StridedArray,
  y: StridedArray,
  shape: readonly number[],
  out: TypedArray,
): void {
  // Two passes keep the strided walker two-operand: take x where cond, then overwrite with y elsewhere.
  const c = cond.array;
  const xa = x.array;
  const ya = y.array;
  forEachRun2(shape, cond.strides, cond.offset, x.strides, x.offset, (pc, px, po, len, sc, sx) => {
    for (let i = 0; i < len; i++, pc += sc, px += sx) if (c[pc]) out[po + i] = xa[px];
  });
  forEachRun2(shape, cond.strides, cond.offset, y.strides, y.offset, (pc, py, po, len, sc, sy) => {
    for (let i = 0; i < len; i++, pc += sc, py += sy) if (!c[pc]) out[po + i] = ya[py];
  });
}
