/**
 * Layer norm forward and backward over contiguous [rows, cols], giving the bits of
 * packages/core/src/kernels/norm.ts: a row's sums run in the eight interleaved double accumulators of lane-sums.ts
 * (element j to accumulator j mod 8), as batch norm's do (norm.ts), and values are rounded where that kernel rounds.
 * The forward and the backward's input gradient take rows [r0, r1) per call; the weight and bias gradients take
 * columns [k0, k1), each column summed over every row in row order, as the TypeScript kernel's accumulators add.
 * Optional arrays are 0 when absent.
 */
import { addr, get, ld, put, rnd, st } from './doubles';
import { total8 } from './norm';

/** One term per lane, -0 past the row's end (n): adding -0 leaves an accumulator as it is, signed zeros included. */
@inline function pair(j: i32, n: i32, a: f64, b: f64): v128 {
  return f64x2.replace_lane(f64x2.splat(j < n ? a : -0.0), 1, j + 1 < n ? b : -0.0);
}

// The terms of a row's tail (the elements past its last multiple of 8, at most one per accumulator), two at a time.

@inline function xPair<T>(p: usize, j: i32, n: i32): v128 {
  return pair(j, n, j < n ? get<T>(p, j) : 0, j + 1 < n ? get<T>(p, j + 1) : 0);
}

@inline function squarePair<T>(p: usize, j: i32, n: i32, mean: f64): v128 {
  const a = j < n ? get<T>(p, j) - mean : 0;
  const b = j + 1 < n ? get<T>(p, j + 1) - mean : 0;
  return pair(j, n, a * a, b * b);
}

/** gy times the weight (when given): the backward's `a`. */
@inline function scaled<T>(gy: usize, w: usize, j: i32): f64 {
  return w == 0 ? get<T>(gy, j) : get<T>(gy, j) * get<T>(w, j);
}

@inline function scaledPair<T>(gy: usize, w: usize, j: i32, n: i32): v128 {
  return pair(j, n, j < n ? scaled<T>(gy, w, j) : 0, j + 1 < n ? scaled<T>(gy, w, j + 1) : 0);
}

@inline function productPair<T>(gy: usize, x: usize, w: usize, j: i32, n: i32, mean: f64, rstd: f64): v128 {
  const a = j < n ? scaled<T>(gy, w, j) * ((get<T>(x, j) - mean) * rstd) : 0;
  const b = j + 1 < n ? scaled<T>(gy, w, j + 1) * ((get<T>(x, j + 1) - mean) * rstd) : 0;
  return pair(j, n, a, b);
}

/** Σ x over the n elements of a row. */
function rowSum<T>(p: usize, n: i32): f64 {
  let s01 = f64x2.splat(0), s23 = f64x2.splat(0), s45 = f64x2.splat(0), s67 = f64x2.splat(0);
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const q = addr<T>(p, j);
    s01 = f64x2.add(s01, ld<T>(q));
    s23 = f64x2.add(s23, ld<T>(q + 2 * sizeof<T>()));
    s45 = f64x2.add(s45, ld<T>(q + 4 * sizeof<T>()));
    s67 = f64x2.add(s67, ld<T>(q + 6 * sizeof<T>()));
  }
  if (j < n) {
    s01 = f64x2.add(s01, xPair<T>(p, j, n));
    s23 = f64x2.add(s23, xPair<T>(p, j + 2, n));
    s45 = f64x2.add(s45, xPair<T>(p, j + 4, n));
    s67 = f64x2.add(s67, xPair<T>(p, j + 6, n));
  }
  return total8(s01, s23, s45, s67);
}

/** Σ (x - mean)² over the n elements of a row. */
function rowSquares<T>(p: usize, n: i32, mean: f64): f64 {
  const m = f64x2.splat(mean);
  let s01 = f64x2.splat(0), s23 = f64x2.splat(0), s45 = f64x2.splat(0), s67 = f64x2.splat(0);
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const q = addr<T>(p, j);
    const d01 = f64x2.sub(ld<T>(q), m), d23 = f64x2.sub(ld<T>(q + 2 * sizeof<T>()), m);
    const d45 = f64x2.sub(ld<T>(q + 4 * sizeof<T>()), m), d67 = f64x2.sub(ld<T>(q + 6 * sizeof<T>()), m);
    s01 = f64x2.add(s01, f64x2.mul(d01, d01));
    s23 = f64x2.add(s23, f64x2.mul(d23, d23));
    s45 = f64x2.add(s45, f64x2.mul(d45, d45));
    s67 = f64x2.add(s67, f64x2.mul(d67, d67));
  }
  if (j < n) {
    s01 = f64x2.add(s01, squarePair<T>(p, j, n, mean));
    s23 = f64x2.add(s23, squarePair<T>(p, j + 2, n, mean));
    s45 = f64x2.add(s45, squarePair<T>(p, j + 4, n, mean));
    s67 = f64x2.add(s67, squarePair<T>(p, j + 6, n, mean));
  }
  return total8(s01, s23, s45, s67);
}

