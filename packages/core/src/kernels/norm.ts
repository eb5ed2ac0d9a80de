/**
 * Batch normalisation, forward and backward, over contiguous [N, C, HW] arrays (HW the product of the spatial dims,
 * 1 for [N, C]; Float32Array or Float64Array, one type per call). Every output array is written in full. Layer
 * normalisation is layer-norm.ts's.
 *
 * Every per-channel sum (the forward's statistics, the backward's sums) runs in the eight interleaved double
 * accumulators of lane-sums.ts, an order the native and WebAssembly kernels reproduce with vector instructions.
 * The forward rounds where the tensor ops of ops/norm.ts round, so it agrees with that path (used where the kernels
 * do not apply, e.g. mixed dtypes) to the summation order:
 *  - training: mean = Σx / cnt, var = Σ(x - mean)² / cnt (biased) in double; saveMean = round(mean),
 *    saveInvstd = round(1 / sqrt(var + eps)); running stats (when given) become
 *    round(mean·momentum + running·(1 - momentum)) and round(var·(cnt/(cnt-1))·momentum + running·(1 - momentum))
 *    (the unbiased variance; cnt = N·HW);
 *  - evaluation: saveMean = runningMean, saveInvstd = round(1 / round(sqrt(round(runningVar + eps))));
 *  - then, per channel, alpha = round(invstd·w), beta = round(b - round(mean·alpha)) and out = round(round(x·alpha) + beta).
 * (round() is the array's precision: Math.fround for Float32Array, nothing for Float64Array.)
 *
 * The backward is PyTorch's native_batch_norm_backward formula, every intermediate in double and each output rounded
 * once; it agrees with the tensor-op backward of ops/norm.ts to rounding (that rounds after each op):
 *  - training: xhat = (x - mean)·invstd; gx = ((gy - Σgy/cnt) - xhat·(Σgy·xhat/cnt))·(invstd·w);
 *    evaluation: gx = round(gy·round(invstd·w)) (the statistics are constants);
 *    gWeight = Σ gy·xhat, gBias = Σ gy over each channel.
 */
import type { FloatArray } from './gemm.js';
import { checkBackwardArrays, checkForwardArrays, checkSizes } from './norm-checks.js';
import { gradientSums, runSum, squaredDeviationSum } from './lane-sums.js';

const fr = Math.fround;
const same = (v: number): number => v;

/**
 * batchNormForward's argument checks, in order, before any array is read: the sizes, then the arrays as
 * checkForwardArrays checks them. Returns N * C * HW.
 */
export function checkBatchNormForward(...args: Parameters<typeof batchNormForward>): number {
  const [x, N, C, HW, weight, bias, runningMean, runningVar, training, , , out, saveMean, saveInvstd] = args;
  const size = checkSizes({ N, C, HW });
  const running = [runningMean, runningVar] as const;
  const saved = [out, saveMean, saveInvstd] as const;
  checkForwardArrays({ size, params: C, stats: C }, x, weight, bias, running, training, saved, 'saveInvstd');
  return size;
}

/** batchNormBackward's argument checks, as checkBatchNormForward's. Returns N * C * HW. */
export function checkBatchNormBackward(...args: Parameters<typeof batchNormBackward>): number {
  const [gy, x, N, C, HW, weight, saveMean, saveInvstd, , gx, gWeight, gBias] = args;
  const size = checkSizes({ N, C, HW });
  const grads = [gx, gWeight, gBias] as const;
  checkBackwardArrays({ size, params: C, stats: C }, gy, x, weight, [saveMean, saveInvstd], 'saveInvstd', grads);
  return size;
}

/**
 * Batch norm forward. training: per-channel batch statistics normalise x and, when runningMean/runningVar are
 * given, update them in place; evaluation: runningMean and runningVar (required) normalise x. saveMean and
 * saveInvstd (C each) receive the mean and 1/sqrt(var + eps) used.
 */
