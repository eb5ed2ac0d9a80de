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
