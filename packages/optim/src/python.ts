/**
 * Python's number semantics where PyTorch's optimizers and schedulers rely on them: `repr` of a float in
 * messages, `'{:.4e}'` in verbose output, floored `//` and `%`, `bisect_right`, and division that raises on a zero
 * divisor instead of giving Infinity.
 */
import * as torch from '@kindling/core';

/** Python's `KeyError` and `ZeroDivisionError`: core's classes, so that `err instanceof torch.KeyError` holds whichever package threw. */
export const { KeyError, ZeroDivisionError } = torch;

/** `repr(float(x))`: `1.0`, `-0.5`, `1e-08`, `1e+16`, `inf`, `nan`. */
export const pyFloat = torch.compat.pyFloat;

/** A value as Python's `str.format` shows it in PyTorch's messages: floats by `repr`, integers as integers. */
export function pyStr(x: unknown): string {
  return torch.compat.pyStr(x, { numbers: 'float' });
}

/** An integer count as Python prints an `int`. */
export function pyInt(x: number): string {
  return Number.isInteger(x) ? String(x) : pyFloat(x);
}

/** Python's `'{:.4e}'.format(x)`: round half to even on the exact binary value, two-digit exponent. */
export const formatE4 = (x: number): string => torch.compat.formatExp(x, 4);

/** Python's `a / b` on floats: raises on a zero divisor. */
export function div(a: number, b: number): number {
  if (b === 0) throw new ZeroDivisionError('float division by zero');
  return a / b;
}

/** Python's `a % b` (the result takes the divisor's sign). */
export function mod(a: number, b: number): number {
  if (b === 0) throw new ZeroDivisionError('float modulo');
  const m = a % b;
  if (m === 0) return b < 0 ? -0 : 0; // CPython: copysign(0.0, b)
  return m < 0 !== b < 0 ? m + b : m;
}

/** Python's `a // b`, CPython's float algorithm (also exact for integers). */
export function floorDiv(a: number, b: number): number {
  if (b === 0) throw new ZeroDivisionError('float divmod()');
  let m = a % b;
  let d = (a - m) / b;
  if (m !== 0 && m < 0 !== b < 0) {
    m += b;
    d -= 1;
  }
  if (d === 0) return 0;
  let f = Math.floor(d);
  if (d - f > 0.5) f += 1;
  return f;
}

/** Python's `bisect.bisect_right` on a sorted array. */
export function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const midpoint = (lo + hi) >> 1;
    if (x < sorted[midpoint]) hi = midpoint;
    else lo = midpoint + 1;
  }
  return lo;
}

/** `torch.typename(x)` and `type(x).__name__`, as core names them for its own messages. */
export const typeName = torch.typename;
export const pyTypeName = torch._pyTypeName;
