/**
 * Group normalisation's output over contiguous [N, C, HW] arrays (HW the product of the spatial dims; Float32Array
 * or Float64Array, one type per call), as PyTorch 1.13's CPU kernel computes it. Its statistics are layer norm's
 * (`layerNormForward` over the N·G rows of D·HW values, D = C / G: Welford's moments in PyTorch's vector lanes,
 * rstd = 1 / sqrt(var + eps), where PyTorch's max(var, 0) changes nothing, Welford's var never being negative);
 * then, with a weight or a bias, per channel scale = rstd·w and bias = -scale·mean + b (two roundings) and
 * out = scale·x + bias in one fused multiply-add, and without either out = (x - mean)·rstd.
 */
import type { FloatArray } from './gemm.js';
import { arithmeticOf } from './fma.js';
import { checkForwardArrays, checkSizes } from './norm-checks.js';

/** groupNormOutput's argument checks, before any array is read. Returns N * C * HW. */
export function checkGroupNormOutput(...args: Parameters<typeof groupNormOutput>): number {
  const [x, N, C, HW, G, weight, bias, saveMean, saveRstd, out] = args;
  const size = checkSizes({ N, C, HW });
  checkSizes({ G });
  if (G === 0 ? C !== 0 : C % G !== 0) throw new RangeError(`C (${C}) must be a multiple of G (${G})`);
  const counts = { size, params: C, stats: N * G };
  checkForwardArrays(counts, x, weight, bias, [null, null], true, [out, saveMean, saveRstd], 'saveRstd');
  return size;
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
