/**
 * Softmax and log-softmax along the middle dim of a contiguous [outer, size, inner] array, and their backwards,
 * giving the bits of packages/core/src/kernels/softmax.ts: per column, m = the max over the dim (a later value is
 * taken when greater or NaN), S = Σ exp(x - m) in double in ascending order, out = exp(x - m) / S or
 * (x - m) - log(S), every value in double and rounded once at the store; exp and log are V8's (exp.ts). Rows
 * (inner 1) take PyTorch's steps in the type's arithmetic instead, as softmax.ts's rows do, [r0, r1) per call;
 * columns take the outer indices [o0, o1), in blocks of `bw` columns whose exp values wait in `scratch` (doubles,
 * private to the call: size·bw of them, then bw maxima and bw sums).
 */
import { fused32, get, put } from './doubles';
import { exp, log } from './exp';

@inline function dget(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function dput(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** The later value when it is greater or NaN: the TypeScript kernel's max, NaN included. */
@inline function maxStep(m: f64, v: f64): f64 {
  return v > m || v != v ? v : m;
}

/** a · b + c rounded once to float32, for float32 operands (doubles.ts fused32, in one lane). */
@inline function fma32(a: f32, b: f32, c: f32): f32 {
  return <f32>f64x2.extract_lane(fused32(f64x2.splat(<f64>c), f64x2.splat(<f64>a), f64x2.splat(<f64>b)), 0);
}

@inline function term32(p: usize, w: usize, i: i32): f32 {
  const v = load<f32>(p + (<usize>i << 2));
  return w ? v * load<f32>(w + (<usize>i << 2)) : v;
}

@inline function add32(acc: f32, p: usize, w: usize, i: i32): f32 {
  const v = load<f32>(p + (<usize>i << 2));
  return w ? fma32(v, load<f32>(w + (<usize>i << 2)), acc) : acc + v;
}

/**
 * Σ p[i] (w 0) or Σ p[i]·w[i] over n float32 values in PyTorch's eight lanes, as softmax.ts laneSum adds them: the
 * lanes in locals, folded ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)).
 */
function laneSum32(p: usize, n: i32, w: usize): f32 {
  if (n < 8) {
    let s = term32(p, w, 0);
    for (let i = 1; i < n; i++) s = s + term32(p, w, i);
    return s;
  }
  let l0 = term32(p, w, 0), l1 = term32(p, w, 1), l2 = term32(p, w, 2), l3 = term32(p, w, 3);
  let l4 = term32(p, w, 4), l5 = term32(p, w, 5), l6 = term32(p, w, 6), l7 = term32(p, w, 7);
  let d = 8;
  for (const full = n - n % 8; d < full; d += 8) {
    l0 = add32(l0, p, w, d); l1 = add32(l1, p, w, d + 1); l2 = add32(l2, p, w, d + 2); l3 = add32(l3, p, w, d + 3);
    l4 = add32(l4, p, w, d + 4); l5 = add32(l5, p, w, d + 5); l6 = add32(l6, p, w, d + 6); l7 = add32(l7, p, w, d + 7);
  }
  const k = n - d;
  if (k > 0) l0 = add32(l0, p, w, d);
  if (k > 1) l1 = add32(l1, p, w, d + 1);
  if (k > 2) l2 = add32(l2, p, w, d + 2);
  if (k > 3) l3 = add32(l3, p, w, d + 3);
  if (k > 4) l4 = add32(l4, p, w, d + 4);
  if (k > 5) l5 = add32(l5, p, w, d + 5);
  if (k > 6) l6 = add32(l6, p, w, d + 6);
  return ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7));
}

/** Σ p[i] over n doubles in PyTorch's four float64 lanes, folded in order (softmax.ts laneSum). */
function laneSum64(p: usize, n: i32): f64 {
  if (n < 4) {
    let s = dget(p, 0);
    for (let i = 1; i < n; i++) s += dget(p, i);
    return s;
  }
  let l0 = dget(p, 0), l1 = dget(p, 1), l2 = dget(p, 2), l3 = dget(p, 3);
  let d = 4;
  for (const full = n - n % 4; d < full; d += 4) {
    l0 += dget(p, d); l1 += dget(p, d + 1); l2 += dget(p, d + 2); l3 += dget(p, d + 3);
  }
  const k = n - d;
  if (k > 0) l0 += dget(p, d);
  if (k > 1) l1 += dget(p, d + 1);
  if (k > 2) l2 += dget(p, d + 2);
  return ((l0 + l1) + l2) + l3;
}

