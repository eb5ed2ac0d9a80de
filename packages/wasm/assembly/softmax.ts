/**
 * Softmax and log-softmax along the middle dim of a contiguous [outer, size, inner] array, and their backwards,
 * giving the bits of packages/core/src/kernels/softmax.ts: per column, m = the max over the dim (a later value is
 * taken when greater or NaN), S = Σ exp(x - m) in double in ascending order, out = exp(x - m) / S or
 * (x - m) - log(S), every value in double and rounded once at the store; exp and log are V8's (exp.ts). Rows
 * (inner 1) take [r0, r1) per call; columns take the outer indices [o0, o1), in blocks of `bw` columns whose
 * exp values wait in `scratch` (doubles, private to the call: size·bw of them, then bw maxima and bw sums).
 */
import { get, put } from './doubles';
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

function softmaxRows<T>(x: usize, out: usize, size: i32, isLog: i32, r0: i32, r1: i32, scratch: usize): void {
  for (let r = r0; r < r1; r++) {
    const p = x + ((<usize>r * size) << alignof<T>()), q = out + ((<usize>r * size) << alignof<T>());
    let m = -Infinity;
    for (let s = 0; s < size; s++) m = maxStep(m, get<T>(p, s));
    let sum: f64 = 0;
    if (isLog) {
      for (let s = 0; s < size; s++) sum += exp(get<T>(p, s) - m);
      const l = log(sum);
      for (let s = 0; s < size; s++) put<T>(q, s, get<T>(p, s) - m - l);
    } else {
      for (let s = 0; s < size; s++) {
        const v = exp(get<T>(p, s) - m);
        dput(scratch, s, v);
        sum += v;
      }
      for (let s = 0; s < size; s++) put<T>(q, s, dget(scratch, s) / sum);
    }
  }
}

function softmaxColumns<T>(x: usize, out: usize, size: i32, inner: i32, isLog: i32, bw: i32, o0: i32, o1: i32,
                           scratch: usize): void {
  const ms = scratch + ((<usize>size * bw) << 3), sums = ms + (<usize>bw << 3);
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
          const v = exp(get<T>(p, i) - dget(ms, i));
          if (!isLog) dput(scratch, s * w + i, v);
          dput(sums, i, dget(sums, i) + v);
        }
      }
      if (isLog) for (let i = 0; i < w; i++) dput(sums, i, log(dget(sums, i)));
      for (let s = 0; s < size; s++) {
        const p = x + ((base + <usize>s * inner) << alignof<T>()), q = out + ((base + <usize>s * inner) << alignof<T>());
        for (let i = 0; i < w; i++) {
          put<T>(q, i, isLog ? get<T>(p, i) - dget(ms, i) - dget(sums, i) : dget(scratch, s * w + i) / dget(sums, i));
        }
      }
    }
  }
}

/** Softmax gx = y (gy - Σ gy y); log-softmax gx = gy - exp(y) Σ gy; the sums in double in ascending order. */
function softmaxBackwardRows<T>(y: usize, gy: usize, gx: usize, size: i32, isLog: i32, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const off = (<usize>r * size) << alignof<T>();
    const py = y + off, pg = gy + off, po = gx + off;
    let sum: f64 = 0;
    if (isLog) {
      for (let s = 0; s < size; s++) sum += get<T>(pg, s);
      for (let s = 0; s < size; s++) put<T>(po, s, get<T>(pg, s) - exp(get<T>(py, s)) * sum);
    } else {
      for (let s = 0; s < size; s++) sum += get<T>(pg, s) * get<T>(py, s);
      for (let s = 0; s < size; s++) put<T>(po, s, get<T>(py, s) * (get<T>(pg, s) - sum));
    }
  }
}

function softmaxBackwardColumns<T>(y: usize, gy: usize, gx: usize, size: i32, inner: i32, isLog: i32, bw: i32, o0: i32,
                                   o1: i32, scratch: usize): void {
  for (let o = o0; o < o1; o++) {
    for (let i0 = 0; i0 < inner; i0 += bw) {
      const w = min(bw, inner - i0);
      const base = <usize>o * size * inner + i0;
      for (let i = 0; i < w; i++) dput(scratch, i, 0);
      for (let s = 0; s < size; s++) {
        const at = (base + <usize>s * inner) << alignof<T>();
        for (let i = 0; i < w; i++) {
          const g = get<T>(gy + at, i);
          dput(scratch, i, dget(scratch, i) + (isLog ? g : g * get<T>(y + at, i)));
        }
      }
      for (let s = 0; s < size; s++) {
        const at = (base + <usize>s * inner) << alignof<T>();
        for (let i = 0; i < w; i++) {
          const g = get<T>(gy + at, i), v = get<T>(y + at, i), sum = dget(scratch, i);
          put<T>(gx + at, i, isLog ? g - exp(v) * sum : v * (g - sum));
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
export function softmaxBackwardRows32(y: usize, gy: usize, gx: usize, size: i32, isLog: i32, r0: i32, r1: i32): void {
  softmaxBackwardRows<f32>(y, gy, gx, size, isLog, r0, r1);
}
export function softmaxBackwardRows64(y: usize, gy: usize, gx: usize, size: i32, isLog: i32, r0: i32, r1: i32): void {
  softmaxBackwardRows<f64>(y, gy, gx, size, isLog, r0, r1);
}
export function softmaxBackwardColumns32(y: usize, gy: usize, gx: usize, size: i32, inner: i32, isLog: i32, bw: i32,
                                         o0: i32, o1: i32, scratch: usize): void {
  softmaxBackwardColumns<f32>(y, gy, gx, size, inner, isLog, bw, o0, o1, scratch);
}
export function softmaxBackwardColumns64(y: usize, gy: usize, gx: usize, size: i32, inner: i32, isLog: i32, bw: i32,
                                         o0: i32, o1: i32, scratch: usize): void {
  softmaxBackwardColumns<f64>(y, gy, gx, size, inner, isLog, bw, o0, o1, scratch);
}
