/**
 * `torch.testing.assertClose`: PyTorch's `torch.testing.assert_close` for tests, with its default tolerances
 * per dtype, its checks (shape, dtype) and its messages.
 */
import { type DType, type TypedArray, isFloatingPoint } from './dtype.js';
import { AssertionError, ValueError } from './errors.js';
import { pyFloat } from './python-format.js';
import { shapesEqual } from './shape.js';
import { Tensor } from './tensor.js';
import { tensor } from './creation.js';
import type { NestedArray } from './tensor-types.js';

export interface AssertCloseOptions {
  /** Relative tolerance; give it together with `atol` (PyTorch's defaults per dtype otherwise). */
  rtol?: number;
  /** Absolute tolerance; give it together with `rtol`. */
  atol?: number;
  /** NaN in the same place in both counts as close (default false). */
  equalNan?: boolean;
  /** Both must have the same dtype (default true). */
  checkDtype?: boolean;
  /**
   * The message to fail with instead of the one made from the comparison, or a function of that message that
   * returns the one to fail with (PyTorch's `msg`, a string or a callable).
   */
  msg?: string | ((generated: string) => string);
}

/**
 * What can be compared: tensors, numbers, typed arrays (as PyTorch takes NumPy arrays: a `Float32Array` compares as
 * float32), or nested arrays of numbers (made into tensors as `torch.tensor` makes them).
 */
export type Comparable = Tensor | TypedArray | NestedArray;

/** PyTorch's default (rtol, atol): float32 (1.3e-6, 1e-5), float64 (1e-7, 1e-7), integers and bool exact. */
const DEFAULT_TOLERANCES: Readonly<Record<DType, readonly [number, number]>> = {
  float32: [1.3e-6, 1e-5],
  float64: [1e-7, 1e-7],
  int32: [0, 0],
  int64: [0, 0],
  bool: [0, 0],
};

/**
 * Passes when `|actual - expected| <= atol + rtol * |expected|` holds elementwise (and shapes and dtypes match);
 * else throws an `AssertionError` saying how many elements differ and where the greatest difference is.
 */
export function assertClose(actual: Comparable, expected: Comparable, options: AssertCloseOptions = {}): void {
  if ((options.rtol === undefined) !== (options.atol === undefined)) {
    throw new ValueError(
      `Both 'rtol' and 'atol' must be either specified or omitted, but got no ${options.rtol === undefined ? 'rtol' : 'atol'}.`,
    );
  }
  const a = asTensor(actual);
  const e = asTensor(expected);
  const fail = (text: string): never => {
    const { msg } = options;
    throw new AssertionError(msg === undefined ? text : typeof msg === 'string' ? msg : msg(text));
  };
  if (!shapesEqual(a.shape, e.shape)) {
    fail(`The values for attribute 'shape' do not match: ${String(a.shape)} != ${String(e.shape)}.`);
  }
  if ((options.checkDtype ?? true) && a.dtype !== e.dtype) {
    fail(`The values for attribute 'dtype' do not match: torch.${a.dtype} != torch.${e.dtype}.`);
  }
  const [rtol, atol] =
    options.rtol !== undefined ? [options.rtol, options.atol as number] : defaultTolerances(a.dtype, e.dtype);
  const equalNan = options.equalNan ?? false;
  const av = a.contiguous().toArray();
  const ev = e.contiguous().toArray();
  // As PyTorch: floats compared in float64; integers and bool as int64, their relative difference a true
  // division in the default dtype (float32). Only mismatched elements count for the greatest differences.
  const integral = !isFloatingPoint(a.dtype) && !isFloatingPoint(e.dtype);
  let mismatched = 0;
  let worstAbs = 0;
  let worstAbsAt = 0;
  let worstRel = 0;
  let worstRelAt = 0;
  for (let i = 0; i < ev.length; i++) {
    const x = Number(av[i]);
    const y = Number(ev[i]);
    if (x === y || (equalNan && Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= atol + rtol * Math.abs(y))
      continue;
    mismatched++;
    const abs = Math.abs(x - y);
    const rel = integral ? Math.fround(abs / Math.abs(y)) : abs / Math.abs(y);
    // torch.max: the greatest, a NaN over anything, the first of equals.
    if (mismatched === 1 || (Number.isNaN(abs) && !Number.isNaN(worstAbs)) || abs > worstAbs)
      [worstAbs, worstAbsAt] = [abs, i];
    if (mismatched === 1 || (Number.isNaN(rel) && !Number.isNaN(worstRel)) || rel > worstRel)
      [worstRel, worstRelAt] = [rel, i];
  }
  if (mismatched === 0) return;
  const exact = rtol === 0 && atol === 0;
  const allowed = (tol: number) => (exact ? '' : ` (up to ${pyFloat(tol)} allowed)`);
  const absText = integral ? String(worstAbs) : pyFloat(worstAbs);
  if (a.ndim === 0) {
    fail(
      `Scalars are not ${exact ? 'equal' : 'close'}!\n\nAbsolute difference: ${absText}${allowed(atol)}\nRelative difference: ${pyFloat(worstRel)}${allowed(rtol)}`,
    );
  }
  const total = ev.length;
  fail(
    `Tensor-likes are not ${exact ? 'equal' : 'close'}!\n\n` +
      `Mismatched elements: ${mismatched} / ${total} (${((100 * mismatched) / total).toFixed(1)}%)\n` +
      `Greatest absolute difference: ${absText} at index ${indexText(worstAbsAt, a.shape)}${allowed(atol)}\n` +
      `Greatest relative difference: ${pyFloat(worstRel)} at index ${indexText(worstRelAt, a.shape)}${allowed(rtol)}`,
  );
}

function asTensor(x: Comparable): Tensor {
  if (x instanceof Tensor) return x.detach();
  // A JavaScript number is a Python float (JavaScript cannot tell 1 from 1.0).
  if (typeof x === 'number') return tensor(x, { dtype: 'float64' });
  return tensor(x);
}

function defaultTolerances(a: DType, b: DType): [number, number] {
  const [ra, aa] = DEFAULT_TOLERANCES[a];
  const [rb, ab] = DEFAULT_TOLERANCES[b];
  return [Math.max(ra, rb), Math.max(aa, ab)];
}

/** A flat position as Python's index tuple: `(1,)`, `(1, 2)`. */
function indexText(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(flat % shape[d]);
    flat = Math.floor(flat / shape[d]);
  }
  return index.length === 1 ? `(${index[0]},)` : `(${index.join(', ')})`;
}
