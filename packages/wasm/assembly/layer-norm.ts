/**
 * Layer norm forward and backward over contiguous float32 [rows, cols], giving the bits of
 * packages/core/src/kernels/layer-norm.ts (PyTorch 1.13's kernel): a row's mean and variance from the Welford
 * cascade of ATen's RowwiseMoments in eight float32 lanes (two f32x4 vectors), the output and the gradients with
 * fused multiply-adds (doubles.ts fused32), the backward's row sums over PyTorch's lanes (lanes.ts). The forward and
 * the input's gradient take rows [r0, r1) per call; the weight's and bias's gradients take columns [k0, k1), each
 * column summed over the rows in order. Optional arrays are 0 when absent. (Float64 layer norm runs the TypeScript
 * kernel: WebAssembly has no float64 fused multiply-add that is sure to round once.)
 */
import { fused32 } from './doubles';
import { fma32, laneSum32 } from './lanes';

/** Vectors of eight a Welford chunk updates before it joins the cascade (ATen's kChunkSize). */
const CHUNK = 16;
/** Cascade levels: 2^32 chunks, more than an i32 count of values can fill. */
const LEVELS = 32;
/** Per level: the mean's eight lanes, then m2's (four f32x4 vectors). */
const LEVEL_BYTES = 64;
/** The scratch bytes a forward call needs (private to the call): the levels, then their counts. */
export const LAYER_NORM_SCRATCH = LEVELS * (LEVEL_BYTES + 4);

@inline function countAt(scratch: usize, k: i32): usize {
  return scratch + LEVELS * LEVEL_BYTES + (<usize>k << 2);
}

/**
 * Merges moments (count, mean lanes lo/hi, m2 lanes lo/hi) into level `to`, as ATen's AddMomentsVec:
 * c = count / total, delta = mean' - mean, mean += c·delta, m2 += m2' + delta·delta·c·count_to.
 */
function addMoments(count: i32, m1lo: v128, m1hi: v128, m2lo: v128, m2hi: v128, scratch: usize, to: i32): void {
  const level = scratch + <usize>to * LEVEL_BYTES;
  const before = load<i32>(countAt(scratch, to));
  const total = before + count;
  const c = f32x4.splat(total == 0 ? 0 : <f32>count / <f32>total);
  const b = f32x4.splat(<f32>before);
  const dlo = f32x4.sub(m1lo, v128.load(level)), dhi = f32x4.sub(m1hi, v128.load(level, 16));
  v128.store(level, f32x4.add(v128.load(level), f32x4.mul(c, dlo)));
  v128.store(level, f32x4.add(v128.load(level, 16), f32x4.mul(c, dhi)), 16);
  const qlo = f32x4.mul(f32x4.mul(f32x4.mul(dlo, dlo), c), b), qhi = f32x4.mul(f32x4.mul(f32x4.mul(dhi, dhi), c), b);
  v128.store(level, f32x4.add(v128.load(level, 32), f32x4.add(m2lo, qlo)), 32);
  v128.store(level, f32x4.add(v128.load(level, 48), f32x4.add(m2hi, qhi)), 48);
  store<i32>(countAt(scratch, to), total);
}

/** Merges level `from` into level `to` and clears it when `clear`. */
@inline function addLevel(scratch: usize, from: i32, to: i32, clear: bool): void {
  const level = scratch + <usize>from * LEVEL_BYTES;
  const count = load<i32>(countAt(scratch, from));
  addMoments(count, v128.load(level), v128.load(level, 16), v128.load(level, 32), v128.load(level, 48), scratch, to);
  if (clear) {
    memory.fill(level, 0, LEVEL_BYTES);
    store<i32>(countAt(scratch, from), 0);
  }
}

