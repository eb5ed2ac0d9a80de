/**
 * Batch normalisation, forward and backward, over contiguous [N, C, HW] arrays (HW the product of the spatial dims,
 * 1 for [N, C]; Float32Array or Float64Array, one type per call), as PyTorch 1.13's CPU kernels compute it on one
 * thread, each step in the arithmetic PyTorch's takes it in, so that the results are PyTorch's to the last bit.
 * Every output array is written in full. PyTorch has two kernels, and so does this file:
 *
 *  - planes (HW other than 1): the statistics sum a channel's values in double, in order; the backward adds each
 *    plane's sums, taken over PyTorch's vector lanes (vector-lanes.ts), in double;
 *  - columns (HW 1, PyTorch's channels-last kernel): every sum runs in the type, in order.
 *
 * Forward, training: mean = Σx / cnt (cnt = N·HW); varSum = Σ(x - mean)², float32's squares rounded and added in
 * double, float64's in pairs of plain operations with the odd one out at each plane's end fused (columns: fused
 * multiply-adds in the type); invstd = 1 / sqrt(varSum / cnt + eps) in double, varSum / cnt in the type. Running
 * statistics, without fused operations: mean·m + running·(1 - m) in the type (m the momentum in the type); for the
 * variance (varSum / (cnt - 1))·m in double plus running·(1 - m) in the type. Evaluation: the running statistics,
 * invstd = 1 / sqrt(runningVar + eps) in the type. Then alpha = invstd·w, beta = b - mean·alpha and
 * out = x·alpha + beta, each a fused multiply-add.
 *
 * Backward: Σgy and Σ(x - mean)·gy (fused multiply-adds); in training k = Σ(x - mean)·gy·invstd·invstd / cnt and
 * gradMean = Σgy / cnt in the type, gx = ((gy - gradMean) - (x - mean)·k)·invstd·w, the first step one fused
 * multiply-add (except in float64 columns' last C mod 4 channels, PyTorch's partial vector, which its build left
 * unfused); in evaluation gx = gy·invstd·w. gWeight = Σ(x - mean)·gy·invstd, gBias = Σgy. In evaluation mode
 * PyTorch's backward takes invstd = 1 / sqrt(runningVar + eps) in double: the caller passes that as saveInvstd
 * (ops/norm.ts).
 */
import type { FloatArray } from './gemm.js';
import { arithmeticOf } from './fma.js';
import { checkBackwardArrays, checkForwardArrays, checkSizes } from './norm-checks.js';
import { laneSum } from './vector-lanes.js';

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

/** A plane's values less the mean, each rounded: the terms of PyTorch's Σ(x - mean)·gy over vector lanes. */
let deviations = new Float64Array(0);

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
  const float32 = x instanceof Float32Array;
  const { round, madd } = arithmeticOf(float32);
  const cnt = N * HW;
  const CHW = C * HW;
  const m = round(momentum);
  const keep = round(1 - m);
  for (let c = 0; c < C; c++) {
    let mean: number;
    let invstd: number;
    if (training) {
      let sum = 0;
      let varSum = 0;
      if (HW !== 1) {
        for (let n = 0, p = c * HW; n < N; n++, p += CHW) for (let j = 0; j < HW; j++) sum += x[p + j];
        mean = round(sum / cnt);
        // float32: each square rounded, added in double. float64: PyTorch's build adds the squares in pairs of
        // plain operations and fuses the odd one out at the end of each plane into one multiply-add.
        const paired = HW - (HW % 2);
        for (let n = 0, p = c * HW; n < N; n++, p += CHW) {
          for (let j = 0; j < HW; j++) {
            const d = round(x[p + j] - mean);
            varSum = float32 ? varSum + round(d * d) : j < paired ? varSum + d * d : madd(d, d, varSum);
          }
        }
        varSum = round(varSum);
      } else {
        for (let n = 0, p = c; n < N; n++, p += C) sum = round(sum + x[p]);
        mean = round(sum / cnt);
        for (let n = 0, p = c; n < N; n++, p += C) {
          const d = round(x[p] - mean);
          varSum = madd(d, d, varSum);
        }
      }
      const variance = round(varSum / round(cnt));
      invstd = variance === 0 && eps === 0 ? 0 : round(1 / Math.sqrt(variance + eps));
      if (runningMean !== null) runningMean[c] = round(round(m * mean) + round(keep * runningMean[c]));
      if (runningVar !== null) {
        runningVar[c] = round(m * round(varSum / round(cnt - 1)) + round(keep * runningVar[c]));
      }
    } else {
      mean = (runningMean as FloatArray)[c];
      invstd = round(1 / round(Math.sqrt(round((runningVar as FloatArray)[c] + round(eps)))));
    }
    saveMean[c] = mean;
    saveInvstd[c] = invstd;
    const alpha = weight === null ? invstd : round(invstd * weight[c]);
    const beta = madd(-mean, alpha, bias === null ? 0 : bias[c]);
    for (let n = 0, p = c * HW; n < N; n++, p += CHW)
      for (let j = 0; j < HW; j++) out[p + j] = madd(x[p + j], alpha, beta);
  }
}

/**
 * Batch norm backward from the forward's saveMean/saveInvstd (in evaluation mode, the invstd PyTorch's backward
 * takes: see the header): gx (required), and gWeight/gBias (C each) when given. `training` says whether the
 * forward used batch statistics (they are then differentiated too).
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
  const float32 = x instanceof Float32Array;
  const { round, madd } = arithmeticOf(float32);
  const cnt = N * HW;
  const CHW = C * HW;
  if (HW !== 1 && deviations.length < HW) deviations = new Float64Array(HW);
  for (let c = 0; c < C; c++) {
    const mean = saveMean[c];
    const invstd = saveInvstd[c];
    const w = weight === null ? 1 : weight[c];
    let sum = 0;
    let dotp = 0;
    if (HW !== 1) {
      for (let n = 0, p = c * HW; n < N; n++, p += CHW) {
        for (let j = 0; j < HW; j++) deviations[j] = round(x[p + j] - mean);
        sum += laneSum(gy, p, HW, float32);
        dotp += laneSum(deviations, 0, HW, float32, gy, p);
      }
    } else {
      for (let n = 0, p = c; n < N; n++, p += C) {
        sum = round(sum + gy[p]);
        dotp = madd(round(x[p] - mean), gy[p], dotp);
      }
    }
    if (training) {
      const k = round(round(round(round(dotp) * invstd) * invstd) / round(cnt));
      const gradMean = round(HW !== 1 ? sum / cnt : sum / round(cnt));
      // (gy - gradMean) - (x - mean)·k is one fused multiply-add in PyTorch's build, except in its float64 [N, C]
      // kernel's last C mod 4 channels (the partial vector), where the compiler left the two operations apart.
      const fused = float32 || HW !== 1 || c < C - (C % 4);
      for (let n = 0, p = c * HW; n < N; n++, p += CHW) {
        for (let j = 0; j < HW; j++) {
          const q = p + j;
          const d = round(x[q] - mean);
          const centred = fused ? madd(-d, k, round(gy[q] - gradMean)) : gy[q] - gradMean - d * k;
          gx[q] = round(round(centred * invstd) * w);
        }
      }
    } else {
      for (let n = 0, p = c * HW; n < N; n++, p += CHW) {
        for (let j = 0; j < HW; j++) gx[p + j] = round(round(gy[p + j] * invstd) * w);
      }
    }
    if (gWeight !== null) gWeight[c] = round(dotp * invstd);
    if (gBias !== null) gBias[c] = round(sum);
  }
}