/**
 * Rows [r0, r1): mean and rstd = 1 / sqrt(var + eps) in double, saved rounded; out = round((x - mean)·rstd), then
 * round(out·w), then round(out + b) where a weight and a bias are given.
 */
function layerNormForward<T>(x: usize, cols: i32, weight: usize, bias: usize, eps: f64, out: usize, saveMean: usize,
                             saveRstd: usize, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const px = addr<T>(x, r * cols), po = addr<T>(out, r * cols);
    const mean = rowSum<T>(px, cols) / cols;
    const rstd = 1 / Math.sqrt(rowSquares<T>(px, cols, mean) / cols + eps);
    put<T>(saveMean, r, mean);
    put<T>(saveRstd, r, rstd);
    const m = f64x2.splat(mean), s = f64x2.splat(rstd);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      let v = f64x2.mul(f64x2.sub(ld<T>(addr<T>(px, j)), m), s);
      if (weight != 0) v = f64x2.mul(rnd<T>(v), ld<T>(addr<T>(weight, j)));
      if (bias != 0) v = f64x2.add(rnd<T>(v), ld<T>(addr<T>(bias, j)));
      st<T>(addr<T>(po, j), v);
    }
    for (; j < cols; j++) {
      let v = (get<T>(px, j) - mean) * rstd;
      if (weight != 0) v = <f64><T>v * get<T>(weight, j);
      if (bias != 0) v = <f64><T>v + get<T>(bias, j);
      put<T>(po, j, v);
    }
  }
}

export function layerNormForward32(x: usize, cols: i32, weight: usize, bias: usize, eps: f64, out: usize,
                                   saveMean: usize, saveRstd: usize, r0: i32, r1: i32): void {
  layerNormForward<f32>(x, cols, weight, bias, eps, out, saveMean, saveRstd, r0, r1);
}
export function layerNormForward64(x: usize, cols: i32, weight: usize, bias: usize, eps: f64, out: usize,
                                   saveMean: usize, saveRstd: usize, r0: i32, r1: i32): void {
  layerNormForward<f64>(x, cols, weight, bias, eps, out, saveMean, saveRstd, r0, r1);
}

/**
 * The input gradient of rows [r0, r1), from the saved mean and rstd: with a = gy·w (gy without a weight) and
 * xhat = (x - mean)·rstd, gx = (a - Σa/cols - xhat·(Σa·xhat/cols))·rstd in double, rounded at the store.
 */
function layerNormBackwardRows<T>(gy: usize, x: usize, cols: i32, weight: usize, saveMean: usize, saveRstd: usize,
                                  gx: usize, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const pg = addr<T>(gy, r * cols), px = addr<T>(x, r * cols), po = addr<T>(gx, r * cols);
    const mean = get<T>(saveMean, r), rstd = get<T>(saveRstd, r);
    const m = f64x2.splat(mean), s = f64x2.splat(rstd);
    let g01 = f64x2.splat(0), g23 = f64x2.splat(0), g45 = f64x2.splat(0), g67 = f64x2.splat(0);
    let h01 = f64x2.splat(0), h23 = f64x2.splat(0), h45 = f64x2.splat(0), h67 = f64x2.splat(0);
    let j = 0;
    for (; j + 8 <= cols; j += 8) {
      for (let k = 0; k < 8; k += 2) {
        let a = ld<T>(addr<T>(pg, j + k));
        if (weight != 0) a = f64x2.mul(a, ld<T>(addr<T>(weight, j + k)));
        const h = f64x2.mul(a, f64x2.mul(f64x2.sub(ld<T>(addr<T>(px, j + k)), m), s));
        if (k == 0) {
          g01 = f64x2.add(g01, a);
          h01 = f64x2.add(h01, h);
        } else if (k == 2) {
          g23 = f64x2.add(g23, a);
          h23 = f64x2.add(h23, h);
        } else if (k == 4) {
          g45 = f64x2.add(g45, a);
          h45 = f64x2.add(h45, h);
        } else {
          g67 = f64x2.add(g67, a);
          h67 = f64x2.add(h67, h);
        }
      }
    }
    if (j < cols) {
      g01 = f64x2.add(g01, scaledPair<T>(pg, weight, j, cols));
      g23 = f64x2.add(g23, scaledPair<T>(pg, weight, j + 2, cols));
      g45 = f64x2.add(g45, scaledPair<T>(pg, weight, j + 4, cols));
      g67 = f64x2.add(g67, scaledPair<T>(pg, weight, j + 6, cols));
      h01 = f64x2.add(h01, productPair<T>(pg, px, weight, j, cols, mean, rstd));
      h23 = f64x2.add(h23, productPair<T>(pg, px, weight, j + 2, cols, mean, rstd));
      h45 = f64x2.add(h45, productPair<T>(pg, px, weight, j + 4, cols, mean, rstd));
      h67 = f64x2.add(h67, productPair<T>(pg, px, weight, j + 6, cols, mean, rstd));
    }
    const k1 = total8(g01, g23, g45, g67) / cols, k2 = total8(h01, h23, h45, h67) / cols;
    const v1 = f64x2.splat(k1), v2 = f64x2.splat(k2);
    j = 0;
    for (; j + 2 <= cols; j += 2) {
      let a = ld<T>(addr<T>(pg, j));
      if (weight != 0) a = f64x2.mul(a, ld<T>(addr<T>(weight, j)));
      const xhat = f64x2.mul(f64x2.sub(ld<T>(addr<T>(px, j)), m), s);
      st<T>(addr<T>(po, j), f64x2.mul(f64x2.sub(f64x2.sub(a, v1), f64x2.mul(xhat, v2)), s));
    }
    for (; j < cols; j++) {
      const xhat = (get<T>(px, j) - mean) * rstd;
      put<T>(po, j, (scaled<T>(pg, weight, j) - k1 - xhat * k2) * rstd);
    }
  }
}