/**
 * Rows as softmax.ts softmaxRows computes them (PyTorch's row kernel, in T's arithmetic): the exp values, their
 * difference and each rounded to T, wait in `scratch` (size of them, private to the call), then S over the lanes,
 * out = e · (1 / S) or (x - m) - log(S).
 */
function softmaxRows<T>(x: usize, out: usize, size: i32, isLog: i32, r0: i32, r1: i32, scratch: usize): void {
  for (let r = r0; r < r1; r++) {
    const p = x + ((<usize>r * size) << alignof<T>()), q = out + ((<usize>r * size) << alignof<T>());
    let m = -Infinity;
    for (let s = 0; s < size; s++) m = maxStep(m, get<T>(p, s));
    for (let s = 0; s < size; s++) put<T>(scratch, s, exp(<f64>(<T>(load<T>(p + (<usize>s << alignof<T>())) - <T>m))));
    const sum: f64 = sizeof<T>() == 4 ? <f64>laneSum32(scratch, size, 0) : laneSum64(scratch, size);
    if (isLog) {
      const l = <T>log(sum);
      for (let s = 0; s < size; s++) store<T>(q + (<usize>s << alignof<T>()), <T>(load<T>(p + (<usize>s << alignof<T>())) - <T>m) - l);
    } else {
      const inverse = <T>1 / <T>sum;
      for (let s = 0; s < size; s++) store<T>(q + (<usize>s << alignof<T>()), load<T>(scratch + (<usize>s << alignof<T>())) * inverse);
    }
  }
}

/**
 * Columns as softmax.ts computes them: float64 in double; float32 as PyTorch's kernel for a middle dim, x - m and its
 * exp rounded to float32, S a float32 sum in ascending s, out = e / S or (x - m) - log(S) with log(S) rounded.
 */
function softmaxColumns<T>(x: usize, out: usize, size: i32, inner: i32, isLog: i32, bw: i32, o0: i32, o1: i32,
                           scratch: usize): void {
  const ms = scratch + ((<usize>size * bw) << 3), sums = ms + (<usize>bw << 3);
  const f32 = sizeof<T>() == 4;
  for (let o = o0; o < o1; o++) {
    for (let i0 = 0; i0 < inner; i0 += bw) {
      const w = min(bw, inner - i0);
      const base = <usize>o * size * inner + i0;
      for (let i = 0; i < w; i++) {
        dput(ms, i, -Infinity);
        dput(sums, i, 0);
      }
      for (let s = 0; s < size; s++) {
        const p = x + ((base + <usize>s * inner) << alignof<T>());
        for (let i = 0; i < w; i++) dput(ms, i, maxStep(dget(ms, i), get<T>(p, i)));
      }
      for (let s = 0; s < size; s++) {
        const p = x + ((base + <usize>s * inner) << alignof<T>());
        for (let i = 0; i < w; i++) {
          const v = f32
            ? <f64><f32>exp(<f64>(<f32>get<T>(p, i) - <f32>dget(ms, i)))
            : exp(get<T>(p, i) - dget(ms, i));
          if (!isLog) dput(scratch, s * w + i, v);
          dput(sums, i, f32 ? <f64>(<f32>dget(sums, i) + <f32>v) : dget(sums, i) + v);
        }
      }
      if (isLog) for (let i = 0; i < w; i++) dput(sums, i, f32 ? <f64><f32>log(dget(sums, i)) : log(dget(sums, i)));
      for (let s = 0; s < size; s++) {
        const p = x + ((base + <usize>s * inner) << alignof<T>()), q = out + ((base + <usize>s * inner) << alignof<T>());
        for (let i = 0; i < w; i++) {
          const d = f32 ? <f64>(<f32>get<T>(p, i) - <f32>dget(ms, i)) : get<T>(p, i) - dget(ms, i);
          put<T>(q, i, isLog ? d - dget(sums, i) : dget(scratch, s * w + i) / dget(sums, i));
        }
      }
    }
  }
}

