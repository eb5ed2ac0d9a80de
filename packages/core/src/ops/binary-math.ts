/**
 * The two-tensor elementwise functions of PyTorch's math library beyond the arithmetic of binary.ts: pow, atan2, fmod,
 * remainder, hypot, logaddexp, logaddexp2, xlogy and copysign, each broadcasting, with PyTorch's result dtype and
 * its backward formula (derivatives.yaml) beside it; and the comparisons within a tolerance, isclose and allclose.
 */
import { type DType, isFloatingPoint, isIntegral, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import type { BinaryFn } from '../kernels/elementwise.js';
import { pyPow } from '../kernels/pow.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { binaryForward, where } from './binary.js';
import { UnaryOp } from '../kernels/contiguous.js';
import { unaryForward } from './unary-forward.js';
import { checkTensorArg, isWrappedNumber, resultDType, toTensor } from './util.js';
import { zerosLike } from '../creation.js';

/** The promoted dtype, integers and bools computed in float32 (PyTorch's rule for atan2, xlogy, copysign). */
function floatResultDType(a: Tensor, b: Tensor): DType {
  const dtype = resultDType(a, b);
  return isFloatingPoint(dtype) ? dtype : 'float32';
}

/** The promoted dtype, which must be a float: PyTorch's error otherwise (`"hypot_cpu" not implemented for 'Long'`). */
function floatOnlyDType(a: Tensor, b: Tensor, kernel: string): DType {
  const dtype = resultDType(a, b);
  if (!isFloatingPoint(dtype)) throw new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(dtype)}'`);
  return dtype;
}

/** The two tensor operands of an op that takes no number (`atan2(): argument 'other' (position 2) must be Tensor, not int`). */
function tensorOperands(op: string, self: Tensor, other: Tensor): [Tensor, Tensor] {
  checkTensorArg(self, op, 'input', 1);
  checkTensorArg(other, op, 'other', 2);
  return [self, other];
}

/**
 * `atan2(self, other)`: the angle of the point (other, self), in (-π, π].
 *
 * @example
 * ```ts
 * console.log(torch.atan2(torch.tensor([1, -1]), torch.tensor([0, -1])));
 * ```
 * ```text
 * tensor([ 1.5708, -2.3562])
 * ```
 */
export function atan2(self: Tensor, other: Tensor): Tensor {
  const [a, b] = tensorOperands('atan2', self, other);
  const out = binaryForward(a, b, floatResultDType(a, b), Math.atan2);
  recordOp('Atan2Backward0', [a, b], out, (save) => {
    const sa = save(a);
    const sb = save(b);
    return ([g]) => {
      const recip = sa().pow(2).add(sb().pow(2)).reciprocal();
      return [g.mul(sb()).mul(recip), g.mul(sa().neg()).mul(recip)];
    };
  });
  return out;
}

/** The remainder of integer division, PyTorch's error for a zero divisor. */
function integerRemainder(floored: boolean): BinaryFn {
  return (x, y) => {
    if (y === 0) throw new RuntimeError('ZeroDivisionError');
    const r = x % y;
    return floored && r !== 0 && r < 0 !== y < 0 ? r + y : r;
  };
}

/** The remainder of float division, truncated (C's fmod) or floored (Python's %): NaN for a zero divisor. */
function floatRemainder(floored: boolean): BinaryFn {
  return (x, y) => {
    const r = x % y;
    return floored && r !== 0 && r < 0 !== y < 0 ? r + y : r;
  };
}

/** fmod and remainder: the quotient's rounding (`trunc` or `floor`) is the only difference. */
function remainderOp(op: 'fmod' | 'remainder', self: Tensor, other: TensorLike): Tensor {
  checkTensorArg(self, op, 'input', 1);
  const a = self;
  const b = toTensor(other);
  const dtype = resultDType(a, b);
  if (dtype === 'bool') throw new RuntimeError(`"${op}_cpu" not implemented for 'Bool'`);
  const floored = op === 'remainder';
  const f = isFloatingPoint(dtype) ? floatRemainder(floored) : integerRemainder(floored);
  const out = binaryForward(a, b, dtype, f);
  const node = op === 'fmod' ? 'Fmod' : 'Remainder';
  if (isWrappedNumber(b)) {
    recordOp(`${node}Backward0`, [a], out, () => ([g]) => [g]);
    return out;
  }
  recordOp(`${node}Backward1`, [a, b], out, (save, needs) => {
    const sa = needs[1] ? save(a) : null;
    const sb = needs[1] ? save(b) : null;
    const roundingMode = floored ? 'floor' : 'trunc';
    return ([g]) => [needs[0] && g, sa && sb && g.neg().mul(sa().div(sb(), { roundingMode }))];
  });
  return out;
}