export function layerNormBackwardRows32(gy: usize, x: usize, cols: i32, weight: usize, saveMean: usize, saveRstd: usize,
                                        gx: usize, r0: i32, r1: i32): void {
  layerNormBackwardRows<f32>(gy, x, cols, weight, saveMean, saveRstd, gx, r0, r1);
}
export function layerNormBackwardRows64(gy: usize, x: usize, cols: i32, weight: usize, saveMean: usize, saveRstd: usize,
                                        gx: usize, r0: i32, r1: i32): void {
  layerNormBackwardRows<f64>(gy, x, cols, weight, saveMean, saveRstd, gx, r0, r1);
}

/** Columns [k0, k1) of the weight and bias gradients: Σ gy·xhat and Σ gy over the rows, in row order. */
function layerNormBackwardColumns<T>(gy: usize, x: usize, rows: i32, cols: i32, saveMean: usize, saveRstd: usize,
                                     gWeight: usize, gBias: usize, k0: i32, k1: i32): void {
  let k = k0;
  for (; k + 2 <= k1; k += 2) {
    let w = f64x2.splat(0), b = f64x2.splat(0);
    for (let r = 0; r < rows; r++) {
      const p = r * cols + k;
      const g = ld<T>(addr<T>(gy, p));
      const xhat = f64x2.mul(f64x2.sub(ld<T>(addr<T>(x, p)), f64x2.splat(get<T>(saveMean, r))), f64x2.splat(get<T>(saveRstd, r)));
      w = f64x2.add(w, f64x2.mul(g, xhat));
      b = f64x2.add(b, g);
    }
    if (gWeight != 0) st<T>(addr<T>(gWeight, k), w);
    if (gBias != 0) st<T>(addr<T>(gBias, k), b);
  }
  for (; k < k1; k++) {
    let w: f64 = 0, b: f64 = 0;
    for (let r = 0; r < rows; r++) {
      const g = get<T>(gy, r * cols + k);
      w += g * ((get<T>(x, r * cols + k) - get<T>(saveMean, r)) * get<T>(saveRstd, r));
      b += g;
    }
    if (gWeight != 0) put<T>(gWeight, k, w);
    if (gBias != 0) put<T>(gBias, k, b);
  }
}

export function layerNormBackwardColumns32(gy: usize, x: usize, rows: i32, cols: i32, saveMean: usize, saveRstd: usize,
                                           gWeight: usize, gBias: usize, k0: i32, k1: i32): void {
  layerNormBackwardColumns<f32>(gy, x, rows, cols, saveMean, saveRstd, gWeight, gBias, k0, k1);
}
export function layerNormBackwardColumns64(gy: usize, x: usize, rows: i32, cols: i32, saveMean: usize, saveRstd: usize,
                                           gWeight: usize, gBias: usize, k0: i32, k1: i32): void {
  layerNormBackwardColumns<f64>(gy, x, rows, cols, saveMean, saveRstd, gWeight, gBias, k0, k1);
}