/**
 * float32 rows as softmax.ts softmaxBackwardRows computes them: log-softmax gx = gy - exp(y) · S (fused), S = Σ gy;
 * softmax gx = (gy - S) · y, S = Σ gy · y, over the lanes. (float64 rows, whose fused multiply-add WebAssembly
 * cannot round once, run the TypeScript kernel.)
 */
export function softmaxBackwardRows32(y: usize, gy: usize, gx: usize, size: i32, isLog: i32, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const off = (<usize>r * size) << 2;
    const py = y + off, pg = gy + off, po = gx + off;
    if (isLog) {
      const sum = laneSum32(pg, size, 0);
      for (let s = 0; s < size; s++) {
        const at = <usize>s << 2;
        store<f32>(po + at, fma32(-<f32>exp(<f64>load<f32>(py + at)), sum, load<f32>(pg + at)));
      }
    } else {
      const sum = laneSum32(pg, size, py);
      for (let s = 0; s < size; s++) {
        const at = <usize>s << 2;
        store<f32>(po + at, (load<f32>(pg + at) - sum) * load<f32>(py + at));
      }
    }
  }
}

/**
 * float32 columns as softmax.ts computes them (PyTorch's kernel for a middle dim): the sums in float32 in ascending
 * s, Σ gy · y in fused multiply-adds; log-softmax gx = gy - exp(y) · S fused. (float64 columns, whose fused
 * multiply-adds WebAssembly cannot round once, run the TypeScript kernel.)
 */
export function softmaxBackwardColumns32(y: usize, gy: usize, gx: usize, size: i32, inner: i32, isLog: i32, bw: i32,
                                         o0: i32, o1: i32, scratch: usize): void {
  for (let o = o0; o < o1; o++) {
    for (let i0 = 0; i0 < inner; i0 += bw) {
      const w = min(bw, inner - i0);
      const base = <usize>o * size * inner + i0;
      for (let i = 0; i < w; i++) store<f32>(scratch + (<usize>i << 2), 0);
      for (let s = 0; s < size; s++) {
        const at = (base + <usize>s * inner) << 2;
        for (let i = 0; i < w; i++) {
          const k = scratch + (<usize>i << 2), e = <usize>i << 2;
          const g = load<f32>(gy + at + e);
          store<f32>(k, isLog ? load<f32>(k) + g : fma32(g, load<f32>(y + at + e), load<f32>(k)));
        }
      }
      for (let s = 0; s < size; s++) {
        const at = (base + <usize>s * inner) << 2;
        for (let i = 0; i < w; i++) {
          const e = <usize>i << 2;
          const g = load<f32>(gy + at + e), v = load<f32>(y + at + e), sum = load<f32>(scratch + e);
          store<f32>(gx + at + e, isLog ? fma32(-<f32>exp(<f64>v), sum, g) : (g - sum) * v);
        }
      }
    }
  }
}

export function softmaxRows32(x: usize, out: usize, size: i32, isLog: i32, r0: i32, r1: i32, scratch: usize): void {
  softmaxRows<f32>(x, out, size, isLog, r0, r1, scratch);
}
export function softmaxRows64(x: usize, out: usize, size: i32, isLog: i32, r0: i32, r1: i32, scratch: usize): void {
  softmaxRows<f64>(x, out, size, isLog, r0, r1, scratch);
}
export function softmaxColumns32(x: usize, out: usize, size: i32, inner: i32, isLog: i32, bw: i32, o0: i32, o1: i32,
                                 scratch: usize): void {
  softmaxColumns<f32>(x, out, size, inner, isLog, bw, o0, o1, scratch);
}
export function softmaxColumns64(x: usize, out: usize, size: i32, inner: i32, isLog: i32, bw: i32, o0: i32, o1: i32,
                                 scratch: usize): void {
  softmaxColumns<f64>(x, out, size, inner, isLog, bw, o0, o1, scratch);
}