/**
 * `fmod(self, other)`: the remainder of `self / other` with the quotient rounded toward zero (C's fmod): it has
 * the sign of `self`.
 *
 * @example
 * ```ts
 * console.log(torch.fmod(torch.tensor([-3, 3]), 2));
 * ```
 * ```text
 * tensor([-1,  1])
 * ```
 */
export function fmod(self: Tensor, other: TensorLike): Tensor {
  return remainderOp('fmod', self, other);
}

/**
 * `remainder(self, other)`: the remainder of `self / other` with the quotient rounded down (Python's `%`): it has
 * the sign of `other`.
 *
 * @example
 * ```ts
 * console.log(torch.remainder(torch.tensor([-3, 3]), 2));
 * ```
 * ```text
 * tensor([1, 1])
 * ```
 */
export function remainder(self: Tensor, other: TensorLike): Tensor {
  return remainderOp('remainder', self, other);
}

/** `hypot(self, other)`: `sqrt(self² + other²)` without overflow or underflow in between. */
export function hypot(self: Tensor, other: Tensor): Tensor {
  const [a, b] = tensorOperands('hypot', self, other);
  const out = binaryForward(a, b, floatOnlyDType(a, b, 'hypot_cpu'), Math.hypot);
  recordOp('HypotBackward0', [a, b], out, (save, needs) => {
    const sa = needs[0] ? save(a) : null;
    const sb = needs[1] ? save(b) : null;
    const so = save(out);
    return ([g]) => [sa && g.mul(sa()).div(so()), sb && g.mul(sb()).div(so())];
  });
  return out;
}

/** log(e^x + e^y), from the larger: exact where one term dwarfs the other, and ±∞ handled as PyTorch does. */
function logAddExpOf(base: 'e' | '2'): BinaryFn {
  const log1pOf = base === 'e' ? Math.log1p : (v: number) => Math.log1p(v) / Math.LN2;
  const powOf = base === 'e' ? Math.exp : (v: number) => 2 ** v;
  return (x, y) => {
    if (x === y && !Number.isFinite(x)) return x;
    const m = Math.max(x, y);
    return m + log1pOf(powOf(-Math.abs(x - y)));
  };
}

function logAddExpOp(name: 'logaddexp' | 'logaddexp2', self: Tensor, other: Tensor): Tensor {
  const [a, b] = tensorOperands(name, self, other);
  const base = name === 'logaddexp' ? 'e' : '2';
  const out = binaryForward(a, b, floatOnlyDType(a, b, `${name}_cpu`), logAddExpOf(base));
  recordOp(name === 'logaddexp' ? 'LogaddexpBackward0' : 'Logaddexp2Backward0', [a, b], out, (save) => {
    const sa = save(a);
    const sb = save(b);
    // grad / (1 + base^(other - self)) for self, the mirror for other.
    const weight = (from: Tensor, to: Tensor): Tensor =>
      (base === 'e' ? to.sub(from).exp() : to.sub(from).exp2()).add(1);
    return ([g]) => [g.div(weight(sa(), sb())), g.div(weight(sb(), sa()))];
  });
  return out;
}

/** `logaddexp(self, other)`: `log(exp(self) + exp(other))`, computed without overflow. */
export function logaddexp(self: Tensor, other: Tensor): Tensor {
  return logAddExpOp('logaddexp', self, other);
}

/** `logaddexp2(self, other)`: `log2(2^self + 2^other)`, computed without overflow. */
export function logaddexp2(self: Tensor, other: Tensor): Tensor {
  return logAddExpOp('logaddexp2', self, other);
}

