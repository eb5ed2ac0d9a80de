/**
 * Batch norm forward and backward over contiguous [N, C, HW], channels [c0, c1) per call, giving the bits of
 * packages/core/src/kernels/norm.ts: every per-channel sum runs in the eight interleaved double accumulators of
 * packages/core/src/kernels/lane-sums.ts (element j of a run of HW goes to accumulator j mod 8; the total is
 * ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))), held here as four f64x2 vectors; a tail element is added to its
 * lane with -0 in the other (x + -0 is x, signed zeros included). Values are rounded where that kernel rounds.
 * Optional arrays are 0 when absent.
 */

import { ld, st } from './doubles';

const NEG_ZERO = f64x2.splat(-0.0);


/** v in lane `lane` (0 or 1) and -0 in the other: what adding one tail element to an accumulator pair adds. */
@inline function inLane(v: f64, lane: i32): v128 {
  return lane == 0 ? f64x2.replace_lane(NEG_ZERO, 0, v) : f64x2.replace_lane(NEG_ZERO, 1, v);
}

@inline function pairSum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** The eight accumulators' total, in the fixed tree order. */
@inline export function total8(a01: v128, a23: v128, a45: v128, a67: v128): f64 {
  return (pairSum(a01) + pairSum(a23)) + (pairSum(a45) + pairSum(a67));
}

@inline function vsplat<T>(v: T): v128 {
  return sizeof<T>() == 4 ? f32x4.splat(<f32>v) : f64x2.splat(<f64>v);
}

function batchNormForward<T>(x: usize, n: i32, c: i32, hw: i32, weight: usize, bias: usize, runningMean: usize, runningVar: usize,
                             training: i32, momentum: f64, eps: f64, out: usize, saveMean: usize, saveInvstd: usize, c0: i32, c1: i32): void {
  const cnt = <f64>n * <f64>hw;
  const chw = <usize>c * hw;
  const unbias = cnt / (cnt - 1);
  for (let ch = c0; ch < c1; ch++) {
    const cb = (<usize>ch) << alignof<T>();
    let mean: T, invstd: T;
    if (training) {
      let s01 = f64x2.splat(0), s23 = f64x2.splat(0), s45 = f64x2.splat(0), s67 = f64x2.splat(0);
      for (let b = 0; b < n; b++) {
        const base = x + ((<usize>b * chw + <usize>ch * hw) << alignof<T>());
        let j = 0;
        for (; j + 8 <= hw; j += 8) {
          const at = base + (<usize>j << alignof<T>());
          s01 = f64x2.add(s01, ld<T>(at));
          s23 = f64x2.add(s23, ld<T>(at + 2 * sizeof<T>()));
          s45 = f64x2.add(s45, ld<T>(at + 4 * sizeof<T>()));
          s67 = f64x2.add(s67, ld<T>(at + 6 * sizeof<T>()));
        }
        for (; j < hw; j++) {
          const v = inLane(<f64>load<T>(base + (<usize>j << alignof<T>())), j & 1);
          const pair = (j & 7) >> 1;
          if (pair == 0) s01 = f64x2.add(s01, v);
          else if (pair == 1) s23 = f64x2.add(s23, v);
          else if (pair == 2) s45 = f64x2.add(s45, v);
          else s67 = f64x2.add(s67, v);
        }
      }
      const meanD = total8(s01, s23, s45, s67) / cnt;
      const vMean = f64x2.splat(meanD);
      let q01 = f64x2.splat(0), q23 = f64x2.splat(0), q45 = f64x2.splat(0), q67 = f64x2.splat(0);
      for (let b = 0; b < n; b++) {
        const base = x + ((<usize>b * chw + <usize>ch * hw) << alignof<T>());
        let j = 0;
        for (; j + 8 <= hw; j += 8) {
          const at = base + (<usize>j << alignof<T>());
          const d01 = f64x2.sub(ld<T>(at), vMean), d23 = f64x2.sub(ld<T>(at + 2 * sizeof<T>()), vMean);
          const d45 = f64x2.sub(ld<T>(at + 4 * sizeof<T>()), vMean), d67 = f64x2.sub(ld<T>(at + 6 * sizeof<T>()), vMean);
          q01 = f64x2.add(q01, f64x2.mul(d01, d01));
          q23 = f64x2.add(q23, f64x2.mul(d23, d23));
          q45 = f64x2.add(q45, f64x2.mul(d45, d45));
          q67 = f64x2.add(q67, f64x2.mul(d67, d67));
        }
        for (; j < hw; j++) {
          const d = <f64>load<T>(base + (<usize>j << alignof<T>())) - meanD;
          const v = inLane(d * d, j & 1);
          const pair = (j & 7) >> 1;
          if (pair == 0) q01 = f64x2.add(q01, v);
          else if (pair == 1) q23 = f64x2.add(q23, v);
          else if (pair == 2) q45 = f64x2.add(q45, v);
          else q67 = f64x2.add(q67, v);
        }
      }
      const varD = total8(q01, q23, q45, q67) / cnt;
      mean = <T>meanD;
      invstd = <T>(1 / Math.sqrt(varD + eps));
      if (runningMean != 0) store<T>(runningMean + cb, <T>(meanD * momentum + <f64>load<T>(runningMean + cb) * (1 - momentum)));
      if (runningVar != 0) store<T>(runningVar + cb, <T>(varD * unbias * momentum + <f64>load<T>(runningVar + cb) * (1 - momentum)));
    } else {
      mean = load<T>(runningMean + cb);
      // round(1 / round(sqrt(round(var + round(eps))))): the T operations themselves.
      // (a float32 square root taken in double and rounded once is the float32 square root)
      invstd = <T>1 / <T>Math.sqrt(<f64>(load<T>(runningVar + cb) + <T>eps));
    }
    store<T>(saveMean + cb, mean);
    store<T>(saveInvstd + cb, invstd);
    const alpha = weight == 0 ? invstd : invstd * load<T>(weight + cb);
    const shift = -(mean * alpha);
    const beta = bias == 0 ? shift : load<T>(bias + cb) + shift;
    const va = vsplat<T>(alpha), vb = vsplat<T>(beta);
    const lanes = 16 / sizeof<T>();
    for (let b = 0; b < n; b++) {
      const off = (<usize>b * chw + <usize>ch * hw) << alignof<T>();
      const src = x + off, dst = out + off;
      let j = 0;
      for (; j + lanes <= hw; j += lanes) {
        const at = <usize>j << alignof<T>();
        const v = v128.load(src + at);
        v128.store(dst + at, sizeof<T>() == 4 ? f32x4.add(f32x4.mul(v, va), vb) : f64x2.add(f64x2.mul(v, va), vb));
      }
      for (; j < hw; j++) {
        const at = <usize>j << alignof<T>();
        store<T>(dst + at, load<T>(src + at) * alpha + beta);
      }
    }
  }
}

