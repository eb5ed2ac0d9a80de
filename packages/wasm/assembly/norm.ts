/**
 * Float32 batch norm forward and backward over contiguous [N, C, HW], channels [c0, c1) per call, giving the bits
 * of packages/core/src/kernels/norm.ts (PyTorch 1.13's kernels; its header gives the formulas): planes (HW other
 * than 1) sum the statistics in double in order and the backward's sums per plane over PyTorch's lanes
 * (lanes.ts); [N, C] inputs sum in float32, in order. Fused multiply-adds go through doubles.ts fused32.
 * Optional arrays are 0 when absent. (Float64 batch norm runs the TypeScript kernel: WebAssembly has no float64
 * fused multiply-add that is sure to round once.)
 */
import { fused32 } from './doubles';
import { fma32, laneSum32 } from './lanes';

@inline function at(p: usize, i: usize): usize {
  return p + (i << 2);
}

/** Two float32 values at p in double lanes. */
@inline function ld2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Two doubles rounded to float32 and stored at p. */
@inline function st2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/** out = x·alpha + beta (fused) over `len` values from `first`, two at a time. */
@inline function affine(x: usize, out: usize, first: usize, len: i32, alpha: f32, beta: f32): void {
  const a = f64x2.splat(<f64>alpha), b = f64x2.splat(<f64>beta);
  let j = 0;
  for (; j + 2 <= len; j += 2) st2(at(out, first + j), fused32(b, ld2(at(x, first + j)), a));
  if (j < len) store<f32>(at(out, first + j), fma32(load<f32>(at(x, first + j)), alpha, beta));
}

export function batchNormForward32(x: usize, n: i32, c: i32, hw: i32, weight: usize, bias: usize, runningMean: usize,
                                   runningVar: usize, training: i32, momentum: f64, eps: f64, out: usize,
                                   saveMean: usize, saveInvstd: usize, c0: i32, c1: i32): void {
  const cnt = <f64>n * <f64>hw;
  const chw = <usize>c * hw;
  const m = <f32>momentum, keep = <f32>1 - m;
  for (let ch = c0; ch < c1; ch++) {
    let mean: f32 = 0, invstd: f32;
    if (training) {
      let varSum: f32;
      if (hw != 1) {
        let sum: f64 = 0, q: f64 = 0;
        for (let b = 0; b < n; b++) {
          const plane = <usize>b * chw + <usize>ch * hw;
          for (let j = 0; j < hw; j++) sum += <f64>load<f32>(at(x, plane + j));
        }
        mean = <f32>(sum / cnt);
        for (let b = 0; b < n; b++) {
          const plane = <usize>b * chw + <usize>ch * hw;
          for (let j = 0; j < hw; j++) {
            const d = load<f32>(at(x, plane + j)) - mean;
            q += <f64>(d * d);
          }
        }
        varSum = <f32>q;
      } else {
        let sum: f32 = 0, q: f32 = 0;
        for (let b = 0; b < n; b++) sum = sum + load<f32>(at(x, <usize>b * c + ch));
        mean = <f32>(<f64>sum / cnt);
        for (let b = 0; b < n; b++) {
          const d = load<f32>(at(x, <usize>b * c + ch)) - mean;
          q = fma32(d, d, q);
        }
        varSum = q;
      }
      const variance = varSum / <f32>cnt;
      invstd = variance == 0 && eps == 0 ? 0 : <f32>(1 / Math.sqrt(<f64>variance + eps));
      if (runningMean != 0) {
        const p = at(runningMean, ch);
        store<f32>(p, m * mean + keep * load<f32>(p));
      }
      if (runningVar != 0) {
        const p = at(runningVar, ch);
        const unbiased = varSum / <f32>(cnt - 1);
        store<f32>(p, <f32>(<f64>m * <f64>unbiased + <f64>(keep * load<f32>(p))));
      }
    } else {
      mean = load<f32>(at(runningMean, ch));
      invstd = <f32>1 / <f32>Math.sqrt(<f64>(load<f32>(at(runningVar, ch)) + <f32>eps));
    }
    store<f32>(at(saveMean, ch), mean);
    store<f32>(at(saveInvstd, ch), invstd);
    const alpha = weight != 0 ? invstd * load<f32>(at(weight, ch)) : invstd;
    const beta = fma32(-mean, alpha, bias != 0 ? load<f32>(at(bias, ch)) : 0);
    if (hw != 1) {
      for (let b = 0; b < n; b++) affine(x, out, <usize>b * chw + <usize>ch * hw, hw, alpha, beta);
    } else {
      for (let b = 0; b < n; b++) {
        const p = <usize>b * c + ch;
        store<f32>(at(out, p), fma32(load<f32>(at(x, p)), alpha, beta));
      }
    }
  }
}