/** x · log(y), 0 where x is 0 (unless y is NaN): the entropy terms' convention. */
const xlogyOf: BinaryFn = (x, y) => (y !== y ? NaN : x === 0 ? 0 : x * Math.log(y));

/**
 * `xlogy(self, other)`: `self * log(other)`, with 0 where `self` is 0 (and `other` is not NaN); either side may be
 * a number.
 *
 * @example
 * ```ts
 * console.log(torch.xlogy(torch.tensor([0, 2]), torch.tensor([0, Math.E])));
 * ```
 * ```text
 * tensor([0.0000, 2.0000])
 * ```
 */
export function xlogy(self: TensorLike, other: TensorLike): Tensor {
  const a = toTensor(self);
  const b = toTensor(other);
  const out = binaryForward(a, b, floatResultDType(a, b), xlogyOf);
  const node = isWrappedNumber(a) ? 'XlogyBackward1' : isWrappedNumber(b) ? 'XlogyBackward2' : 'XlogyBackward0';
  recordOp(node, [a, b], out, (save, needs) => {
    const sa = save(a);
    const sb = save(b);
    // d/dself is log(other) even where self is 0; only the points where xlogy is 0 by convention (self 0, other
    // not positive) get a zero gradient.
    return ([g]) => [
      needs[0] && xlogy(g, sb()).maskedFill(sa().eq(0).logicalAnd(sb().le(0)), 0),
      needs[1] && g.mul(sa()).div(sb()),
    ];
  });
  return out;
}

/** |x| with the sign of y (its sign bit: -0 counts as negative). */
const copysignOf: BinaryFn = (x, y) => (y < 0 || Object.is(y, -0) ? -Math.abs(x) : Math.abs(x));

/**
 * `copysign(self, other)`: the magnitude of `self` with the sign of `other`; `other` may be a number.
 *
 * @example
 * ```ts
 * console.log(torch.copysign(torch.tensor([1, -2, 3]), -1));
 * ```
 * ```text
 * tensor([-1., -2., -3.])
 * ```
 */
export function copysign(self: Tensor, other: TensorLike): Tensor {
  checkTensorArg(self, 'copysign', 'input', 1);
  const a = self;
  const b = toTensor(other);
  const out = binaryForward(a, b, floatResultDType(a, b), copysignOf);
  recordOp(isWrappedNumber(b) ? 'CopysignBackward1' : 'CopysignBackward0', [a, b], out, (save, needs) => {
    const sa = needs[0] ? save(a) : null;
    const so = needs[0] ? save(out) : null;
    return ([g]) => [
      // grad · result / self, with 0 where self is 0.
      sa && so && g.mul(so().div(sa()).maskedFill(sa().eq(0), 0)),
      needs[1] && zerosLike(g),
    ];
  });
  return out;
}

/** `isclose` and `allclose`'s tolerances, by PyTorch's keyword names (`equal_nan` as `equalNan`). */
export interface CloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether two NaNs count as close (default false). */
  equalNan?: boolean;
}

/**
 * Where `|self - other| <= atol + rtol * |other|` (or the two are equal, infinities included; NaNs too with
 * `equalNan`), as a bool tensor, computed in the inputs' dtype as PyTorch does. The two must have one dtype.
 */
export function isclose(self: Tensor, other: Tensor, options: CloseOptions = {}): Tensor {
  const [a, b] = tensorOperands('isclose', self, other);
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  if (a.dtype !== b.dtype)
    throw new RuntimeError(`${scalarTypeName(a.dtype)} did not match ${scalarTypeName(b.dtype)}`);
  if (rtol < 0) throw new RuntimeError(`rtol must be greater than or equal to zero, but got ${rtol}`);
  if (atol < 0) throw new RuntimeError(`atol must be greater than or equal to zero, but got ${atol}`);
  return noGrad(() => {
    let close = a.eq(b);
    if (equalNan) close = close.logicalOr(a.isnan().logicalAnd(b.isnan()));
    if (a.dtype === 'bool' || (rtol === 0 && atol === 0)) return close;
    const actual = a.sub(b).abs();
    const allowed = b.mul(rtol).abs().add(atol);
    return close.logicalOr(actual.isfinite().logicalAnd(actual.le(allowed)));
  });
}