export function batchNormForward32(x: usize, n: i32, c: i32, hw: i32, weight: usize, bias: usize, runningMean: usize, runningVar: usize,
                                   training: i32, momentum: f64, eps: f64, out: usize, saveMean: usize, saveInvstd: usize, c0: i32, c1: i32): void {
  batchNormForward<f32>(x, n, c, hw, weight, bias, runningMean, runningVar, training, momentum, eps, out, saveMean, saveInvstd, c0, c1);
}
export function batchNormForward64(x: usize, n: i32, c: i32, hw: i32, weight: usize, bias: usize, runningMean: usize, runningVar: usize,
                                   training: i32, momentum: f64, eps: f64, out: usize, saveMean: usize, saveInvstd: usize, c0: i32, c1: i32): void {
  batchNormForward<f64>(x, n, c, hw, weight, bias, runningMean, runningVar, training, momentum, eps, out, saveMean, saveInvstd, c0, c1);
}

/** Batch norm backward for channels [c0, c1): the sums of gy and gy·xhat, then gx in double, rounded once at the store. */
function batchNormBackward<T>(gy: usize, x: usize, n: i32, c: i32, hw: i32, weight: usize, saveMean: usize, saveInvstd: usize,
                              training: i32, gx: usize, gWeight: usize, gBias: usize, c0: i32, c1: i32): void {
  const cnt = <f64>n * <f64>hw;
  const chw = <usize>c * hw;
  const sums = training != 0 || gWeight != 0 || gBias != 0;
  for (let ch = c0; ch < c1; ch++) {
    const cb = (<usize>ch) << alignof<T>();
    const mean = <f64>load<T>(saveMean + cb);
    const invstd = <f64>load<T>(saveInvstd + cb);
    const w = weight == 0 ? <f64>1 : <f64>load<T>(weight + cb);
    const vMean = f64x2.splat(mean), vInvstd = f64x2.splat(invstd);
    let sg: f64 = 0, sgx: f64 = 0;
    if (sums) {
      let g01 = f64x2.splat(0), g23 = f64x2.splat(0), g45 = f64x2.splat(0), g67 = f64x2.splat(0);
      let h01 = f64x2.splat(0), h23 = f64x2.splat(0), h45 = f64x2.splat(0), h67 = f64x2.splat(0);
      for (let b = 0; b < n; b++) {
        const off = (<usize>b * chw + <usize>ch * hw) << alignof<T>();
        const pg = gy + off, px = x + off;
        let j = 0;
        for (; j + 8 <= hw; j += 8) {
          const at = <usize>j << alignof<T>();
          const a01 = ld<T>(pg + at), a23 = ld<T>(pg + at + 2 * sizeof<T>());
          const a45 = ld<T>(pg + at + 4 * sizeof<T>()), a67 = ld<T>(pg + at + 6 * sizeof<T>());
          g01 = f64x2.add(g01, a01);
          g23 = f64x2.add(g23, a23);
          g45 = f64x2.add(g45, a45);
          g67 = f64x2.add(g67, a67);
          h01 = f64x2.add(h01, f64x2.mul(a01, f64x2.mul(f64x2.sub(ld<T>(px + at), vMean), vInvstd)));
          h23 = f64x2.add(h23, f64x2.mul(a23, f64x2.mul(f64x2.sub(ld<T>(px + at + 2 * sizeof<T>()), vMean), vInvstd)));
          h45 = f64x2.add(h45, f64x2.mul(a45, f64x2.mul(f64x2.sub(ld<T>(px + at + 4 * sizeof<T>()), vMean), vInvstd)));
          h67 = f64x2.add(h67, f64x2.mul(a67, f64x2.mul(f64x2.sub(ld<T>(px + at + 6 * sizeof<T>()), vMean), vInvstd)));
        }
        for (; j < hw; j++) {
          const at = <usize>j << alignof<T>();
          const a = <f64>load<T>(pg + at);
          const va = inLane(a, j & 1), vh = inLane(a * ((<f64>load<T>(px + at) - mean) * invstd), j & 1);
          const pair = (j & 7) >> 1;
          if (pair == 0) {
            g01 = f64x2.add(g01, va);
            h01 = f64x2.add(h01, vh);
          } else if (pair == 1) {
            g23 = f64x2.add(g23, va);
            h23 = f64x2.add(h23, vh);
          } else if (pair == 2) {
            g45 = f64x2.add(g45, va);
            h45 = f64x2.add(h45, vh);
          } else {
            g67 = f64x2.add(g67, va);
            h67 = f64x2.add(h67, vh);
          }
        }
      }
      sg = total8(g01, g23, g45, g67);
      sgx = total8(h01, h23, h45, h67);
    }
    if (gWeight != 0) store<T>(gWeight + cb, <T>sgx);
    if (gBias != 0) store<T>(gBias + cb, <T>sg);
    const scale = training ? invstd * w : <f64>(<T>(invstd * w));
    const vScale = f64x2.splat(scale), k1 = f64x2.splat(sg / cnt), k2 = f64x2.splat(sgx / cnt);
    for (let b = 0; b < n; b++) {
      const off = (<usize>b * chw + <usize>ch * hw) << alignof<T>();
      const pg = gy + off, px = x + off, po = gx + off;
      let j = 0;
      for (; j + 2 <= hw; j += 2) {
        const at = <usize>j << alignof<T>();
        const g = ld<T>(pg + at);
        const v = training
          ? f64x2.mul(f64x2.sub(f64x2.sub(g, k1), f64x2.mul(f64x2.mul(f64x2.sub(ld<T>(px + at), vMean), vInvstd), k2)), vScale)
          : f64x2.mul(g, vScale);
        st<T>(po + at, v);
      }
      for (; j < hw; j++) {
        const at = <usize>j << alignof<T>();
        const g = <f64>load<T>(pg + at);
        store<T>(po + at, <T>(training ? (g - sg / cnt - (<f64>load<T>(px + at) - mean) * invstd * (sgx / cnt)) * scale : g * scale));
      }
    }
  }
}

export function batchNormBackward32(gy: usize, x: usize, n: i32, c: i32, hw: i32, weight: usize, saveMean: usize, saveInvstd: usize,
                                    training: i32, gx: usize, gWeight: usize, gBias: usize, c0: i32, c1: i32): void {
  batchNormBackward<f32>(gy, x, n, c, hw, weight, saveMean, saveInvstd, training, gx, gWeight, gBias, c0, c1);
}
export function batchNormBackward64(gy: usize, x: usize, n: i32, c: i32, hw: i32, weight: usize, saveMean: usize, saveInvstd: usize,
                                    training: i32, gx: usize, gWeight: usize, gBias: usize, c0: i32, c1: i32): void {
  batchNormBackward<f64>(gy, x, n, c, hw, weight, saveMean, saveInvstd, training, gx, gWeight, gBias, c0, c1);
}