/** A row's mean and biased variance (ATen's RowwiseMoments; layer-norm.ts rowMoments): lanes 0 and 1. */
function rowMoments(x: usize, n: i32, scratch: usize): v128 {
  const vectors = n >> 3, chunks = (vectors + CHUNK - 1) / CHUNK;
  const depth = chunks <= 2 ? 1 : 32 - clz<i32>(chunks - 1);
  memory.fill(scratch, 0, <usize>depth * LEVEL_BYTES);
  memory.fill(countAt(scratch, 0), 0, <usize>depth << 2);
  for (let i = 0; i < chunks; i++) {
    const p = x + ((<usize>i * CHUNK * 8) << 2);
    const len = min(CHUNK, vectors - i * CHUNK);
    let alo = f32x4.splat(0), ahi = f32x4.splat(0), blo = f32x4.splat(0), bhi = f32x4.splat(0);
    for (let j = 0; j < len; j++) {
      const c = f32x4.splat(<f32>1 / <f32>(j + 1));
      const vlo = v128.load(p + (<usize>j << 5)), vhi = v128.load(p + (<usize>j << 5), 16);
      const dlo = f32x4.sub(vlo, alo), dhi = f32x4.sub(vhi, ahi);
      alo = f32x4.add(alo, f32x4.mul(dlo, c));
      ahi = f32x4.add(ahi, f32x4.mul(dhi, c));
      blo = f32x4.add(blo, f32x4.mul(dlo, f32x4.sub(vlo, alo)));
      bhi = f32x4.add(bhi, f32x4.mul(dhi, f32x4.sub(vhi, ahi)));
    }
    addMoments(len, alo, ahi, blo, bhi, scratch, 0);
    let mask = i + 1;
    for (let k = 1; k < depth && (mask & 1) == 0; k++, mask >>= 1) addLevel(scratch, k - 1, k, true);
  }
  for (let k = 1; k < depth; k++) addLevel(scratch, k, 0, false);
  // The tail, one scalar Welford sum, then the eight lanes merged into it in order.
  let count = 0, mean: f32 = 0, m2: f32 = 0;
  for (let i = vectors << 3; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    const delta = v - mean;
    count++;
    mean = mean + delta / <f32>count;
    m2 = m2 + delta * (v - mean);
  }
  for (let l = 0; l < 8; l++) {
    const total = count + vectors;
    const c: f32 = total == 0 ? 0 : <f32>vectors / <f32>total;
    const delta = load<f32>(scratch + (<usize>l << 2)) - mean;
    mean = mean + c * delta;
    m2 = m2 + (load<f32>(scratch + 32 + (<usize>l << 2)) + ((delta * delta) * c) * <f32>count);
    count = total;
  }
  return f32x4.replace_lane(f32x4.splat(mean), 1, m2 / <f32>n);
}

/** Two float32 values at p, in double lanes. */
@inline function ld2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Two doubles rounded to float32 and stored at p. */
@inline function st2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/** One float32 value at p in both double lanes. */
@inline function one(p: usize): v128 {
  return f64x2.splat(<f64>load<f32>(p));
}

/** Two float32 values at p in double lanes, or with `pair` false one, in both. */
@inline function lanes(p: usize, pair: bool): v128 {
  return pair ? ld2(p) : one(p);
}

/** Element j of a row (and j + 1 with `pair`): (x·rstd + shift)·w + b, w and b left out where absent. */
@inline function normalized(px: usize, weight: usize, bias: usize, j: i32, rstd: v128, shift: v128, pair: bool): v128 {
  const at = <usize>j << 2;
  const v = fused32(shift, lanes(px + at, pair), rstd);
  if (weight != 0 && bias != 0) return fused32(lanes(bias + at, pair), v, lanes(weight + at, pair));
  if (weight != 0) return fused32(f64x2.splat(0), v, lanes(weight + at, pair));
  return f64x2.add(v, bias != 0 ? lanes(bias + at, pair) : f64x2.splat(0));
}

/**
 * Rows [r0, r1): y = (x·rstd + (-rstd·mean))·w + b, each step one fused multiply-add (w = 1 and b = 0 where absent,
 * so a -0 product becomes +0, as PyTorch's does). `scratch` holds LAYER_NORM_SCRATCH bytes private to the call.
 */
export function layerNormForward32(x: usize, cols: i32, weight: usize, bias: usize, eps: f64, out: usize,
                                   saveMean: usize, saveRstd: usize, r0: i32, r1: i32, scratch: usize): void {
  for (let r = r0; r < r1; r++) {
    const px = x + ((<usize>r * cols) << 2), po = out + ((<usize>r * cols) << 2);
    const stats = rowMoments(px, cols, scratch);
    const mean = f32x4.extract_lane(stats, 0);
    const rstd: f32 = <f32>1 / <f32>Math.sqrt(<f64>(f32x4.extract_lane(stats, 1) + <f32>eps));
    const shift = -rstd * mean;
    store<f32>(saveMean + (<usize>r << 2), mean);
    store<f32>(saveRstd + (<usize>r << 2), rstd);
    const s = f64x2.splat(<f64>rstd), t = f64x2.splat(<f64>shift);
    let j = 0;
    for (; j + 2 <= cols; j += 2) st2(po + (<usize>j << 2), normalized(px, weight, bias, j, s, t, true));
    if (j < cols) {
      store<f32>(po + (<usize>j << 2), <f32>f64x2.extract_lane(normalized(px, weight, bias, j, s, t, false), 0));
    }
  }
}