/**
 * gx over `len` values from `first`: training ((gy - gradMean) - (x - mean)·k fused)·invstd·w, else gy·invstd·w,
 * two at a time.
 */
@inline function gradient(gy: usize, x: usize, gx: usize, first: usize, len: i32, training: i32, mean: f32, k: f32,
                          gradMean: f32, invstd: f32, w: f32): void {
  const vm = f64x2.splat(<f64>mean), vk = f64x2.splat(<f64>k), vg = f32x4.splat(gradMean);
  const vi = f32x4.splat(invstd), vw = f32x4.splat(w);
  let j = 0;
  for (; j + 2 <= len; j += 2) {
    const g = v128.load64_zero(at(gy, first + j));
    let v: v128;
    if (training) {
      const d = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.sub(ld2(at(x, first + j)), vm)));
      v = f32x4.demote_f64x2_zero(fused32(f64x2.promote_low_f32x4(f32x4.sub(g, vg)), f64x2.neg(d), vk));
    } else {
      v = g;
    }
    v128.store64_lane(at(gx, first + j), f32x4.mul(f32x4.mul(v, vi), vw), 0);
  }
  for (; j < len; j++) {
    const g = load<f32>(at(gy, first + j));
    const v = training ? fma32(-(load<f32>(at(x, first + j)) - mean), k, g - gradMean) : g;
    store<f32>(at(gx, first + j), (v * invstd) * w);
  }
}

/**
 * Channels [c0, c1) of the backward. Planes need `scratch`, HW float32 values private to the call (a plane's
 * x - mean, the terms of Σ(x - mean)·gy over the lanes).
 */
export function batchNormBackward32(gy: usize, x: usize, n: i32, c: i32, hw: i32, weight: usize, saveMean: usize,
                                    saveInvstd: usize, training: i32, gx: usize, gWeight: usize, gBias: usize,
                                    c0: i32, c1: i32, scratch: usize): void {
  const cnt = <f64>n * <f64>hw;
  const chw = <usize>c * hw;
  for (let ch = c0; ch < c1; ch++) {
    const mean = load<f32>(at(saveMean, ch)), invstd = load<f32>(at(saveInvstd, ch));
    const w: f32 = weight != 0 ? load<f32>(at(weight, ch)) : 1;
    let sum: f64 = 0, dotp: f64 = 0, k: f32 = 0, gradMean: f32 = 0;
    if (hw != 1) {
      for (let b = 0; b < n; b++) {
        const plane = <usize>b * chw + <usize>ch * hw;
        for (let j = 0; j < hw; j++) store<f32>(at(scratch, j), load<f32>(at(x, plane + j)) - mean);
        sum += <f64>laneSum32(at(gy, plane), hw, 0, 0);
        dotp += <f64>laneSum32(scratch, hw, 0, at(gy, plane));
      }
      k = ((<f32>dotp * invstd) * invstd) / <f32>cnt;
      gradMean = <f32>(sum / cnt);
      for (let b = 0; b < n; b++) {
        gradient(gy, x, gx, <usize>b * chw + <usize>ch * hw, hw, training, mean, k, gradMean, invstd, w);
      }
    } else {
      let sum32: f32 = 0, dotp32: f32 = 0;
      for (let b = 0; b < n; b++) {
        const p = <usize>b * c + ch;
        const g = load<f32>(at(gy, p));
        sum32 = sum32 + g;
        dotp32 = fma32(load<f32>(at(x, p)) - mean, g, dotp32);
      }
      sum = sum32;
      dotp = dotp32;
      k = ((dotp32 * invstd) * invstd) / <f32>cnt;
      gradMean = sum32 / <f32>cnt;
      for (let b = 0; b < n; b++) gradient(gy, x, gx, <usize>b * c + ch, 1, training, mean, k, gradMean, invstd, w);
    }
    if (gWeight != 0) store<f32>(at(gWeight, ch), <f32>(dotp * <f64>invstd));
    if (gBias != 0) store<f32>(at(gBias, ch), <f32>sum);
  }
}
