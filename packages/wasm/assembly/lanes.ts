/**
 * Sums in the order of PyTorch's vectorised reductions, as packages/core/src/kernels/vector-lanes.ts `laneSum`
 * adds them: W lanes (8 float32, 4 float64), lane j taking terms j, j + W, ..., then folded, float32 as
 * ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)), float64 in order; fewer than W terms added in order. A
 * product's later terms are fused into their lane's sum.
 */
import { fused32, rnd } from './doubles';

/** a · b + c rounded once to float32, for float32 operands (doubles.ts fused32, in one lane). */
@inline export function fma32(a: f32, b: f32, c: f32): f32 {
  return <f32>f64x2.extract_lane(fused32(f64x2.splat(<f64>c), f64x2.splat(<f64>a), f64x2.splat(<f64>b)), 0);
}

/** v[i], or v[i]·u[i] where u is given (the first product of a three-way one, rounded). */
@inline function factor32(p: usize, u: usize, i: i32): f32 {
  const v = load<f32>(p + (<usize>i << 2));
  return u ? v * load<f32>(u + (<usize>i << 2)) : v;
}

@inline function term32(p: usize, u: usize, w: usize, i: i32): f32 {
  return w ? factor32(p, u, i) * load<f32>(w + (<usize>i << 2)) : load<f32>(p + (<usize>i << 2));
}

@inline function add32(acc: f32, p: usize, u: usize, w: usize, i: i32): f32 {
  return w ? fma32(factor32(p, u, i), load<f32>(w + (<usize>i << 2)), acc) : acc + load<f32>(p + (<usize>i << 2));
}

/** Two float32 values at element i of p, in double lanes. */
@inline function pair32(p: usize, i: i32): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p + (<usize>i << 2)));
}

@inline function factorPair(p: usize, u: usize, i: i32): v128 {
  const v = pair32(p, i);
  return u ? rnd<f32>(f64x2.mul(v, pair32(u, i))) : v;
}

@inline function termPair(p: usize, u: usize, w: usize, i: i32): v128 {
  return w ? rnd<f32>(f64x2.mul(factorPair(p, u, i), pair32(w, i))) : pair32(p, i);
}

@inline function addPair(acc: v128, p: usize, u: usize, w: usize, i: i32): v128 {
  return w ? fused32(acc, factorPair(p, u, i), pair32(w, i)) : rnd<f32>(f64x2.add(acc, pair32(p, i)));
}

/**
 * Σ p[i] (u and w 0), Σ p[i]·w[i] (w given), or Σ (p[i]·u[i])·w[i] (both given) over n float32 values: the eight
 * lanes as four pairs of float32 values in double lanes (each operation rounded to float32), the last partial vector
 * one lane at a time.
 */
export function laneSum32(p: usize, n: i32, u: usize, w: usize): f32 {
  if (n < 8) {
    let s: f32 = 0;
    for (let i = 0; i < n; i++) s = i == 0 ? term32(p, u, w, 0) : s + term32(p, u, w, i);
    return s;
  }
  let l01 = termPair(p, u, w, 0), l23 = termPair(p, u, w, 2), l45 = termPair(p, u, w, 4), l67 = termPair(p, u, w, 6);
  let d = 8;
  for (const full = n - n % 8; d < full; d += 8) {
    l01 = addPair(l01, p, u, w, d);
    l23 = addPair(l23, p, u, w, d + 2);
    l45 = addPair(l45, p, u, w, d + 4);
    l67 = addPair(l67, p, u, w, d + 6);
  }
  let l0 = <f32>f64x2.extract_lane(l01, 0), l1 = <f32>f64x2.extract_lane(l01, 1);
  let l2 = <f32>f64x2.extract_lane(l23, 0), l3 = <f32>f64x2.extract_lane(l23, 1);
  let l4 = <f32>f64x2.extract_lane(l45, 0), l5 = <f32>f64x2.extract_lane(l45, 1);
  let l6 = <f32>f64x2.extract_lane(l67, 0), l7 = <f32>f64x2.extract_lane(l67, 1);
  const k = n - d;
  if (k > 0) l0 = add32(l0, p, u, w, d);
  if (k > 1) l1 = add32(l1, p, u, w, d + 1);
  if (k > 2) l2 = add32(l2, p, u, w, d + 2);
  if (k > 3) l3 = add32(l3, p, u, w, d + 3);
  if (k > 4) l4 = add32(l4, p, u, w, d + 4);
  if (k > 5) l5 = add32(l5, p, u, w, d + 5);
  if (k > 6) l6 = add32(l6, p, u, w, d + 6);
  return ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7));
}

@inline function dget(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

/** Σ p[i] over n doubles in the four float64 lanes, folded in order. */
export function laneSum64(p: usize, n: i32): f64 {
  if (n < 4) {
    let s = dget(p, 0);
    for (let i = 1; i < n; i++) s += dget(p, i);
    return s;
  }
  let l0 = dget(p, 0), l1 = dget(p, 1), l2 = dget(p, 2), l3 = dget(p, 3);
  let d = 4;
  for (const full = n - n % 4; d < full; d += 4) {
    l0 += dget(p, d); l1 += dget(p, d + 1); l2 += dget(p, d + 2); l3 += dget(p, d + 3);
  }
  const k = n - d;
  if (k > 0) l0 += dget(p, d);
  if (k > 1) l1 += dget(p, d + 1);
  if (k > 2) l2 += dget(p, d + 2);
  return ((l0 + l1) + l2) + l3;
}
