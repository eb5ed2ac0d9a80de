/**
 * Activation formulas per element, rounded as PyTorch's CPU kernels round them:
 * - sigmoid: 1 / (1 + exp(-x)), each step in the tensor's type (the exp correctly rounded, where PyTorch's is
 *   SLEEF's or the C library's, within an ulp);
 * - tanh's backward: g * (1 - y*y), the inner term one fused multiply-add;
 * - sigmoid's backward: (g * (1 - y)) * y, each step in the tensor's type.
 * The backward formulas are checked bit for bit against PyTorch 1.13 in test/activation-backward.test.ts.
 */
import type { Arithmetic } from './fma.js';

export function sigmoidF32(x: number): number {
  return 1 / Math.fround(1 + Math.fround(Math.exp(-x)));
}

export function sigmoidF64(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** 1 - y*y rounded once, as fma(-y, y, 1) gives it. */
export function oneMinusSquare(y: number): number {
  const p = y * y;
  // Past this the split below overflows; 1 is then far below an ulp of y*y.
  if (!(Math.abs(y) < 1e150)) return 1 - p;
  // y*y = p + e exactly (Dekker's product); 1 - p = s + t exactly (Knuth's TwoSum).
  const c = 134217729 * y;
  const hi = c - (c - y);
  const lo = y - hi;
  const e = hi * hi - p + 2 * hi * lo + lo * lo;
  const s = 1 - p;
  const v = s - 1;
  const t = 1 - (s - v) + (-p - v);
  return s + (t - e);
}

/** For float32 y the product is exact in double, so one subtraction rounded to float32 is the fma. */
export function tanhGradF32(g: number, y: number): number {
  return Math.fround(g * Math.fround(1 - y * y));
}

export function tanhGradF64(g: number, y: number): number {
  return g * oneMinusSquare(y);
}

export function sigmoidGradF32(g: number, y: number): number {
  return Math.fround(Math.fround(g * Math.fround(1 - y)) * y);
}

export function sigmoidGradF64(g: number, y: number): number {
  return g * (1 - y) * y;
}

/**
 * The forwards below (and the slopes that PyTorch's backward multiplies the incoming gradient by) take ATen's steps
 * in the tensor's arithmetic (`arithmeticOf` in fma.ts: `r` rounds a step to the type), its constants converted to
 * the type first.
 */
type Round = Arithmetic['round'];
type MultiplyAdd = Arithmetic['madd'];

/** elu: x > 0 ? x·scale : (exp(x·inputScale) - 1)·(α·scale) (selu and celu through scale and inputScale). */
export function eluForward(alpha: number, scale: number, inputScale: number, r: Round): (v: number) => number {
  const positive = r(scale);
  const negative = r(r(alpha) * r(scale));
  const input = r(inputScale);
  return (v) => (v > 0 ? r(v * positive) : r(r(r(Math.exp(r(v * input))) - 1) * negative));
}

/** silu: x / (1 + exp(-x)). */
export function siluForward(r: Round): (v: number) => number {
  return (v) => r(v / r(1 + r(Math.exp(-v))));
}

/** softplus: log1p(exp(x·β)) / β, and x itself where x·β > threshold. */
export function softplusForward(beta: number, threshold: number, r: Round): (v: number) => number {
  const b = r(beta);
  const t = r(threshold);
  return (v) => {
    const vb = r(v * b);
    return vb > t ? v : r(r(Math.log1p(r(Math.exp(vb)))) / b);
  };
}

/** hardsigmoid: min(max(x + 3, 0), 6) / 6. */
export function hardsigmoidForward(r: Round): (v: number) => number {
  return (v) => r(Math.min(Math.max(r(v + 3), 0), 6) / 6);
}

/** hardswish: x · min(max(x + 3, 0), 6) / 6 (so -0 below -3 for negative x). */
export function hardswishForward(r: Round): (v: number) => number {
  return (v) => r(r(v * Math.min(Math.max(r(v + 3), 0), 6)) / 6);
}

/** hardswish's slope as PyTorch's vectorised loop (which most of a tensor goes through) takes it: 1 from 3 on. */
export function hardswishSlope(r: Round): (v: number) => number {
  return (v) => (v < -3 ? 0 : v >= 3 ? 1 : r(r(v / 3) + 0.5));
}

/** mish: x · tanh(log1p(exp(x))). */
export function mishForward(r: Round): (v: number) => number {
  return (v) => r(v * r(Math.tanh(r(Math.log1p(r(Math.exp(v)))))));
}

/**
 * mish's slope t + x·s·(1 - t²), t = tanh(softplus(x)), s = sigmoid(x); `madd` rounds its multiply-adds as ATen's
 * loop does.
 */
export function mishSlope(r: Round, madd: MultiplyAdd): (v: number) => number {
  return (v) => {
    const s = r(1 / r(1 + r(Math.exp(-v))));
    const t = r(Math.tanh(r(Math.log1p(r(Math.exp(v))))));
    return madd(r(v * s), madd(-t, t, 1), t);
  };
}

/** log_sigmoid: min(x, 0) - log1p(exp(-|x|)). */
export function logSigmoidForward(r: Round): (v: number) => number {
  return (v) => r(Math.min(v, 0) - r(Math.log1p(r(Math.exp(-Math.abs(v))))));
}

/** log_sigmoid's slope from b = exp(-|x|): x < 0 ? 1 - b/(1 + b) : b/(1 + b). */
export function logSigmoidSlope(r: Round): (v: number) => number {
  return (v) => {
    const b = r(Math.exp(-Math.abs(v)));
    const q = r(b / r(1 + b));
    return v < 0 ? r(1 - q) : q;
  };
}

/**
 * The input gradients that PyTorch's backward kernels compute from the incoming gradient g and the input x with g
 * in the first product (so not g times a slope): elu's, silu's and softplus's.
 */
export function eluGradient(
  alpha: number,
  scale: number,
  inputScale: number,
  r: Round,
): (g: number, v: number) => number {
  const positive = r(scale);
  const negative = r(r(alpha) * r(scale));
  const input = r(inputScale);
  return (g, v) => (v > 0 ? r(g * positive) : r(r(r(g * input) * negative) * r(Math.exp(r(v * input)))));
}

/** silu's: g · s · (1 + x (1 - s)), s = sigmoid(x); `madd` rounds x (1 - s) + 1 as ATen's loop does. */
export function siluGradient(r: Round, madd: MultiplyAdd): (g: number, v: number) => number {
  return (g, v) => {
    const s = r(1 / r(1 + r(Math.exp(-v))));
    return r(r(g * s) * madd(v, r(1 - s), 1));
  };
}

/** softplus's: g · z / (z + 1), z = exp(x·β), and g itself where x·β > threshold. */
export function softplusGradient(beta: number, threshold: number, r: Round): (g: number, v: number) => number {
  const b = r(beta);
  const t = r(threshold);
  return (g, v) => {
    const vb = r(v * b);
    if (vb > t) return g;
    const z = r(Math.exp(vb));
    return r(r(g * z) / r(z + 1));
  };
}
