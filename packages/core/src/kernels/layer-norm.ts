/**
 * Layer normalisation over the rows of a contiguous [rows, cols] array (cols the product of the normalised dims),
 * forward and backward, Float32Array or Float64Array (one type per call), as PyTorch 1.13's CPU kernels compute
 * it (ATen's layer_norm_kernel.cpp, AVX2 build), every step in the type's arithmetic, so that the results are
 * PyTorch's to the last bit:
 *
 *  - forward: the row's mean and biased variance from `rowMoments` (Welford's updates in vector lanes, below);
 *    rstd = 1 / sqrt(var + eps); then y = (x·rstd + (-rstd·mean))·w + b, each of the two steps one fused
 *    multiply-add (w = 1, b = 0 where absent). saveMean and saveRstd receive mean and rstd.
 *  - backward, per row: ds = Σ gy·x·w and db = Σ gy·w over PyTorch's vector lanes (vector-lanes.ts); with
 *    a = rstd, b = (db·mean - ds)·a·a·a / cols and c = -b·mean - db·a / cols, gx = (a·gy·w + b·x) + c, where
 *    db·mean - ds, -b·mean - (db·a / cols) and b·x + a·gy·w are fused multiply-adds.
 *  - the weight's gradient: Σ over the rows of gy·(a·x + (-a·mean)), two fused multiply-adds; the bias's: Σ gy.
 *    Both add the rows in order, as PyTorch does on one thread (on more it splits the rows between threads and
 *    adds the threads' partial sums).
 */
import type { FloatArray } from './gemm.js';
import { arithmeticOf } from './fma.js';
import { checkBackwardArrays, checkForwardArrays, checkSizes } from './norm-checks.js';
import { laneSum } from './vector-lanes.js';

/** layerNormForward's argument checks, in order, before any array is read. Returns rows * cols. */
export function checkLayerNormForward(...args: Parameters<typeof layerNormForward>): number {
  const [x, rows, cols, weight, bias, , out, saveMean, saveRstd] = args;
  const size = checkSizes({ rows, cols });
  const saved = [out, saveMean, saveRstd] as const;
  checkForwardArrays({ size, params: cols, stats: rows }, x, weight, bias, [null, null], true, saved, 'saveRstd');
  return size;
}

/** layerNormBackward's argument checks, as checkLayerNormForward's. Returns rows * cols. */
export function checkLayerNormBackward(...args: Parameters<typeof layerNormBackward>): number {
  const [gy, x, rows, cols, weight, saveMean, saveRstd, gx, gWeight, gBias] = args;
  const size = checkSizes({ rows, cols });
  const grads = [gx, gWeight, gBias] as const;
  checkBackwardArrays({ size, params: cols, stats: rows }, gy, x, weight, [saveMean, saveRstd], 'saveRstd', grads);
  return size;
}

/** Vectors a Welford chunk updates before it joins the cascade (ATen's kChunkSize). */
const CHUNK = 16;
/** Cascade levels: enough for 2^64 chunks. */
const LEVELS = 64;
const levelCount = new Float64Array(LEVELS);
const levelMean = new Float64Array(LEVELS * 8);
const levelM2 = new Float64Array(LEVELS * 8);
/** 1 / (j + 1) in each type: the weight of a chunk's (j + 1)-th value. */
const INVERSES_F64 = Float64Array.from({ length: CHUNK }, (_, j) => 1 / (j + 1));
const INVERSES_F32 = INVERSES_F64.map(Math.fround);
const chunkMean = new Float64Array(8);
const chunkM2 = new Float64Array(8);
const tailMean = new Float64Array(1);
const tailM2 = new Float64Array(1);
const meanAndVariance = new Float64Array(2);

/**
 * Merges the moments (count, mean, m2) at `from` into those at `to` (whose count is toCount), as ATen's
 * AddMoments does, in the type's arithmetic (the counts converted to it too): c = count / total,
 * delta = mean' - mean, mean += c·delta, m2 += m2' + delta·delta·c·toCount.
 */
