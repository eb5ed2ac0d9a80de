/**
 * The op table of Kindling's one-tensor elementwise functions: every export of this file is one of them, with its
 * backward formula (PyTorch's, from derivatives.yaml) beside it, and nothing else is exported from here. The table
 * drives the rest: `torch.*` exports it whole (`torch.exp(t, { out })`), each entry is a Tensor method of the same
 * name (`t.exp()`, installed by tensor-methods/unary.ts with the entry's documentation), and the tests key their
 * gradcheck and golden cases by `UnaryOpName`, so an op without a case does not compile. Adding an op is an entry
 * here.
 */
import { RuntimeError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { isFloatingPoint } from '../dtype.js';
import { checkFloat, checkIntArg } from './util.js';
import { trailingOptions } from '../python-args.js';
import { pyRound } from '../python-format.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { UnaryOp } from '../kernels/contiguous.js';
import { sigmoidF32, sigmoidF64 } from '../kernels/activation-formulas.js';
import { erfScalar, erfcScalar } from '../kernels/erf.js';
import { sigmoidBackward, tanhBackward } from './activation.js';
import type { OutOptions } from './out.js';
import { type UnaryFunction, define, predicate, withOutOption, zeroGrad } from './unary-define.js';
import { zerosLike } from '../creation.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const LN2 = Math.LN2;
const LN10 = Math.LN10;
const RADIANS_PER_DEGREE = Math.PI / 180;

const negate = define('neg', 'NegBackward0', (v) => -v, { saves: 'none', grad: (g) => g.neg(), kernel: UnaryOp.neg });

/**
 * The negation, `-x`.
 *
 * @example
 * ```ts
 * console.log(torch.tensor([1, -2]).neg());
 * ```
 * ```text
 * tensor([-1,  2])
 * ```
 */
export const neg: UnaryFunction = (x, options) => {
  if (x.dtype === 'bool') {
    throw new RuntimeError(
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    );
  }
  return negate(x, options);
};
/**
 * The absolute value of each element.
 *
 * @example
 * ```ts
 * console.log(torch.tensor([-1.5, 2]).abs());
 * ```
 * ```text
 * tensor([1.5000, 2.0000])
 * ```
 */
export const abs = define('abs', 'AbsBackward0', Math.abs, {
  saves: 'input',
  grad: (g, x) => g.mul(x().sign()),
  kernel: UnaryOp.abs,
});

// ---- exponentials and logarithms ----

/**
 * e to the power of each element.
 *
 * @example
 * ```ts
 * console.log(torch.tensor([0, 1]).exp());
 * ```
 * ```text
 * tensor([1.0000, 2.7183])
 * ```
 */
export const exp = define('exp', 'ExpBackward0', Math.exp, {
  floatResult: true,
  saves: 'output',
  grad: (g, _x, o) => g.mul(o()),
  kernel: UnaryOp.exp,
});
/** 2 to the power of each element. */
export const exp2 = define('exp2', 'Exp2Backward0', (v) => 2 ** v, {
  floatResult: true,
  saves: 'output',
  grad: (g, _x, o) => g.mul(o()).mul(LN2),
});
/** `exp(x) - 1` of each element, accurate for small x. */
export const expm1 = define('expm1', 'Expm1Backward0', Math.expm1, {
  floatResult: true,
  saves: 'output',
  grad: (g, _x, o) => g.mul(o().add(1)),
});
/**
 * The natural logarithm of each element.
 *
 * @example
 * ```ts
 * console.log(torch.tensor([1, Math.E]).log());
 * ```
 * ```text
 * tensor([0.0000, 1.0000])
 * ```
 */
export const log = define('log', 'LogBackward0', Math.log, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.div(x()),
  kernel: UnaryOp.log,
});
/** The base-2 logarithm of each element. */
export const log2 = define('log2', 'Log2Backward0', Math.log2, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.div(x().mul(LN2)),
});
/** The base-10 logarithm of each element. */
export const log10 = define('log10', 'Log10Backward0', Math.log10, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.div(x().mul(LN10)),
});
/** `log(1 + x)` of each element, accurate for small x. */
export const log1p = define('log1p', 'Log1PBackward0', Math.log1p, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.div(x().add(1)),
});

// ---- powers ----

/**
 * The square root of each element.
 *
 * @example
 * ```ts
 * console.log(torch.tensor([4, 9]).sqrt());
 * ```
 * ```text
 * tensor([2., 3.])
 * ```
 */
