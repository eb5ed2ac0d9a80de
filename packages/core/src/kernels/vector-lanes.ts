/**
 * Sums in the order of PyTorch's vectorised reductions (ATen's `vec::reduce_all`, `map2_reduce_all` and
 * `map3_reduce_all`, built for AVX2, PyTorch 1.13's default on x86): W lanes (8 float32, 4 float64), lane j taking
 * terms j, j + W, ... in turn (the last, partial vector into the first lanes), then the lanes folded, float32 as
 * ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)), float64 in order. Fewer terms than lanes are added in order.
 * Every operation rounds to the type; where a term is a product, its later vectors are fused into their lane's sum
 * (GCC contracts the multiply and the add into one instruction).
 */
import { arithmeticOf } from './fma.js';

const lanes = new Float64Array(8);

/**
 * Σ v[at + i] for i < n, or with `w`, Σ v[at + i]·w[wAt + i] (`map2_reduce_all`), or with `u` as well,
 * Σ (v[at + i]·u[uAt + i])·w[wAt + i] (`map3_reduce_all`, the first product rounded). A product's first vector
 * is rounded; each later one is fused into its lane's sum.
 */
export function laneSum(
  v: ArrayLike<number>,
  at: number,
  n: number,
  float32: boolean,
  w?: ArrayLike<number>,
  wAt = at,
  u?: ArrayLike<number>,
  uAt = at,
): number {
  const { round, madd } = arithmeticOf(float32);
  const factor = (i: number): number => (u === undefined ? v[at + i] : round(v[at + i] * u[uAt + i]));
  const width = float32 ? 8 : 4;
  if (n < width) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const t = w === undefined ? v[at + i] : round(factor(i) * w[wAt + i]);
      s = i === 0 ? t : round(s + t);
    }
    return s;
  }
  for (let j = 0; j < width; j++) lanes[j] = w === undefined ? v[at + j] : round(factor(j) * w[wAt + j]);
  for (let d = width; d < n; d += width) {
    const last = Math.min(width, n - d);
    if (w === undefined) for (let j = 0; j < last; j++) lanes[j] = round(lanes[j] + v[at + d + j]);
    else for (let j = 0; j < last; j++) lanes[j] = madd(factor(d + j), w[wAt + d + j], lanes[j]);
  }
  if (float32) {
    const a = round(round(lanes[0] + lanes[4]) + round(lanes[2] + lanes[6]));
    const b = round(round(lanes[1] + lanes[5]) + round(lanes[3] + lanes[7]));
    return round(a + b);
  }
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

/**
 * Σ v[at + i] for i < n, or with `w`, Σ v[at + i]·w[wAt + i], as ATen's older reductions (group norm's) write them:
 * W lanes that start at zero and take whole vectors only (a product fused into its lane), the lanes then added in
 * order to zero (`std::accumulate`), and the last n mod W terms added one by one. Of those, the build computes the
 * products of the first ones in SSE blocks of `block` (rounded) and fuses the rest: block is 4 for float32, and for
 * float64 2 or 0 (none: all fused), depending on the loop.
 */
export function accumulatedLanes(
  v: ArrayLike<number>,
  at: number,
  n: number,
  float32: boolean,
  block: number,
  w?: ArrayLike<number>,
  wAt = at,
): number {
  const { round, madd } = arithmeticOf(float32);
  const width = float32 ? 8 : 4;
  const whole = n - (n % width);
  lanes.fill(0, 0, width);
  for (let d = 0; d < whole; d += width) {
    if (w === undefined) for (let j = 0; j < width; j++) lanes[j] = round(lanes[j] + v[at + d + j]);
    else for (let j = 0; j < width; j++) lanes[j] = madd(v[at + d + j], w[wAt + d + j], lanes[j]);
  }
  let s = 0;
  for (let j = 0; j < width; j++) s = round(s + lanes[j]);
  const fusedFrom = block === 0 ? whole : n - ((n - whole) % block);
  for (let i = whole; i < n; i++) {
    if (w === undefined) s = round(s + v[at + i]);
    else s = i < fusedFrom ? round(s + round(v[at + i] * w[wAt + i])) : madd(v[at + i], w[wAt + i], s);
  }
  return s;
}