function addMoments(
  round: (v: number) => number,
  count: number,
  fromMean: Float64Array,
  fromM2: Float64Array,
  from: number,
  total: number,
  toMean: Float64Array,
  toM2: Float64Array,
  to: number,
  toCount: number,
): void {
  const c = total === 0 ? 0 : round(round(count) / round(total));
  const delta = round(fromMean[from] - toMean[to]);
  toMean[to] = round(toMean[to] + round(c * delta));
  toM2[to] = round(toM2[to] + round(fromM2[from] + round(round(round(delta * delta) * c) * round(toCount))));
}

/** Merges a whole level (all lanes) into another, the counts too. */
function addLevel(round: (v: number) => number, width: number, fromLevel: number, toLevel: number): void {
  const count = levelCount[fromLevel];
  const toCount = levelCount[toLevel];
  const total = count + toCount;
  for (let l = 0; l < width; l++) {
    const f = fromLevel * 8 + l;
    addMoments(round, count, levelMean, levelM2, f, total, levelMean, levelM2, toLevel * 8 + l, toCount);
  }
  levelCount[toLevel] = total;
}

function clearLevel(level: number): void {
  levelCount[level] = 0;
  levelMean.fill(0, level * 8, level * 8 + 8);
  levelM2.fill(0, level * 8, level * 8 + 8);
}

/**
 * The mean and biased variance of x[at .. at + n) as PyTorch's `RowwiseMoments` computes them: W lanes (8 float32,
 * 4 float64), each updating Welford's mean and m2 over chunks of 16 vectors; each chunk's moments join a binary
 * cascade (level k holds 2^k chunks, merged upward as they fill), the levels merged into level 0 at the end; the
 * last n mod W values update one scalar Welford sum, into which the W lanes are merged in order. Every operation
 * rounds to the type, none fused. Returns [mean, var] (in an array that the next call overwrites).
 */
export function rowMoments(x: FloatArray, at: number, n: number, float32: boolean): Float64Array {
  const { round } = arithmeticOf(float32);
  const width = float32 ? 8 : 4;
  const vectors = Math.floor(n / width);
  const chunks = Math.ceil(vectors / CHUNK);
  const depth = chunks <= 2 ? 1 : 32 - Math.clz32(chunks - 1);
  const inverses = float32 ? INVERSES_F32 : INVERSES_F64;
  for (let k = 0; k < depth; k++) clearLevel(k);
  for (let i = 0; i < chunks; i++) {
    const base = at + i * CHUNK * width;
    const count = Math.min(CHUNK, vectors - i * CHUNK);
    // Lanes are independent: each runs its Welford updates over the chunk in locals.
    for (let l = 0; l < width; l++) {
      let mean = 0;
      let m2 = 0;
      for (let j = 0, p = base + l; j < count; j++, p += width) {
        const v = x[p];
        const delta = round(v - mean);
        mean = round(mean + round(delta * inverses[j]));
        m2 = round(m2 + round(delta * round(v - mean)));
      }
      chunkMean[l] = mean;
      chunkM2[l] = m2;
    }
    const total = levelCount[0] + count;
    for (let l = 0; l < width; l++)
      addMoments(round, count, chunkMean, chunkM2, l, total, levelMean, levelM2, l, levelCount[0]);
    levelCount[0] = total;
    for (let k = 1, mask = i + 1; k < depth && (mask & 1) === 0; k++, mask >>= 1) {
      addLevel(round, width, k - 1, k);
      clearLevel(k - 1);
    }
  }
  for (let k = 1; k < depth; k++) addLevel(round, width, k, 0);
  // The tail, one scalar Welford sum, then the lanes merged into it in order.
  let count = 0;
  tailMean[0] = 0;
  tailM2[0] = 0;
  for (let i = vectors * width; i < n; i++) {
    const v = x[at + i];
    const delta = round(v - tailMean[0]);
    count++;
    tailMean[0] = round(tailMean[0] + round(delta / count));
    tailM2[0] = round(tailM2[0] + round(delta * round(v - tailMean[0])));
  }
  for (let l = 0; l < width; l++, count += vectors) {
    addMoments(round, vectors, levelMean, levelM2, l, count + vectors, tailMean, tailM2, 0, count);
  }
  meanAndVariance[0] = tailMean[0];
  meanAndVariance[1] = round(tailM2[0] / round(n));
  return meanAndVariance;
}

