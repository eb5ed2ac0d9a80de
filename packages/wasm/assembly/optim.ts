/**
 * The SGD and Adam updates of float32 parameters and the sum along a dim, giving the bits of
 * packages/core/src/kernels/optim.ts `sgdUpdate` / `adamUpdate` and contiguous.ts `sumDim`. They compute in double,
 * two elements at a time in f64x2 lanes (float32 elements promoted on load), and round where the TypeScript loops
 * round: `rnd` rounds a double to float32 (a float32 product of float32 values, rounded once, is the float32
 * product), `fused32` gives a fused multiply-add, and the store rounds. Float64 parameters take the TypeScript
 * kernels: their fused multiply-adds need its emulation in double.
 */

import { fused32, get, ld, rnd, st } from './doubles';

/**
 * Elements [2·k0, 2·k1) of param (and buf) in place; the host rounds the scalars to float32 first, as the
 * TypeScript loop does, and pads each array to an even length (the pad's result is never copied out). Each
 * `a + b·c` below is a fused multiply-add:
 *   d = maximize ? -grad : grad;  decay: d = d + wd·p
 *   buf: m = first ? d : rnd(b·mom) + keep·d;  b = m;  d = nesterov ? d + mom·m : m
 *   p = p + step·d
 */
export function sgdUpdate32(param: usize, grad: usize, buf: usize, k0: i32, k1: i32, step: f64, mom: f64, keep: f64,
                            wd: f64, decay: i32, nesterov: i32, maximize: i32, first: i32): void {
  const vStep = f64x2.splat(step), vMom = f64x2.splat(mom), vKeep = f64x2.splat(keep), vWd = f64x2.splat(wd);
  // Without dampening (keep 1) the buffer's update adds two float32 values: its double sum rounds once, exactly.
  const addOnly = keep == 1;
  for (let k = k0; k < k1; k++) {
    const at = (<usize>k << 1) << alignof<f32>();
    const p = ld<f32>(param + at);
    let d = ld<f32>(grad + at);
    if (maximize) d = f64x2.neg(d);
    if (decay) d = fused32(d, vWd, p);
    if (buf != 0) {
      const kept = rnd<f32>(f64x2.mul(ld<f32>(buf + at), vMom));
      const m = first ? d : addOnly ? rnd<f32>(f64x2.add(kept, d)) : fused32(kept, vKeep, d);
      st<f32>(buf + at, m);
      d = nesterov ? fused32(d, vMom, m) : m;
    }
    st<f32>(param + at, fused32(p, vStep, d));
  }
}

/**
 * Adam / AdamW over element pairs [k0, k1) in place (packages/core/src/kernels/optim.ts `adamUpdate`); the host
 * passes the scalars rounded to the element type (shrink = 1 - lr·wd, k1 = 1 - beta1, k2 = 1 - beta2, the square
 * root of the second bias correction, v = -lr / (1 - beta1^step)):
 *   decoupled: p = rnd(p·shrink); coupled: g = g + wd·p (fused, as below)
 *   m = rnd(m·b1) + k1·g;  s = rnd(s·b2) + rnd(k2·g)·g (fused multiply-adds);  amsgrad: mx = maximum(mx, s) (NaN wins)
 *   p = p + rnd(rnd(v·m) / rnd(rnd(rnd(sqrt(mx or s)) / bc2) + eps))
 * `flags`: 1 decoupled, 2 coupled weight decay, 4 amsgrad, 8 maximize.
 */
