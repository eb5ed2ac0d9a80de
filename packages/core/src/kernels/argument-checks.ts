/**
 * Argument checks for the TypeScript kernels that mirror native entries (contiguous.ts, softmax.ts, norm.ts,
 * optim.ts): the same checks, in the same order and with the same messages, as the native entries make.
 */
import type { TypedArray } from '../dtype.js';
import type { FloatArray } from './gemm.js';

/** @internal A float32 or float64 array, the element types every float kernel takes. */
export function isFloatArray(v: unknown): v is FloatArray {
  return v instanceof Float32Array || v instanceof Float64Array;
}

/** @internal */
export function checkFloatArray(v: unknown, name: string): FloatArray {
  if (!isFloatArray(v)) throw new TypeError(`argument '${name}' must be a Float32Array or Float64Array`);
  return v;
}

/** @internal An integer-valued number in [min, max]. */
export function checkInt(v: unknown, name: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`argument '${name}' must be an integer`);
  if (v < min || v > max) throw new RangeError(`argument '${name}' is ${v}, outside [${min}, ${max}]`);
  return v;
}

/** @internal */
export function checkNumber(v: unknown, name: string): number {
  if (typeof v !== 'number') throw new TypeError(`argument '${name}' must be a number`);
  return v;
}

/** @internal */
export function checkBool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`argument '${name}' must be a boolean`);
  return v;
}

/** @internal Throws unless [offset, offset + count) lies inside the array (count 0 always fits). */
export function checkSpan(a: FloatArray, name: string, offset: number, count: number): void {
  if (count === 0) return;
  if (offset > a.length || count > a.length - offset) {
    throw new RangeError(
      `argument '${name}': ${count} elements from offset ${offset} do not fit in an array of ${a.length}`,
    );
  }
}

/** @internal */
export function checkSameType(a: FloatArray, an: string, b: FloatArray, bn: string): void {
  if (a.constructor !== b.constructor)
    throw new TypeError(`arguments '${an}' and '${bn}' must have the same element type`);
}

/** @internal Whether elements [xo, xo + xn) of x and [yo, yo + yn) of y share memory. */
export function overlaps(x: TypedArray, xo: number, xn: number, y: TypedArray, yo: number, yn: number): boolean {
  if (xn === 0 || yn === 0 || x.buffer !== y.buffer) return false;
  const x0 = x.byteOffset + xo * x.BYTES_PER_ELEMENT;
  const y0 = y.byteOffset + yo * y.BYTES_PER_ELEMENT;
  return x0 < y0 + yn * y.BYTES_PER_ELEMENT && y0 < x0 + xn * x.BYTES_PER_ELEMENT;
}

/** @internal Whether elements xo of x and yo of y are the same memory. */
export function sameStart(x: FloatArray, xo: number, y: FloatArray, yo: number): boolean {
  return x.buffer === y.buffer && x.byteOffset + xo * x.BYTES_PER_ELEMENT === y.byteOffset + yo * y.BYTES_PER_ELEMENT;
}

/**
 * @internal An input of an elementwise kernel may be the output itself (in place) or lie apart from it; any other
 * overlap would make the result depend on the order of the writes, and throws.
 */
export function checkAlias(
  x: FloatArray,
  xn: string,
  xo: number,
  xCount: number,
  exact: boolean,
  out: FloatArray,
  on: string,
  oo: number,
  oCount: number,
): void {
  if (overlaps(x, xo, xCount, out, oo, oCount) && !(exact && sameStart(x, xo, out, oo))) {
    throw new RangeError(`argument '${on}' must be either '${xn}' itself or apart from it`);
  }
}

/** @internal x * y * z, throwing when it is past the largest safe integer (0 when any is 0). */
export function checkedProduct(x: number, y: number, z: number, what: string): number {
  if (x === 0 || y === 0 || z === 0) return 0;
  if (x > Number.MAX_SAFE_INTEGER / y || x * y > Number.MAX_SAFE_INTEGER / z)
    throw new RangeError(`${what} is past the largest safe integer`);
  return x * y * z;
}

/** @internal The input of a reduction along a dim: float array `a` viewed as contiguous [outer, size, inner] from aOff. */
export function checkDimInput(a: unknown, aOff: number, outer: number, size: number, inner: number): void {
  checkFloatArray(a, 'a');
  checkInt(aOff, 'aOff', 0);
  checkInt(outer, 'outer', 0);
  checkInt(size, 'size', 0);
  checkInt(inner, 'inner', 0);
}

