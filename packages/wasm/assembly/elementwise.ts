/**
 * Elementwise kernels giving the bits of packages/core/src/kernels/contiguous.ts: each value computed in double
 * and rounded once (float32 sigmoid and gelu excepted: they take PyTorch's float32 steps, gelu's in gelu.ts).
 * exp, log, tanh and sigmoid run one element at a time on exp.ts, which computes V8's Math.exp, Math.log and
 * Math.tanh operation for operation. For float32 operands a float32 add, subtract, multiply, divide or square root
 * is that same value (the double result of two float32 operands rounds to the correctly rounded float32 one), so those run as
 * f32x4 instructions; expressions with two roundings in double (rsqrt) run in f64x2 lanes and are rounded at the
 * store, as the TypeScript loops round. Add with an alpha other than 1, a fused multiply-add, is left to the
 * TypeScript kernel (kernels/fma.ts): WebAssembly has no fused multiply-add that is sure to round once.
 */

import { exp, log, tanh } from './exp';
import { gelu32, geluSlope32 } from './gelu';

// unary op codes (contiguous.ts UnaryOp) this module computes
const RELU = 0, NEG = 1, ABS = 2, EXP = 3, LOG = 4, SQRT = 5, TANH = 6, SIGMOID = 7, RSQRT = 10, SQUARE = 11, GELU = 12, GELU_DERIVATIVE = 13;
// binary op codes (contiguous.ts BinaryOp)
const ADD = 0, SUB = 1, MUL = 2, DIV = 3, RELU_BACKWARD = 4;

@inline function unaryVec<T>(op: i32, v: v128): v128 {
  if (sizeof<T>() == 4) {
    if (op == RELU) return v128.andnot(v, f32x4.lt(v, f32x4.splat(0)));
    if (op == NEG) return f32x4.neg(v);
    if (op == ABS) return f32x4.abs(v);
    if (op == SQRT) return f32x4.sqrt(v);
    if (op == SQUARE) return f32x4.mul(v, v);
    const one = f64x2.splat(1);
    const lo = f64x2.div(one, f64x2.sqrt(f64x2.promote_low_f32x4(v)));
    const hi = f64x2.div(one, f64x2.sqrt(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))));
    return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
  }
  if (op == RELU) return v128.andnot(v, f64x2.lt(v, f64x2.splat(0)));
  if (op == NEG) return f64x2.neg(v);
  if (op == ABS) return f64x2.abs(v);
  if (op == SQRT) return f64x2.sqrt(v);
  if (op == SQUARE) return f64x2.mul(v, v);
  return f64x2.div(f64x2.splat(1), f64x2.sqrt(v));
}

@inline function unaryScalar<T>(op: i32, v: T): T {
  if (op == RELU) return v < 0 ? <T>0 : v;
  if (op == NEG) return -v;
  if (op == ABS) return abs<T>(v);
  if (op == SQRT) return <T>Math.sqrt(<f64>v);
  if (op == SQUARE) return v * v;
  return <T>(1 / Math.sqrt(<f64>v));
}

// The ops on exp.ts, one element at a time in double, as contiguous.ts writes them.

function sigmoid(v: f64): f64 {
  return 1 / (1 + exp(-v));
}

/** sigmoid's float32 steps, as PyTorch's kernel (and contiguous.ts) takes them: exp(-v) rounded, then f32 arithmetic. */
function sigmoid32(v: f64): f64 {
  const e = <f32>exp(-v);
  return <f64>(<f32>1 / (<f32>1 + e));
}

/** out[i] = f(x[i]) in double, rounded at the store (f a function, so that each op's loop computes only its own). */
function mapRun<T>(f: (v: f64) => f64, x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << alignof<T>();
    store<T>(out + at, <T>f(<f64>load<T>(x + at)));
  }
}