export function adamUpdate32(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxSq: usize, k0: i32, k1: i32,
                             shrink: f64, wd: f64, b1: f64, c1: f64, b2: f64, c2: f64, bc2: f64, eps: f64, v: f64, flags: i32): void {
  const vShrink = f64x2.splat(shrink), vWd = f64x2.splat(wd), vB1 = f64x2.splat(b1), vC1 = f64x2.splat(c1);
  const vB2 = f64x2.splat(b2), vC2 = f64x2.splat(c2), vBc2 = f64x2.splat(bc2), vEps = f64x2.splat(eps), vV = f64x2.splat(v);
  const nan = f64x2.splat(NaN);
  for (let k = k0; k < k1; k++) {
    const at = (<usize>k << 1) << alignof<f32>();
    let g = ld<f32>(grad + at);
    if (flags & 8) g = f64x2.neg(g);
    let p = ld<f32>(param + at);
    if (flags & 1) p = rnd<f32>(f64x2.mul(p, vShrink));
    else if (flags & 2) g = fused32(g, vWd, p);
    const m = fused32(rnd<f32>(f64x2.mul(ld<f32>(expAvg + at), vB1)), vC1, g);
    const sq = fused32(rnd<f32>(f64x2.mul(ld<f32>(expAvgSq + at), vB2)), rnd<f32>(f64x2.mul(vC2, g)), g);
    st<f32>(expAvg + at, m);
    st<f32>(expAvgSq + at, sq);
    let second = sq;
    if (flags & 4) {
      const old = ld<f32>(maxSq + at);
      const either = v128.or(f64x2.ne(old, old), f64x2.ne(sq, sq));
      second = v128.bitselect(nan, v128.bitselect(old, sq, f64x2.gt(old, sq)), either);
      st<f32>(maxSq + at, second);
    }
    const denom = rnd<f32>(f64x2.add(rnd<f32>(f64x2.div(rnd<f32>(f64x2.sqrt(second)), vBc2)), vEps));
    st<f32>(param + at, f64x2.add(p, rnd<f32>(f64x2.div(rnd<f32>(f64x2.mul(vV, m)), denom))));
  }
}

/**
 * Rows [o0, o1) of a contiguous [outer, size] array summed, each from 0 in ascending order in double: one running
 * sum a row, as the TypeScript loop adds, but four rows at once in the lanes of two f64x2 accumulators, so that
 * the sums' additions overlap instead of waiting on each other.
 */
function sumRows<T>(a: usize, size: i32, out: usize, o0: i32, o1: i32): void {
  const rowBytes = <usize>size << alignof<T>();
  let o = o0;
  for (; o + 4 <= o1; o += 4) {
    const p0 = a + <usize>o * rowBytes, p1 = p0 + rowBytes, p2 = p1 + rowBytes, p3 = p2 + rowBytes;
    let acc01 = f64x2.splat(0), acc23 = f64x2.splat(0);
    for (let s = 0; s < size; s++) {
      acc01 = f64x2.add(acc01, f64x2.replace_lane(f64x2.splat(get<T>(p0, s)), 1, get<T>(p1, s)));
      acc23 = f64x2.add(acc23, f64x2.replace_lane(f64x2.splat(get<T>(p2, s)), 1, get<T>(p3, s)));
    }
    const dst = out + (<usize>o << alignof<T>());
    st<T>(dst, acc01);
    st<T>(dst + (2 << alignof<T>()), acc23);
  }
  for (; o < o1; o++) {
    const p = a + <usize>o * rowBytes;
    let acc: f64 = 0;
    for (let s = 0; s < size; s++) acc += get<T>(p, s);
    store<T>(out + (<usize>o << alignof<T>()), <T>acc);
  }
}

/**
 * Rows [o0, o1) of a contiguous [outer, size, inner] array summed along the middle dim, each output from 0 in
 * ascending s in double: two inner positions at a time in f64x2 lanes (the same order per element), a scalar
 * loop for an odd last one; along the last dim (inner 1), sumRows.
 */
function sumDim<T>(a: usize, size: i32, inner: i32, out: usize, o0: i32, o1: i32): void {
  if (inner == 1) return sumRows<T>(a, size, out, o0, o1);
  const rowBytes = (<usize>size * inner) << alignof<T>();
  const stepBytes = <usize>inner << alignof<T>();
  for (let o = o0; o < o1; o++) {
    const base = a + <usize>o * rowBytes;
    const dst = out + ((<usize>o * inner) << alignof<T>());
    let i = 0;
    for (; i + 2 <= inner; i += 2) {
      let acc = f64x2.splat(0);
      let p = base + (<usize>i << alignof<T>());
      for (let s = 0; s < size; s++) {
        acc = f64x2.add(acc, ld<T>(p));
        p += stepBytes;
      }
      st<T>(dst + (<usize>i << alignof<T>()), acc);
    }
    for (; i < inner; i++) {
      let acc: f64 = 0;
      let p = base + (<usize>i << alignof<T>());
      for (let s = 0; s < size; s++) {
        acc += <f64>load<T>(p);
        p += stepBytes;
      }
      store<T>(dst + (<usize>i << alignof<T>()), <T>acc);
    }
  }
}

export function sumDim32(a: usize, size: i32, inner: i32, out: usize, o0: i32, o1: i32): void {
  sumDim<f32>(a, size, inner, out, o0, o1);
}
export function sumDim64(a: usize, size: i32, inner: i32, out: usize, o0: i32, o1: i32): void {
  sumDim<f64>(a, size, inner, out, o0, o1);
}