/**
 * The input's gradient of rows [r0, r1): ds = Σ gy·x·w and db = Σ gy·w over the lanes; with a = rstd,
 * b = (db·mean - ds)·a·a·a / cols and c = -b·mean - db·a / cols, gx = (b·x + a·gy·w) + c, where db·mean - ds,
 * -b·mean - (db·a / cols) and b·x + (a·gy·w) are fused multiply-adds.
 */
export function layerNormBackwardRows32(gy: usize, x: usize, cols: i32, weight: usize, saveMean: usize,
                                        saveRstd: usize, gx: usize, r0: i32, r1: i32): void {
  const scale: f32 = <f32>1 / <f32>cols;
  for (let r = r0; r < r1; r++) {
    const off = (<usize>r * cols) << 2;
    const pg = gy + off, px = x + off, po = gx + off;
    const mean = load<f32>(saveMean + (<usize>r << 2)), a = load<f32>(saveRstd + (<usize>r << 2));
    const ds = weight != 0 ? laneSum32(pg, cols, px, weight) : laneSum32(pg, cols, 0, px);
    const db = laneSum32(pg, cols, 0, weight);
    const b = (((fma32(db, mean, -ds) * a) * a) * a) * scale;
    const c = fma32(-b, mean, -((db * a) * scale));
    const vb = f64x2.splat(<f64>b), va = f32x4.splat(a), vc = f64x2.splat(<f64>c);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const at = <usize>j << 2;
      let g = f32x4.mul(va, v128.load64_zero(pg + at));
      if (weight != 0) g = f32x4.mul(g, v128.load64_zero(weight + at));
      const v = fused32(f64x2.promote_low_f32x4(g), vb, ld2(px + at));
      st2(po + at, f64x2.add(v, vc));
    }
    if (j < cols) {
      const at = <usize>j << 2;
      let g = a * load<f32>(pg + at);
      if (weight != 0) g = g * load<f32>(weight + at);
      store<f32>(po + at, fma32(b, load<f32>(px + at), g) + c);
    }
  }
}

/**
 * Columns [k0, k1) of the weight's gradient, Σ_rows gy·(a·x + (-a·mean)) in fused multiply-adds, and the bias's,
 * Σ_rows gy, each column summed over the rows in order: row by row, two columns at a time, into gWeight and gBias.
 */
export function layerNormBackwardColumns32(gy: usize, x: usize, rows: i32, cols: i32, saveMean: usize,
                                           saveRstd: usize, gWeight: usize, gBias: usize, k0: i32, k1: i32): void {
  const first = <usize>k0 << 2, bytes = <usize>(k1 - k0) << 2;
  if (gWeight != 0) memory.fill(gWeight + first, 0, bytes);
  if (gBias != 0) memory.fill(gBias + first, 0, bytes);
  const pairs = k0 + ((k1 - k0) & ~1);
  for (let r = 0; r < rows; r++) {
    const row = (<usize>r * cols) << 2;
    const a32 = load<f32>(saveRstd + (<usize>r << 2));
    const a = f64x2.splat(<f64>a32), shift = f64x2.splat(<f64>(-a32 * load<f32>(saveMean + (<usize>r << 2))));
    for (let k = k0; k < pairs; k += 2) {
      const at = <usize>k << 2;
      const g = ld2(gy + row + at);
      if (gWeight != 0) st2(gWeight + at, fused32(ld2(gWeight + at), g, fused32(shift, a, ld2(x + row + at))));
      if (gBias != 0) st2(gBias + at, f64x2.add(ld2(gBias + at), g));
    }
    if (pairs < k1) {
      const at = <usize>pairs << 2;
      const g = one(gy + row + at);
      if (gWeight != 0) {
        const w = fused32(one(gWeight + at), g, fused32(shift, a, one(x + row + at)));
        store<f32>(gWeight + at, <f32>f64x2.extract_lane(w, 0));
      }
      if (gBias != 0) store<f32>(gBias + at, <f32>(<f64>load<f32>(gBias + at) + f64x2.extract_lane(g, 0)));
    }
  }
}
