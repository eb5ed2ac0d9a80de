/**
 * Batch norm forward over contiguous [N, C, HW], channels [c0, c1) per call, giving the bits of
 * packages/core/src/kernels/norm.ts `batchNormForward`: the statistics are double sums in the same order (one
 * running sum over a channel's elements in [N, HW] order), rounded where that kernel rounds, and out =
 * round(round(x·alpha) + beta), which for float32 is a float32 multiply then a float32 add (never fused).
 * Optional arrays are 0 when absent. `args` holds the doubles momentum and eps.
 */

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
      let s: f64 = 0;
      for (let b = 0; b < n; b++) {
        const base = x + ((<usize>b * chw + <usize>ch * hw) << alignof<T>());
        for (let j = 0; j < hw; j++) s += <f64>load<T>(base + (<usize>j << alignof<T>()));
      }
      const meanD = s / cnt;
      let q: f64 = 0;
      for (let b = 0; b < n; b++) {
        const base = x + ((<usize>b * chw + <usize>ch * hw) << alignof<T>());
        for (let j = 0; j < hw; j++) {
          const d = <f64>load<T>(base + (<usize>j << alignof<T>())) - meanD;
          q += d * d;
        }
      }
      const varD = q / cnt;
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

@inline function ld<T>(p: usize): v128 {
  return sizeof<T>() == 4 ? f64x2.promote_low_f32x4(v128.load64_zero(p)) : v128.load(p);
}

@inline function st<T>(p: usize, v: v128): void {
  if (sizeof<T>() == 4) v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
  else v128.store(p, v);
}

/**
 * Batch norm backward for channels [c0, c1), giving the bits of norm.ts `batchNormBackward`: each channel's sums
 * of gy and gy·xhat run in four double accumulators (element j of a run of HW goes to accumulator j mod 4, the
 * total is (a0 + a1) + (a2 + a3)), held here as two f64x2 vectors; a tail element is added to its lane with -0 in
 * the other (x + -0 is x, signed zeros included). Then gx in double, rounded once at the store. Optional outputs
 * are 0 when absent.
 */
function batchNormBackward<T>(gy: usize, x: usize, n: i32, c: i32, hw: i32, weight: usize, saveMean: usize, saveInvstd: usize,
                              training: i32, gx: usize, gWeight: usize, gBias: usize, c0: i32, c1: i32): void {
  const cnt = <f64>n * <f64>hw;
  const chw = <usize>c * hw;
  const sums = training != 0 || gWeight != 0 || gBias != 0;
  const negZero = f64x2.splat(-0.0);
  for (let ch = c0; ch < c1; ch++) {
    const cb = (<usize>ch) << alignof<T>();
    const mean = <f64>load<T>(saveMean + cb);
    const invstd = <f64>load<T>(saveInvstd + cb);
    const w = weight == 0 ? <f64>1 : <f64>load<T>(weight + cb);
    const vMean = f64x2.splat(mean), vInvstd = f64x2.splat(invstd);
    let sg: f64 = 0, sgx: f64 = 0;
    if (sums) {
      let g01 = f64x2.splat(0), g23 = f64x2.splat(0), h01 = f64x2.splat(0), h23 = f64x2.splat(0);
      for (let b = 0; b < n; b++) {
        const off = (<usize>b * chw + <usize>ch * hw) << alignof<T>();
        const pg = gy + off, px = x + off;
        let j = 0;
        for (; j + 4 <= hw; j += 4) {
          const at = <usize>j << alignof<T>();
          const a01 = ld<T>(pg + at), a23 = ld<T>(pg + at + 2 * sizeof<T>());
          const x01 = ld<T>(px + at), x23 = ld<T>(px + at + 2 * sizeof<T>());
          g01 = f64x2.add(g01, a01);
          g23 = f64x2.add(g23, a23);
          h01 = f64x2.add(h01, f64x2.mul(a01, f64x2.mul(f64x2.sub(x01, vMean), vInvstd)));
          h23 = f64x2.add(h23, f64x2.mul(a23, f64x2.mul(f64x2.sub(x23, vMean), vInvstd)));
        }
        for (; j < hw; j++) {
          const at = <usize>j << alignof<T>();
          const a = <f64>load<T>(pg + at);
          const h = a * ((<f64>load<T>(px + at) - mean) * invstd);
          const lane = j & 3;
          if (lane == 0) {
            g01 = f64x2.add(g01, f64x2.replace_lane(negZero, 0, a));
            h01 = f64x2.add(h01, f64x2.replace_lane(negZero, 0, h));
          } else if (lane == 1) {
            g01 = f64x2.add(g01, f64x2.replace_lane(negZero, 1, a));
            h01 = f64x2.add(h01, f64x2.replace_lane(negZero, 1, h));
          } else {
            g23 = f64x2.add(g23, f64x2.replace_lane(negZero, 0, a));
            h23 = f64x2.add(h23, f64x2.replace_lane(negZero, 0, h));
          }
        }
      }
      sg = f64x2.extract_lane(g01, 0) + f64x2.extract_lane(g01, 1) + (f64x2.extract_lane(g23, 0) + f64x2.extract_lane(g23, 1));
      sgx = f64x2.extract_lane(h01, 0) + f64x2.extract_lane(h01, 1) + (f64x2.extract_lane(h23, 0) + f64x2.extract_lane(h23, 1));
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
