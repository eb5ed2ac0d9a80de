/** Elementwise unary math, each op with its backward formula. */
import { type DType, isFloatingPoint } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { pyRound } from '../python-format.js';
import { contiguousUnary, unaryKernel, type UnaryFn } from '../kernels/elementwise.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { checkScalarOrTensorArg, strided, uninitialized, toTensor, worthABackendCall } from './util.js';
import { UnaryOp } from '../kernels/contiguous.js';
import { erfScalar } from '../kernels/erf.js';

export { erfScalar };
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import { to } from './convert.js';
import { where } from './binary.js';

/**
 * Applies f elementwise; `floatResult` ops (exp, log, ...) turn integer inputs into float32 first. Ops with a
 * backend kernel (`kernel`, a UnaryOp code) run it on contiguous float inputs.
 */
export function unaryForward(x: Tensor, f: UnaryFn, floatResult: boolean, outDType?: DType, kernel?: number): Tensor {
  const src = floatResult && !isFloatingPoint(x.dtype) ? to(x, 'float32', false, false) : x;
  const out = uninitialized(x._shape, outDType ?? src.dtype);
  const n = out._array.length;
  if (src.isContiguous()) {
    if (kernel !== undefined && worthABackendCall(n) && out.dtype === src.dtype && (src.dtype === 'float32' || src.dtype === 'float64')) {
      getKernelBackend().unary(kernel, src._array as FloatArray, src._offset, out._array as FloatArray, 0, n);
    } else contiguousUnary(src._array, src._offset, out._array, 0, n, f);
    return out;
  }
  unaryKernel(strided(src), src._shape, out._array, f);
  return out;
}

type Grad = (g: Tensor, x: () => Tensor, out: () => Tensor) => Tensor;

/** Defines a differentiable unary op; `uses` says whether its backward reads the input or the result. */
function define(name: string, f: UnaryFn, floatResult: boolean, uses: 'input' | 'output' | 'none', grad: Grad, kernel?: number) {
  return (x: Tensor): Tensor => {
    const out = unaryForward(x, f, floatResult, undefined, kernel);
    recordOp(name, [x], out, (save) => {
      const sx = uses === 'input' ? save(x) : null;
      const so = uses === 'output' ? save(out) : null;
      return ([g]) => [grad(g, () => (sx as () => Tensor)(), () => (so as () => Tensor)())];
    });
    return out;
  };
}

const SQRT_2_OVER_PI = 2 / Math.sqrt(Math.PI);

const negate = define('NegBackward0', (v) => -v, false, 'none', (g) => g.neg(), UnaryOp.neg);

export function neg(x: Tensor): Tensor {
  if (x.dtype === 'bool') {
    throw new RuntimeError(
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    );
  }
  return negate(x);
}
export const abs = define('AbsBackward0', Math.abs, false, 'input', (g, x) => g.mul(x().sign()), UnaryOp.abs);
export const exp = define('ExpBackward0', Math.exp, true, 'output', (g, _x, o) => g.mul(o()), UnaryOp.exp);
export const expm1 = define('Expm1Backward0', Math.expm1, true, 'output', (g, _x, o) => g.mul(o().add(1)));
export const log = define('LogBackward0', Math.log, true, 'input', (g, x) => g.div(x()), UnaryOp.log);
export const log1p = define('Log1PBackward0', Math.log1p, true, 'input', (g, x) => g.div(x().add(1)));
export const sqrt = define('SqrtBackward0', Math.sqrt, true, 'output', (g, _x, o) => g.div(o().mul(2)), UnaryOp.sqrt);
export const rsqrt = define('RsqrtBackward0', (v) => 1 / Math.sqrt(v), true, 'output', (g, _x, o) => g.mul(o().pow(3)).mul(-0.5), UnaryOp.rsqrt);
export const reciprocal = define('ReciprocalBackward0', (v) => 1 / v, true, 'output', (g, _x, o) => g.neg().mul(o().mul(o())));
export const sin = define('SinBackward0', Math.sin, true, 'input', (g, x) => g.mul(x().cos()), UnaryOp.sin);
export const cos = define('CosBackward0', Math.cos, true, 'input', (g, x) => g.mul(x().sin()).neg(), UnaryOp.cos);
export const erf = define('ErfBackward0', erfScalar, true, 'input', (g, x) => g.mul(x().square().neg().exp()).mul(SQRT_2_OVER_PI));
// (0 < v) - (v < 0), as PyTorch: sign(NaN) is 0, not NaN.
export const sign = define('SignBackward0', (v) => (v > 0 ? 1 : v < 0 ? -1 : 0), false, 'none', (g) => g.mul(0));
export const floor = define('FloorBackward0', Math.floor, false, 'none', (g) => g.mul(0));
export const ceil = define('CeilBackward0', Math.ceil, false, 'none', (g) => g.mul(0));
export const round = define('RoundBackward0', pyRound, false, 'none', (g) => g.mul(0));

/** `x.square()` is `x.pow(2)` in PyTorch, node name included. */
export function square(x: Tensor): Tensor {
  return x.pow(2);
}

export function clamp(x: Tensor, min: number | Tensor | null, max: number | Tensor | null): Tensor {
  if (min === null && max === null) throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  if (min !== null) checkScalarOrTensorArg(min, 'clamp');
  if (max !== null) checkScalarOrTensorArg(max, 'clamp');
  if ((typeof min === 'object' && min !== null) || (typeof max === 'object' && max !== null)) {
    return clampTensor(x, min === null ? null : toTensor(min), max === null ? null : toTensor(max));
  }
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const out = unaryForward(x, (v) => (v !== v ? v : Math.min(Math.max(v, lo), hi)), false);
  recordOp('ClampBackward1', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => [where(sx().ge(lo).logicalAnd(sx().le(hi)), g, 0)];
  });
  return out;
}

/** clamp with tensor bounds (broadcast with x): one node, ClampBackward0, with PyTorch's gradients for all three. */
function clampTensor(x: Tensor, min: Tensor | null, max: Tensor | null): Tensor {
  const out = noGrad(() => {
    let r = x;
    if (min !== null) r = r.maximum(min);
    if (max !== null) r = r.minimum(max);
    return r;
  });
  recordOp('ClampBackward0', [x, min, max], out, (save, needs) => {
    const sx = save(x);
    const smin = min !== null ? save(min) : null;
    const smax = max !== null ? save(max) : null;
    return ([g]) => {
      const self = sx();
      const lo = smin && smin();
      const hi = smax && smax();
      const inRange = lo && hi ? self.ge(lo).logicalAnd(self.le(hi)) : lo ? self.ge(lo) : self.le(hi as Tensor);
      return [
        needs[0] && where(inRange, g, 0),
        // When min > max the result is max: min takes no gradient there, and max takes all of it.
        needs[1] && lo && where(hi ? self.lt(lo).logicalAnd(lo.lt(hi)) : self.lt(lo), g, 0),
        needs[2] && hi && where(lo ? self.gt(hi).logicalOr(hi.lt(lo)) : self.gt(hi), g, 0),
      ];
    };
  });
  return out;
}

export function isnan(x: Tensor): Tensor {
  return unaryForward(x, (v) => (v !== v ? 1 : 0), false, 'bool');
}

export function isfinite(x: Tensor): Tensor {
  return unaryForward(x, (v) => (Number.isFinite(v) ? 1 : 0), false, 'bool');
}

export function logicalNot(x: Tensor): Tensor {
  return unaryForward(x, (v) => (v !== 0 ? 0 : 1), false, 'bool');
}