/** Whether every element of `self` is close to `other`'s (see isclose), broadcasting. */
export function allclose(self: Tensor, other: Tensor, options: CloseOptions = {}): boolean {
  return Boolean(isclose(self, other, options).all().item());
}

/**
 * C's pow, which PyTorch's kernel calls (kernels/pow.ts): integer powers correctly rounded, as glibc's (V8's `**`
 * is a unit in the last place off for some), and 1 to any power (NaN too) and -1 to an infinite power are 1
 * (JavaScript gives NaN for both).
 */
const powOf: BinaryFn = pyPow;

/**
 * A float tensor to these number powers, as PyTorch's kernels compute them instead of calling pow: sqrt, 1/sqrt,
 * 1/x, x·x, x·x·x (rounded after each product) and 1/(x·x). They differ from pow at the edges (pow(-inf, 0.5) is
 * inf, sqrt(-inf) NaN; -0 keeps its sign) and in the last bit.
 */
function specialPower(a: Tensor, e: number): Tensor | null {
  const f32 = a.dtype === 'float32';
  if (e === 0.5) return unaryForward(a, Math.sqrt, false, undefined, UnaryOp.sqrt);
  if (e === -0.5) return unaryForward(a, (v) => 1 / Math.sqrt(v), false, undefined, UnaryOp.rsqrt);
  if (e === -1) return unaryForward(a, (v) => 1 / v, false);
  if (e === 2) return unaryForward(a, (v) => v * v, false, undefined, UnaryOp.square);
  if (e === 3) return unaryForward(a, f32 ? (v) => Math.fround(v * v) * v : (v) => v * v * v, false);
  if (e === -2) return unaryForward(a, f32 ? (v) => 1 / Math.fround(v * v) : (v) => 1 / (v * v), false);
  return null;
}

export function pow(self: TensorLike, exponent: TensorLike): Tensor {
  const a = toTensor(self);
  const b = toTensor(exponent);
  const dtype = resultDType(a, b);
  if (isIntegral(dtype, true) && b._shape.length === 0 && b.item() < 0 && isIntegral(b.dtype)) {
    throw new RuntimeError('Integers to negative integer powers are not allowed.');
  }
  const special =
    typeof exponent === 'number' && typeof self !== 'number' && isFloatingPoint(a.dtype)
      ? specialPower(a, exponent)
      : null;
  const out = special ?? binaryForward(a, b, dtype, powOf);
  if (typeof self === 'number') {
    // pow(scalar, tensor): d/db base^b = base^b log(base), taken as 0 for base 0 where b >= 0.
    const base = self;
    recordOp('PowBackward2', [b], out, (save) => {
      const so = save(out);
      const sb = base === 0 ? save(b) : null;
      return ([g]) => {
        if (sb === null) return [g.mul(so().mul(Math.log(base)))];
        return [g.mul(where(sb().ge(0), 0, so().mul(Math.log(base))))];
      };
    });
    return out;
  }
  if (typeof exponent === 'number') {
    recordOp('PowBackward0', [a], out, (save) => {
      const sa = save(a);
      // x^0 is constant: zeros, whatever the incoming gradient holds (NaN included).
      return ([g]) => [
        exponent === 0
          ? sa().newZeros(sa().shape)
          : g.mul(
              sa()
                .pow(exponent - 1)
                .mul(exponent),
            ),
      ];
    });
    return out;
  }
  recordOp('PowBackward1', [a, b], out, (save, needs) => {
    const sa = save(a);
    const sb = save(b);
    const so = needs[1] ? save(out) : null;
    return ([g]) => {
      const base = sa();
      const exp = sb();
      const ga = needs[0] ? where(exp.eq(0), 0, g.mul(exp.mul(base.pow(exp.sub(1))))) : null;
      // d/db a^b = a^b log a, taken as 0 where a = 0 and b >= 0 (PyTorch's convention), the gradient multiplied
      // last, so that a NaN gradient stays NaN there.
      const gb = so ? g.mul(where(base.eq(0).logicalAnd(exp.ge(0)), 0, so().mul(base.log()))) : null;
      return [ga, gb];
    };
  });
  return out;
}