/** Layer norm forward over each row of a [rows, cols] array; saveMean/saveRstd (rows each) get the row statistics. */
export function layerNormForward(
  x: FloatArray,
  rows: number,
  cols: number,
  weight: FloatArray | null,
  bias: FloatArray | null,
  eps: number,
  out: FloatArray,
  saveMean: FloatArray,
  saveRstd: FloatArray,
): void {
  checkLayerNormForward(x, rows, cols, weight, bias, eps, out, saveMean, saveRstd);
  const float32 = x instanceof Float32Array;
  const { round, madd } = arithmeticOf(float32);
  const epsilon = round(eps);
  for (let i = 0; i < rows; i++) {
    const p = i * cols;
    const [mean, variance] = rowMoments(x, p, cols, float32);
    const rstd = round(1 / round(Math.sqrt(round(variance + epsilon))));
    const shift = round(-rstd * mean);
    saveMean[i] = mean;
    saveRstd[i] = rstd;
    if (weight === null && bias === null) for (let j = 0; j < cols; j++) out[p + j] = madd(x[p + j], rstd, shift) + 0;
    else if (bias === null)
      for (let j = 0; j < cols; j++) out[p + j] = round(madd(x[p + j], rstd, shift) * (weight as FloatArray)[j]) + 0;
    else if (weight === null) for (let j = 0; j < cols; j++) out[p + j] = round(madd(x[p + j], rstd, shift) + bias[j]);
    else for (let j = 0; j < cols; j++) out[p + j] = madd(madd(x[p + j], rstd, shift), weight[j], bias[j]);
  }
}

/** Layer norm backward from the forward's saveMean/saveRstd: gx (required), gWeight/gBias (cols each) when given. */
export function layerNormBackward(
  gy: FloatArray,
  x: FloatArray,
  rows: number,
  cols: number,
  weight: FloatArray | null,
  saveMean: FloatArray,
  saveRstd: FloatArray,
  gx: FloatArray,
  gWeight: FloatArray | null,
  gBias: FloatArray | null,
): void {
  checkLayerNormBackward(gy, x, rows, cols, weight, saveMean, saveRstd, gx, gWeight, gBias);
  const float32 = x instanceof Float32Array;
  const { round, madd } = arithmeticOf(float32);
  const scale = round(1 / round(cols));
  gWeight?.fill(0);
  gBias?.fill(0);
  for (let i = 0; i < rows; i++) {
    const p = i * cols;
    const mean = saveMean[i];
    const a = saveRstd[i];
    const ds = weight === null ? laneSum(gy, p, cols, float32, x) : laneSum(gy, p, cols, float32, weight, 0, x);
    const db = weight === null ? laneSum(gy, p, cols, float32) : laneSum(gy, p, cols, float32, weight, 0);
    const b = round(round(round(round(madd(db, mean, -ds) * a) * a) * a) * scale);
    const c = madd(-b, mean, -round(round(db * a) * scale));
    if (weight === null) for (let j = 0; j < cols; j++) gx[p + j] = round(madd(b, x[p + j], round(a * gy[p + j])) + c);
    else
      for (let j = 0; j < cols; j++) gx[p + j] = round(madd(b, x[p + j], round(round(a * gy[p + j]) * weight[j])) + c);
    if (gWeight !== null) {
      const shift = round(-a * mean);
      for (let j = 0; j < cols; j++) gWeight[j] = madd(gy[p + j], madd(a, x[p + j], shift), gWeight[j]);
    }
    if (gBias !== null) for (let j = 0; j < cols; j++) gBias[j] = round(gBias[j] + gy[p + j]);
  }
}
