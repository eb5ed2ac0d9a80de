/**
 * The op table of Kindling's one-tensor elementwise functions: every export of this file is one of them, with its
 * backward formula beside it, and nothing else is exported from here. The table drives the rest: `torch.*`
 * exports it whole (`torch.exp(t, { out })`), each op is a Tensor method of the same name (`t.exp()`), and the
 * tests key their gradcheck and golden cases by `UnaryOpName`, so an op without a case does not compile. Adding
 * one is an entry here and its method line in tensor.ts.
 */
import { RuntimeError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { checkFloat, checkIntArg } from './util.js';
import { trailingOptions } from '../python-args.js';
import { pyRound } from '../python-format.js';
import type { UnaryFn } from '../kernels/elementwise.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { UnaryOp } from '../kernels/contiguous.js';
import { erfScalar } from '../kernels/erf.js';
import { unaryForward } from './unary-forward.js';
import { sigmoidBackward, tanhBackward } from './activation.js';
import { type OutOptions, withOut } from './out.js';

/** A table entry: `op(t)`, or `op(t, { out })` to write the result into `out` (PyTorch's `out=`). */
export type UnaryFunction = (x: Tensor, options?: OutOptions) => Tensor;

/** The function form of `op`, taking PyTorch's `out=` as a trailing option. */
function withOutOption(name: string, op: (x: Tensor) => Tensor): UnaryFunction {
  return (x, options) => (options?.out == null ? op(x) : withOut(name, options.out, [x], () => op(x)));
}

type Grad = (g: Tensor, x: () => Tensor, out: () => Tensor) => Tensor;

/**
 * A differentiable op: `f` per element (`floatResult`: integer inputs become float32 first, as exp and log do),
 * `grad` its backward, reading the input or the result as `uses` says, and `kernel` the backend's UnaryOp code
 * where there is one.
 */
function define(
  name: string,
  node: string,
  f: UnaryFn,
  floatResult: boolean,
  uses: 'input' | 'output' | 'none',
  grad: Grad,
  kernel?: number,
): UnaryFunction {
  return withOutOption(name, (x) => {
    const out = unaryForward(x, f, floatResult, undefined, kernel);
    recordOp(node, [x], out, (save) => {
      const sx = uses === 'input' ? save(x) : null;
      const so = uses === 'output' ? save(out) : null;
      return ([g]) => [
        grad(
          g,
          () => (sx as () => Tensor)(),
          () => (so as () => Tensor)(),
        ),
      ];
    });
    return out;
  });
}

/** An op whose result is a bool tensor (no gradient). */
function predicate(name: string, f: UnaryFn): UnaryFunction {
  return withOutOption(name, (x) => unaryForward(x, f, false, 'bool'));
}

const SQRT_2_OVER_PI = 2 / Math.sqrt(Math.PI);

const negate = define(
  'neg',
  'NegBackward0',
  (v) => -v,
  false,
  'none',
  (g) => g.neg(),
  UnaryOp.neg,
);

/** -x. */
export const neg: UnaryFunction = (x, options) => {
  if (x.dtype === 'bool') {
    throw new RuntimeError(
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    );
  }
  return negate(x, options);
};
/** |x|. */
export const abs = define('abs', 'AbsBackward0', Math.abs, false, 'input', (g, x) => g.mul(x().sign()), UnaryOp.abs);
/** e^x. */
export const exp = define('exp', 'ExpBackward0', Math.exp, true, 'output', (g, _x, o) => g.mul(o()), UnaryOp.exp);
/** e^x - 1, exact near 0. */
export const expm1 = define('expm1', 'Expm1Backward0', Math.expm1, true, 'output', (g, _x, o) => g.mul(o().add(1)));
/** The natural logarithm. */
export const log = define('log', 'LogBackward0', Math.log, true, 'input', (g, x) => g.div(x()), UnaryOp.log);
/** log(1 + x), exact near 0. */
export const log1p = define('log1p', 'Log1PBackward0', Math.log1p, true, 'input', (g, x) => g.div(x().add(1)));
/** The square root. */
export const sqrt = define(
  'sqrt',
  'SqrtBackward0',
  Math.sqrt,
  true,
  'output',
  (g, _x, o) => g.div(o().mul(2)),
  UnaryOp.sqrt,
);
/** 1 / sqrt(x). */
export const rsqrt = define(
  'rsqrt',
  'RsqrtBackward0',
  (v) => 1 / Math.sqrt(v),
  true,
  'output',
  (g, _x, o) => g.mul(o().pow(3)).mul(-0.5),
  UnaryOp.rsqrt,
);
/** 1 / x. */
export const reciprocal = define(
  'reciprocal',
  'ReciprocalBackward0',
  (v) => 1 / v,
  true,
  'output',
  (g, _x, o) => g.neg().mul(o().mul(o())),
);
/** x * x: `x.pow(2)` in PyTorch, node name included. */
export const square = withOutOption('square', (x) => x.pow(2));
/** The sine (radians). */
export const sin = define('sin', 'SinBackward0', Math.sin, true, 'input', (g, x) => g.mul(x().cos()), UnaryOp.sin);
/** The cosine (radians). */
export const cos = define(
  'cos',
  'CosBackward0',
  Math.cos,
  true,
  'input',
  (g, x) => g.mul(x().sin()).neg(),
  UnaryOp.cos,
);
/** The hyperbolic tangent. */
export const tanh = define(
  'tanh',
  'TanhBackward0',
  Math.tanh,
  true,
  'output',
  (g, _x, o) => tanhBackward(g, o()),
  UnaryOp.tanh,
);
/** The logistic sigmoid, 1 / (1 + e^-x). */
export const sigmoid = define(
  'sigmoid',
  'SigmoidBackward0',
  (v) => 1 / (1 + Math.exp(-v)),
  true,
  'output',
  (g, _x, o) => sigmoidBackward(g, o()),
  UnaryOp.sigmoid,
);
/** The Gauss error function. */
export const erf = define('erf', 'ErfBackward0', erfScalar, true, 'input', (g, x) =>
  g.mul(x().square().neg().exp()).mul(SQRT_2_OVER_PI),
);
// (0 < v) - (v < 0), as PyTorch: sign(NaN) is 0, not NaN.
/** -1, 0 or 1 by the sign of x (0 for NaN). */
export const sign = define(
  'sign',
  'SignBackward0',
  (v) => (v > 0 ? 1 : v < 0 ? -1 : 0),
  false,
  'none',
  (g) => g.mul(0),
);
/** Rounds down. */
export const floor = define('floor', 'FloorBackward0', Math.floor, false, 'none', (g) => g.mul(0));
/** Rounds up. */
export const ceil = define('ceil', 'CeilBackward0', Math.ceil, false, 'none', (g) => g.mul(0));
const roundHalfEven = define('round', 'RoundBackward0', pyRound, false, 'none', (g) => g.mul(0));

/**
 * `round(x, decimals=d)` as PyTorch computes it in x's own precision: x·10^d rounded half to even, divided back by
 * 10^d (for d < 0, x / 10^-d rounded and multiplied back).
 */
function roundDecimals(x: Tensor, decimals: number): Tensor {
  checkIntArg(decimals, 'round', 'decimals', 2);
  checkFloat(x, 'round_cpu');
  const scale = 10 ** Math.abs(decimals);
  const out = noGrad(() => (decimals >= 0 ? x.mul(scale).round().div(scale) : x.div(scale).round().mul(scale)));
  recordOp('RoundBackward1', [x], out, () => ([g]) => [g.mul(0)]);
  return out;
}

/**
 * Rounds to the nearest integer, halves to even (Python's and PyTorch's rule); with `{ decimals }`, to that many
 * decimal places (negative: to tens, hundreds, ...).
 */
export const round = (x: Tensor, options?: OutOptions & { decimals?: number }): Tensor => {
  // `decimals` is keyword-only in PyTorch: `round(x, 1)` is its TypeError, not a plain round.
  const o = trailingOptions<OutOptions & { decimals?: number }>('round', [], [options], 1, 1);
  if (o.decimals === undefined) return roundHalfEven(x, o);
  const decimals = o.decimals;
  return withOutOption('round', (t) => roundDecimals(t, decimals))(x, o);
};
/** Which elements are NaN, as a bool tensor. */
export const isnan = predicate('isnan', (v) => (v !== v ? 1 : 0));
/** Which elements are finite (not NaN or infinite), as a bool tensor. */
export const isfinite = predicate('isfinite', (v) => (Number.isFinite(v) ? 1 : 0));
/** Elementwise logical not, as a bool tensor (`logical_not`). */
export const logicalNot = predicate('logicalNot', (v) => (v !== 0 ? 0 : 1));