export const sqrt = define('sqrt', 'SqrtBackward0', Math.sqrt, {
  floatResult: true,
  saves: 'output',
  grad: (g, _x, o) => g.div(o().mul(2)),
  kernel: UnaryOp.sqrt,
});
/** `1 / sqrt(x)` of each element. */
export const rsqrt = define('rsqrt', 'RsqrtBackward0', (v) => 1 / Math.sqrt(v), {
  floatResult: true,
  saves: 'output',
  grad: (g, _x, o) => g.mul(o().pow(3)).mul(-0.5),
  kernel: UnaryOp.rsqrt,
});
/** `1 / x` of each element. */
export const reciprocal = define('reciprocal', 'ReciprocalBackward0', (v) => 1 / v, {
  floatResult: true,
  saves: 'output',
  grad: (g, _x, o) => g.neg().mul(o().mul(o())),
});
/** Each element squared: `x.pow(2)` in PyTorch, node name included. */
export const square = withOutOption('square', (x) => x.pow(2));

// ---- trigonometric and hyperbolic functions (radians) ----

/** The sine of each element. */
export const sin = define('sin', 'SinBackward0', Math.sin, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.mul(x().cos()),
  kernel: UnaryOp.sin,
});
/** The cosine of each element. */
export const cos = define('cos', 'CosBackward0', Math.cos, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.mul(x().sin()).neg(),
  kernel: UnaryOp.cos,
});
/** The tangent of each element. */
export const tan = define('tan', 'TanBackward0', Math.tan, {
  floatResult: true,
  saves: 'output',
  grad: (g, _x, o) => g.mul(o().pow(2).add(1)),
});
/** The arcsine of each element (NaN outside [-1, 1]). */
export const asin = define('asin', 'AsinBackward0', Math.asin, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.mul(x().neg().mul(x()).add(1).rsqrt()),
});
/** The arccosine of each element (NaN outside [-1, 1]). */
export const acos = define('acos', 'AcosBackward0', Math.acos, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.mul(x().neg().mul(x()).add(1).rsqrt().neg()),
});
/** The arctangent of each element. */
export const atan = define('atan', 'AtanBackward0', Math.atan, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.div(x().mul(x()).add(1)),
});
/** The hyperbolic sine of each element. */
export const sinh = define('sinh', 'SinhBackward0', Math.sinh, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.mul(x().cosh()),
});
/** The hyperbolic cosine of each element. */
export const cosh = define('cosh', 'CoshBackward0', Math.cosh, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.mul(x().sinh()),
});
/**
 * The hyperbolic tangent of each element.
 *
 * @example
 * ```ts
 * console.log(torch.tensor([-1, 0, 1]).tanh());
 * ```
 * ```text
 * tensor([-0.7616,  0.0000,  0.7616])
 * ```
 */
export const tanh = define('tanh', 'TanhBackward0', Math.tanh, {
  floatResult: true,
  saves: 'output',
  grad: (g, _x, o) => tanhBackward(g, o()),
  kernel: UnaryOp.tanh,
});
/** The inverse hyperbolic sine of each element. */
export const asinh = define('asinh', 'AsinhBackward0', Math.asinh, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.mul(x().pow(2).add(1).rsqrt()),
});
/** The inverse hyperbolic cosine of each element (NaN below 1). */
export const acosh = define('acosh', 'AcoshBackward0', Math.acosh, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.mul(x().pow(2).sub(1).rsqrt()),
});
/** The inverse hyperbolic tangent of each element (NaN outside [-1, 1]). */
export const atanh = define('atanh', 'AtanhBackward0', Math.atanh, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.mul(x().pow(2).neg().add(1).reciprocal()),
});
/** Each element converted from degrees to radians. */
export const deg2rad = scaling('deg2rad', 'Deg2RadBackward0', RADIANS_PER_DEGREE);
/** Each element converted from radians to degrees. */
export const rad2deg = scaling('rad2deg', 'Rad2DegBackward0', 1 / RADIANS_PER_DEGREE);

/** `x * k` (in x's precision, as PyTorch multiplies), integers made float32 first, recording `node`. */
function scaling(name: string, node: string, k: number): UnaryFunction {
  return withOutOption(name, (x) => {
    const out = noGrad(() => (isFloatingPoint(x.dtype) ? x : x.float()).mul(k));
    recordOp(node, [x], out, () => ([g]) => [g.mul(k)]);
    return out;
  });
}

// ---- activations and special functions ----

/**
 * The logistic sigmoid `1 / (1 + exp(-x))` of each element, each step rounded to the tensor's type as PyTorch's
 * kernel rounds it.
 *
 * @example
 * ```ts
 * console.log(torch.tensor([-1, 0, 1]).sigmoid());
 * ```
 * ```text
 * tensor([0.2689, 0.5000, 0.7311])
 * ```
 */
