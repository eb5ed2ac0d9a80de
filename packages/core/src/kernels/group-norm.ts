/**
 * Group normalisation's output and backward over contiguous [N, C, HW] arrays (HW the product of the spatial dims; Float32Array
 * or Float64Array, one type per call), as PyTorch 1.13's CPU kernel computes it. Its statistics are layer norm's
 * (`layerNormForward` over the N·G rows of D·HW values, D = C / G: Welford's moments in PyTorch's vector lanes,
 * rstd = 1 / sqrt(var + eps), where PyTorch's max(var, 0) changes nothing, Welford's var never being negative);
 * then, with a weight or a bias, per channel scale = rstd·w and bias = -scale·mean + b (two roundings) and
 * out = scale·x + bias in one fused multiply-add, and without either out = (x - mean)·rstd.
 *
 * The backward is PyTorch's kernel's too: per (sample, channel) ds = Σ gy·x and db = Σ gy over its older vector
 * lanes (`accumulatedLanes`); per (sample, group) dsg = Σ ds·w and dbg = Σ db·w the same way, then with
 * s = 1 / (D·HW), c2 = (dbg·mean - dsg)·rstd³·s and c3 = -c2·mean - dbg·rstd·s, and per channel c1 = rstd·w,
 * gx = (c1·gy + c2·x) + c3 (dbg·mean - dsg, -c2·mean - dbg·rstd·s and c1·gy + c2·x each one fused multiply-add);
 * gWeight[c] = Σ over the samples of (ds - db·mean)·rstd (two fused multiply-adds a term), gBias[c] = Σ db.
 */
import type { FloatArray } from './gemm.js';
import { arithmeticOf } from './fma.js';
import { type NormCounts, checkBackwardArrays, checkForwardArrays, checkSizes } from './norm-checks.js';
import { accumulatedLanes } from './vector-lanes.js';

/** The sizes' checks (G groups that divide C) and the arrays' element counts. */
function checkGroups(N: number, C: number, HW: number, G: number): NormCounts {
  const size = checkSizes({ N, C, HW });
  checkSizes({ G });
  if (G === 0 ? C !== 0 : C % G !== 0) throw new RangeError(`C (${C}) must be a multiple of G (${G})`);
  return { size, params: C, stats: N * G };
}

/** groupNormOutput's argument checks, before any array is read. Returns N * C * HW. */
export function checkGroupNormOutput(...args: Parameters<typeof groupNormOutput>): number {
  const [x, N, C, HW, G, weight, bias, saveMean, saveRstd, out] = args;
  const counts = checkGroups(N, C, HW, G);
  checkForwardArrays(counts, x, weight, bias, [null, null], true, [out, saveMean, saveRstd], 'saveRstd');
  return counts.size;
}

/** out from x and each (sample, group)'s saved mean and rstd (N·G each), G groups of C / G channels a sample. */
export function groupNormOutput(
  x: FloatArray,
  N: number,
  C: number,
  HW: number,
  G: number,
  weight: FloatArray | null,
  bias: FloatArray | null,
  saveMean: FloatArray,
  saveRstd: FloatArray,
  out: FloatArray,
): void {
  checkGroupNormOutput(x, N, C, HW, G, weight, bias, saveMean, saveRstd, out);
  const { round, madd } = arithmeticOf(x instanceof Float32Array);
  const D = C / G;
  for (let row = 0; row < N * G; row++) {
    const at = row * D * HW;
    const [m, r] = [saveMean[row], saveRstd[row]];
    if (weight === null && bias === null) {
      for (let i = at; i < at + D * HW; i++) out[i] = round(round(x[i] - m) * r);
      continue;
    }
    for (let d = 0; d < D; d++) {
      const c = (row % G) * D + d;
      const scale = weight === null ? r : round(r * weight[c]);
      const shift = round(round(-scale * m) + (bias === null ? 0 : bias[c]));
      const first = at + d * HW;
      for (let i = first; i < first + HW; i++) out[i] = madd(scale, x[i], shift);
    }
  }
}

/** groupNormBackward's argument checks, as checkGroupNormOutput's. Returns N * C * HW. */
export function checkGroupNormBackward(...args: Parameters<typeof groupNormBackward>): number {
  const [gy, x, N, C, HW, G, weight, saveMean, saveRstd, gx, gWeight, gBias] = args;
  const counts = checkGroups(N, C, HW, G);
  checkBackwardArrays(counts, gy, x, weight, [saveMean, saveRstd], 'saveRstd', [gx, gWeight, gBias]);
  return counts.size;
}

/** Group norm backward from the forward's saved mean and rstd: gx (required), gWeight/gBias (C each) when given. */
export function groupNormBackward(
  gy: FloatArray,
  x: FloatArray,
  N: number,
  C: number,
  HW: number,
  G: number,
  weight: FloatArray | null,
  saveMean: FloatArray,
  saveRstd: FloatArray,
  gx: FloatArray,
  gWeight: FloatArray | null,
  gBias: FloatArray | null,
): void {
  checkGroupNormBackward(gy, x, N, C, HW, G, weight, saveMean, saveRstd, gx, gWeight, gBias);
  const float32 = x instanceof Float32Array;
  const { round, madd } = arithmeticOf(float32);
  const D = C / G;
  const s = round(1 / round(D * HW));
  const ds = new Float64Array(N * C);
  const db = new Float64Array(N * C);
  for (let nc = 0; nc < N * C; nc++) {
    ds[nc] = accumulatedLanes(gy, nc * HW, HW, float32, float32 ? 4 : 0, x);
    db[nc] = accumulatedLanes(gy, nc * HW, HW, float32, 0);
  }
  const ones = weight ?? new Float64Array(C).fill(1);
  for (let row = 0; row < N * G; row++) {
    const g = row % G;
    const [mean, rstd] = [saveMean[row], saveRstd[row]];
    const dsg = accumulatedLanes(ds, row * D, D, float32, float32 ? 4 : 2, ones, g * D);
    const dbg = accumulatedLanes(db, row * D, D, float32, float32 ? 4 : 2, ones, g * D);
    const c2 = round(round(round(round(madd(dbg, mean, -dsg) * rstd) * rstd) * rstd) * s);
    const c3 = madd(-c2, mean, -round(round(dbg * rstd) * s));
    for (let d = 0; d < D; d++) {
      const c1 = round(rstd * ones[g * D + d]);
      const first = (row * D + d) * HW;
      for (let i = first; i < first + HW; i++) gx[i] = round(madd(c1, gy[i], round(c2 * x[i])) + c3);
    }
  }
  gWeight?.fill(0);
  gBias?.fill(0);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const [nc, row] = [n * C + c, n * G + Math.floor(c / D)];
      if (gWeight !== null) gWeight[c] = madd(madd(-db[nc], saveMean[row], ds[nc]), saveRstd[row], gWeight[c]);
      if (gBias !== null) gBias[c] = round(gBias[c] + db[nc]);
    }
  }
}