/** @internal A reduction along a dim's element counts: outer * inner outputs of outer * size * inner inputs. */
export function dimCounts(outer: number, size: number, inner: number): { inN: number; outN: number } {
  const outN = checkedProduct(outer, inner, 1, 'outer * inner');
  const inN = checkedProduct(outer, size, inner, 'outer * size * inner');
  return { inN, outN };
}

/** @internal A count of elements: a safe integer, not negative. */
export function checkCount(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`argument '${name}' must be a non-negative integer, got ${n}`);
}

/**
 * @internal Throws unless `a` is a Float32Array/Float64Array holding at least n elements, of the element type of
 * `like` (named `likeName` in the message) when one is given.
 */
export function checkArrayLike(
  a: FloatArray,
  name: string,
  n: number,
  like: FloatArray | null,
  likeName: string,
): void {
  if (!isFloatArray(a)) throw new TypeError(`argument '${name}' must be a Float32Array or Float64Array`);
  if (like !== null && a.constructor !== like.constructor)
    throw new TypeError(`argument '${name}' must have the same element type as ${likeName}`);
  if (a.length < n) throw new RangeError(`argument '${name}': ${n} elements do not fit in an array of ${a.length}`);
}

/** An array a kernel uses: the array (null when absent), its argument name, the elements used, whether it is written. */
export type ArrayUse = readonly [FloatArray | null, string, number, boolean];

/** @internal Throws when an array that is written shares memory (over the elements used) with another array. */
export function checkDisjoint(uses: readonly ArrayUse[]): void {
  for (let i = 0; i < uses.length; i++) {
    const [a, an, ac, aw] = uses[i];
    if (a === null || ac === 0) continue;
    for (let j = i + 1; j < uses.length; j++) {
      const [b, bn, bc, bw] = uses[j];
      if (b === null || bc === 0 || !(aw || bw) || a.buffer !== b.buffer) continue;
      const a0 = a.byteOffset;
      const b0 = b.byteOffset;
      if (a0 < b0 + bc * b.BYTES_PER_ELEMENT && b0 < a0 + ac * a.BYTES_PER_ELEMENT)
        throw new RangeError(`arguments '${an}' and '${bn}' must not overlap`);
    }
  }
}

/**
 * @internal The GEMM contract (kernels/gemm.ts) checked before a backend that copies operands touches them:
 * flags, sizes, scalars, one float array type, leading dimensions at least the stored row length, and every
 * span inside its array.
 */
export function checkGemmArguments(
  transA: unknown,
  transB: unknown,
  M: unknown,
  N: unknown,
  K: unknown,
  alpha: unknown,
  A: unknown,
  aOff: unknown,
  lda: unknown,
  B: unknown,
  bOff: unknown,
  ldb: unknown,
  beta: unknown,
  C: unknown,
  cOff: unknown,
  ldc: unknown,
): void {
  const ta = checkBool(transA, 'transA');
  const tb = checkBool(transB, 'transB');
  const m = checkInt(M, 'M', 0);
  const n = checkInt(N, 'N', 0);
  const k = checkInt(K, 'K', 0);
  checkNumber(alpha, 'alpha');
  checkNumber(beta, 'beta');
  const a = checkFloatArray(A, 'A');
  const b = checkFloatArray(B, 'B');
  const c = checkFloatArray(C, 'C');
  checkSameType(a, 'A', b, 'B');
  checkSameType(a, 'A', c, 'C');
  const matrices: [FloatArray, string, unknown, string, unknown, number, number][] = [
    [a, 'A', aOff, 'lda', lda, ta ? k : m, ta ? m : k],
    [b, 'B', bOff, 'ldb', ldb, tb ? n : k, tb ? k : n],
    [c, 'C', cOff, 'ldc', ldc, m, n],
  ];
  for (const [array, name, off, ldName, ld, rows, cols] of matrices) {
    const o = checkInt(off, `${name} offset`, 0);
    const l = checkInt(ld, ldName, cols);
    checkSpan(array, name, o, rows > 0 && cols > 0 ? (rows - 1) * l + cols : 0);
  }
}
