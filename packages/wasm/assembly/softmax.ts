/**
 * Softmax and log-softmax along the middle dim of a contiguous [outer, size, inner] array, and their backwards,
 * giving the bits of packages/core/src/kernels/softmax.ts: per column, m = the max over the dim (a later value is
 * taken when greater or NaN), S = Σ exp(x - m) in double in ascending order, out = exp(x - m) / S or
 * (x - m) - log(S), every value in double and rounded once at the store; exp and log are V8's (exp.ts). Rows
 * (inner 1) take PyTorch's steps in the type's arithmetic instead, as softmax.ts's rows do, [r0, r1) per call;
 * columns take the outer indices [o0, o1), in blocks of `bw` columns whose exp values wait in `scratch` (doubles,
 * private to the call: size·bw of them, then bw maxima and bw sums).
 */
import { get, put } from './doubles';
import { fma32, laneSum32, laneSum64 } from './lanes';
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
    const sum: f64 = sizeof<T>() == 4 ? <f64>laneSum32(scratch, size, 0, 0) : laneSum64(scratch, size);
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
      const sum = laneSum32(pg, size, 0, 0);
      for (let s = 0; s < size; s++) {
        const at = <usize>s << 2;
        store<f32>(po + at, fma32(-<f32>exp(<f64>load<f32>(py + at)), sum, load<f32>(pg + at)));
      }
    } else {
      const sum = laneSum32(pg, size, 0, py);
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