export const sigmoid = define('sigmoid', 'SigmoidBackward0', sigmoidF64, {
  floatResult: true,
  saves: 'output',
  grad: (g, _x, o) => sigmoidBackward(g, o()),
  kernel: UnaryOp.sigmoid,
  f32: sigmoidF32,
});
/** The Gauss error function of each element. */
export const erf = define('erf', 'ErfBackward0', erfScalar, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => g.mul(x().square().neg().exp()).mul(TWO_OVER_SQRT_PI),
});
/** The complementary error function `1 - erf(x)` of each element, accurate where erf(x) is near 1. */
export const erfc = define('erfc', 'ErfcBackward0', erfcScalar, {
  floatResult: true,
  saves: 'input',
  grad: (g, x) => x().pow(2).neg().exp().mul(-TWO_OVER_SQRT_PI).mul(g),
});

// ---- rounding and sign ----

// (0 < v) - (v < 0), as PyTorch: sign(NaN) is 0, not NaN.
/** -1, 0 or 1 by the sign of each element (0 for NaN). */
export const sign = define('sign', 'SignBackward0', (v) => (v > 0 ? 1 : v < 0 ? -1 : 0), {
  saves: 'none',
  grad: zeroGrad,
});
/** Each element rounded down. */
export const floor = define('floor', 'FloorBackward0', Math.floor, {
  saves: 'none',
  grad: zeroGrad,
  check: roundingCheck('floor_vml_cpu'),
});
/** Each element rounded up. */
export const ceil = define('ceil', 'CeilBackward0', Math.ceil, {
  saves: 'none',
  grad: zeroGrad,
  check: roundingCheck('ceil_vml_cpu'),
});
/** Each element rounded toward zero. */
export const trunc = define('trunc', 'TruncBackward0', Math.trunc, {
  saves: 'none',
  grad: zeroGrad,
  check: roundingCheck('trunc_vml_cpu'),
});
/** The fractional part of each element, `x - trunc(x)` (the sign of x). */
export const frac = define('frac', 'FracBackward0', (v) => v - Math.trunc(v), {
  saves: 'none',
  grad: (g) => g,
  check: (x) => checkFloat(x, 'frac_cpu'),
});

/** PyTorch's error for rounding a bool tensor (integer tensors round to themselves). */
function roundingCheck(kernel: string): (x: Tensor) => void {
  return (x) => {
    if (x.dtype === 'bool') throw new RuntimeError(`"${kernel}" not implemented for 'Bool'`);
  };
}

const roundHalfEven = define('round', 'RoundBackward0', pyRound, {
  saves: 'none',
  grad: zeroGrad,
  check: roundingCheck('round_vml_cpu'),
});

/**
 * `round(x, decimals=d)` as PyTorch computes it in x's own precision: x·10^d rounded half to even, divided back by
 * 10^d (for d < 0, x / 10^-d rounded and multiplied back).
 */
function roundDecimals(x: Tensor, decimals: number): Tensor {
  checkIntArg(decimals, 'round', 'decimals', 2);
  checkFloat(x, 'round_cpu');
  const scale = 10 ** Math.abs(decimals);
  const out = noGrad(() => (decimals >= 0 ? x.mul(scale).round().div(scale) : x.div(scale).round().mul(scale)));
  recordOp('RoundBackward1', [x], out, () => ([g]) => [zerosLike(g)]);
  return out;
}

/**
 * Each element rounded to the nearest integer, halves to even (Python's and PyTorch's rule); with `{ decimals }`,
 * to that many decimal places (negative: to tens, hundreds, ...).
 */
export const round = (x: Tensor, options?: OutOptions & { decimals?: number }): Tensor => {
  // `decimals` is keyword-only in PyTorch: `round(x, 1)` is its TypeError, not a plain round.
  const o = trailingOptions<OutOptions & { decimals?: number }>('round', [], [options], 1, 1);
  if (o.decimals === undefined) return roundHalfEven(x, o);
  const decimals = o.decimals;
  return withOutOption('round', (t) => roundDecimals(t, decimals))(x, o);
};

// ---- predicates (bool results) ----

/** Which elements are NaN, as a bool tensor. */
export const isnan = predicate('isnan', (v) => (v !== v ? 1 : 0));
/** Which elements are finite (not NaN or infinite), as a bool tensor. */
export const isfinite = predicate('isfinite', (v) => (Number.isFinite(v) ? 1 : 0));
/** Which elements are infinite (either sign), as a bool tensor. */
export const isinf = predicate('isinf', (v) => (v === Infinity || v === -Infinity ? 1 : 0));
/** Which elements are +∞, as a bool tensor. */
export const isposinf = predicate('isposinf', (v) => (v === Infinity ? 1 : 0));
/** Which elements are -∞, as a bool tensor. */
export const isneginf = predicate('isneginf', (v) => (v === -Infinity ? 1 : 0));
/** Which elements have their sign bit set (negative numbers and -0), as a bool tensor. */
export const signbit = predicate('signbit', (v) => (v < 0 || Object.is(v, -0) ? 1 : 0));
/** Elementwise logical not, as a bool tensor (`logical_not`). */
export const logicalNot = predicate('logicalNot', (v) => (v !== 0 ? 0 : 1));