function unaryRun<T>(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  const lanes = 16 / sizeof<T>();
  for (; i + lanes <= n; i += lanes) {
    const at = <usize>i << alignof<T>();
    v128.store(out + at, unaryVec<T>(op, v128.load(x + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i << alignof<T>();
    store<T>(out + at, unaryScalar<T>(op, load<T>(x + at)));
  }
}

/** unaryRun with op a constant at each call, so that each op's loop is compiled on its own. */
function unaryOp<T>(op: i32, x: usize, out: usize, n: i32): void {
  if (op == RELU) unaryRun<T>(RELU, x, out, n);
  else if (op == NEG) unaryRun<T>(NEG, x, out, n);
  else if (op == ABS) unaryRun<T>(ABS, x, out, n);
  else if (op == SQRT) unaryRun<T>(SQRT, x, out, n);
  else if (op == SQUARE) unaryRun<T>(SQUARE, x, out, n);
  else if (op == RSQRT) unaryRun<T>(RSQRT, x, out, n);
  else if (op == EXP) mapRun<T>(exp, x, out, n);
  else if (op == LOG) mapRun<T>(log, x, out, n);
  else if (op == TANH) mapRun<T>(tanh, x, out, n);
  else mapRun<T>(sizeof<T>() == 4 ? sigmoid32 : sigmoid, x, out, n);
}

export function unary32(op: i32, x: usize, out: usize, n: i32): void {
  if (op == GELU) gelu32(x, out, n);
  else if (op == GELU_DERIVATIVE) geluSlope32(x, out, n);
  else unaryOp<f32>(op, x, out, n);
}
/** Not gelu: PyTorch's float64 gelu is ATen's formula, which the host leaves to the TypeScript kernels. */
export function unary64(op: i32, x: usize, out: usize, n: i32): void {
  if (op >= GELU) unreachable();
  unaryOp<f64>(op, x, out, n);
}

// ---- binary ----

@inline function binaryScalar<T>(op: i32, a: T, b: T): T {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  if (op == DIV) return a / b;
  return b <= 0 ? <T>0 : a;
}

@inline function binaryVec<T>(op: i32, a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) {
    if (op == ADD) return f32x4.add(a, b);
    if (op == SUB) return f32x4.sub(a, b);
    if (op == MUL) return f32x4.mul(a, b);
    if (op == DIV) return f32x4.div(a, b);
    return v128.andnot(a, f32x4.le(b, f32x4.splat(0)));
  }
  if (op == ADD) return f64x2.add(a, b);
  if (op == SUB) return f64x2.sub(a, b);
  if (op == MUL) return f64x2.mul(a, b);
  if (op == DIV) return f64x2.div(a, b);
  return v128.andnot(a, f64x2.le(b, f64x2.splat(0)));
}

/** One inner run of n outputs: a and b at element strides sa and sb (0 broadcasts, 1 is contiguous). */
@inline function binaryRun<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  let i = 0;
  const lanes = 16 / sizeof<T>();
  if (sa == 1 && sb == 1) {
    for (; i + lanes <= n; i += lanes) {
      const at = <usize>i << alignof<T>();
      v128.store(out + at, binaryVec<T>(op, v128.load(a + at), v128.load(b + at)));
    }
  } else if (sa == 1 && sb == 0) {
    const vb = sizeof<T>() == 4 ? v128.load32_splat(b) : v128.load64_splat(b);
    for (; i + lanes <= n; i += lanes) {
      const at = <usize>i << alignof<T>();
      v128.store(out + at, binaryVec<T>(op, v128.load(a + at), vb));
    }
  } else if (sa == 0 && sb == 1) {
    const va = sizeof<T>() == 4 ? v128.load32_splat(a) : v128.load64_splat(a);
    for (; i + lanes <= n; i += lanes) {
      const at = <usize>i << alignof<T>();
      v128.store(out + at, binaryVec<T>(op, va, v128.load(b + at)));
    }
  }
  for (; i < n; i++) {
    const av = load<T>(a + ((<usize>i * sa) << alignof<T>()));
    const bv = load<T>(b + ((<usize>i * sb) << alignof<T>()));
    store<T>(out + (<usize>i << alignof<T>()), binaryScalar<T>(op, av, bv));
  }
}

/**
 * out[k] = op(a[Σ i_d aStride_d], b[Σ i_d bStride_d]) over the row-major index k of a layout of up to four dims:
 * `layout` holds i32s [ndim, shape0..3, aStride0..3, bStride0..3] (contiguous.ts, checked by the host).
 */
function binaryLayout<T>(op: i32, a: usize, b: usize, out: usize, layout: usize): void {
  const nd = load<i32>(layout);
  const inner = load<i32>(layout + (<usize>nd << 2));
  const sa = load<i32>(layout + (<usize>(4 + nd) << 2));
  const sb = load<i32>(layout + (<usize>(8 + nd) << 2));
  // The outer dims as three nested loops, missing ones of size 1 in front.
  const s0 = outer(layout, nd, 0, 0), s1 = outer(layout, nd, 1, 0), s2 = outer(layout, nd, 2, 0);
  const a0 = outer(layout, nd, 0, 4), a1 = outer(layout, nd, 1, 4), a2 = outer(layout, nd, 2, 4);
  const b0 = outer(layout, nd, 0, 8), b1 = outer(layout, nd, 1, 8), b2 = outer(layout, nd, 2, 8);
  let po = out;
  for (let i0 = 0; i0 < s0; i0++) {
    for (let i1 = 0; i1 < s1; i1++) {
      for (let i2 = 0; i2 < s2; i2++) {
        const pa = a + ((<usize>i0 * a0 + <usize>i1 * a1 + <usize>i2 * a2) << alignof<T>());
        const pb = b + ((<usize>i0 * b0 + <usize>i1 * b1 + <usize>i2 * b2) << alignof<T>());
        if (op == ADD) binaryRun<T>(ADD, pa, sa, pb, sb, po, inner);
        else if (op == SUB) binaryRun<T>(SUB, pa, sa, pb, sb, po, inner);
        else if (op == MUL) binaryRun<T>(MUL, pa, sa, pb, sb, po, inner);
        else if (op == DIV) binaryRun<T>(DIV, pa, sa, pb, sb, po, inner);
        else binaryRun<T>(RELU_BACKWARD, pa, sa, pb, sb, po, inner);
        po += <usize>inner << alignof<T>();
      }
    }
  }
}

/** Outer dim k of three (0 outermost) of a layout of nd dims: its size (base 0) or stride (base 4 or 8). */
@inline function outer(layout: usize, nd: i32, k: i32, base: i32): i32 {
  const d = k - (3 - (nd - 1));
  if (d < 0) return base == 0 ? 1 : 0;
  return load<i32>(layout + (<usize>(1 + base + d) << 2));
}

export function binary32(op: i32, a: usize, b: usize, out: usize, layout: usize): void {
  binaryLayout<f32>(op, a, b, out, layout);
}
export function binary64(op: i32, a: usize, b: usize, out: usize, layout: usize): void {
  binaryLayout<f64>(op, a, b, out, layout);
}