export function batchNormForward(
  x: FloatArray,
  N: number,
  C: number,
  HW: number,
  weight: FloatArray | null,
  bias: FloatArray | null,
  runningMean: FloatArray | null,
  runningVar: FloatArray | null,
  training: boolean,
  momentum: number,
  eps: number,
  out: FloatArray,
  saveMean: FloatArray,
  saveInvstd: FloatArray,
): void {
  checkBatchNormForward(
    x,
    N,
    C,
    HW,
    weight,
    bias,
    runningMean,
    runningVar,
    training,
    momentum,
    eps,
    out,
    saveMean,
    saveInvstd,
  );
  const r = x instanceof Float32Array ? fr : same;
  const cnt = N * HW;
  const CHW = C * HW;
  const unbias = cnt / (cnt - 1);
  for (let c = 0; c < C; c++) {
    let mean: number;
    let invstd: number;
    if (training) {
      const meanD = runSum(x, c * HW, N, CHW, HW) / cnt;
      const varD = squaredDeviationSum(x, c * HW, N, CHW, HW, meanD) / cnt;
      mean = r(meanD);
      invstd = r(1 / Math.sqrt(varD + eps));
      if (runningMean !== null) runningMean[c] = meanD * momentum + runningMean[c] * (1 - momentum);
      if (runningVar !== null) runningVar[c] = varD * unbias * momentum + runningVar[c] * (1 - momentum);
    } else {
      mean = (runningMean as FloatArray)[c];
      invstd = r(1 / r(Math.sqrt(r((runningVar as FloatArray)[c] + r(eps)))));
    }
    saveMean[c] = mean;
    saveInvstd[c] = invstd;
    const alpha = weight === null ? invstd : r(invstd * weight[c]);
    const shift = -r(mean * alpha);
    const beta = bias === null ? shift : r(bias[c] + shift);
    for (let n = 0; n < N; n++) {
      const base = n * CHW + c * HW;
      for (let j = 0; j < HW; j++) out[base + j] = r(x[base + j] * alpha) + beta;
    }
  }
}

/**
 * Batch norm backward from the forward's saveMean/saveInvstd: gx (required), and gWeight/gBias (C each) when
 * given. `training` says whether the forward used batch statistics (they are then differentiated too).
 */
export function batchNormBackward(
  gy: FloatArray,
  x: FloatArray,
  N: number,
  C: number,
  HW: number,
  weight: FloatArray | null,
  saveMean: FloatArray,
  saveInvstd: FloatArray,
  training: boolean,
  gx: FloatArray,
  gWeight: FloatArray | null,
  gBias: FloatArray | null,
): void {
  checkBatchNormBackward(gy, x, N, C, HW, weight, saveMean, saveInvstd, training, gx, gWeight, gBias);
  const r = x instanceof Float32Array ? fr : same;
  const cnt = N * HW;
  const CHW = C * HW;
  const sums = training || gWeight !== null || gBias !== null;
  for (let c = 0; c < C; c++) {
    const mean = saveMean[c];
    const invstd = saveInvstd[c];
    const w = weight === null ? 1 : weight[c];
    let sg = 0;
    let sgx = 0;
    if (sums) {
      [sg, sgx] = gradientSums(gy, x, c * HW, N, CHW, HW, mean, invstd);
    }
    if (gWeight !== null) gWeight[c] = sgx;
    if (gBias !== null) gBias[c] = sg;
    if (training) {
      const scale = invstd * w;
      const k1 = sg / cnt;
      const k2 = sgx / cnt;
      for (let n = 0; n < N; n++) {
        const base = n * CHW + c * HW;
        for (let j = 0; j < HW; j++) {
          const p = base + j;
          gx[p] = (gy[p] - k1 - (x[p] - mean) * invstd * k2) * scale;
        }
      }
    } else {
      const scale = r(invstd * w);
      for (let n = 0; n < N; n++) {
        const base = n * CHW + c * HW;
        for (let j = 0; j < HW; j++) gx[base + j] = gy[base + j] * scale;
      }
    }
  }
}
