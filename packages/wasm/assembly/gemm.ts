/**
 * Row-major GEMM, C = alpha op(A) op(B) + beta C with BLAS semantics (op(X) = X or Xᵀ, leading dimensions), over
 * raw pointers into this module's memory. GotoBLAS/BLIS design: B is packed per (KC x NC) block into NR-wide
 * micro-panels, A per (MC x KC) block into MR-tall ones, and a register-blocked micro-kernel keeps an MR x NR
 * tile of C in SIMD registers over the whole KC depth. float32: 4 x 8 (eight f32x4 accumulators; XNNPACK's shape
 * on x86). float64: 4 x 4 (eight f64x2). With relaxed SIMD the multiply-adds may fuse (ASC_FEATURE_RELAXED_SIMD is
 * a compile-time constant: the build makes one module with it and one without).
 *
 * beta == 0 writes C without reading it; K == 0 or alpha == 0 only scales C. The order of each element's sum
 * depends on K alone (blocks of KC, in order), not on which rows or columns a call covers: a caller that splits
 * C between threads gets the same bits as one call.
 *
 * `work` points at scratch of at least gemmWorkBytes() bytes, private to the calling thread.
 */

const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 1024;
const MR: i32 = 4;
const NR32: i32 = 8;
const NR64: i32 = 4;

/** Scratch bytes one GEMM call needs: packed B block, packed A block, an edge tile. */
export function gemmWorkBytes(): i32 {
  return (KC * NC + MC * KC) * 8 + 256;
}

// ---- packing (shared by both precisions) ----

@inline function elem<T>(X: usize, ld: i32, trans: i32, r: i32, c: i32): T {
  // op(X)(r, c): X[r * ld + c], or X[c * ld + r] when transposed
  return trans ? load<T>(X + ((<usize>c * ld + r) << alignof<T>())) : load<T>(X + ((<usize>r * ld + c) << alignof<T>()));
}

/** op(B)[p0 .. p0+kc, j0 .. j0+nc] as NR-wide micro-panels, each kc x NR row by row, zero-padded past nc. */
function packB<T>(transB: i32, B: usize, ldb: i32, p0: i32, j0: i32, kc: i32, nc: i32, NR: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const w = min(NR, nc - j);
    let d = dst + ((<usize>(j / NR) * kc * NR) << alignof<T>());
    if (!transB && w == NR) {
      let s = B + ((<usize>p0 * ldb + j0 + j) << alignof<T>());
      const rowBytes = <usize>ldb << alignof<T>();
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(s));
        if (NR * sizeof<T>() == 32) v128.store(d, v128.load(s, 16), 16);
        d += <usize>NR << alignof<T>();
        s += rowBytes;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      for (let jj = 0; jj < NR; jj++) {
        store<T>(d + (<usize>jj << alignof<T>()), jj < w ? elem<T>(B, ldb, transB, p0 + p, j0 + j + jj) : <T>0);
      }
      d += <usize>NR << alignof<T>();
    }
  }
}

/** op(A)[i0 .. i0+mc, p0 .. p0+kc] as MR-tall micro-panels, each kc x MR column by column, zero-padded past mc. */
function packA<T>(transA: i32, A: usize, lda: i32, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    const h = min(MR, mc - i);
    let d = dst + ((<usize>(i / MR) * kc * MR) << alignof<T>());
    for (let p = 0; p < kc; p++) {
      for (let ii = 0; ii < MR; ii++) {
        store<T>(d + (<usize>ii << alignof<T>()), ii < h ? elem<T>(A, lda, transA, i0 + i + ii, p0 + p) : <T>0);
      }
      d += <usize>MR << alignof<T>();
    }
  }
}

/** C[0..h, 0..w] (ldc) <-> a dense MR x NR tile at tmp, for the edges of C. */
function copyTile<T>(C: usize, ldc: i32, h: i32, w: i32, NR: i32, tmp: usize, toTile: bool): void {
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const c = C + ((<usize>i * ldc + j) << alignof<T>());
      const t = tmp + ((<usize>i * NR + j) << alignof<T>());
      if (toTile) store<T>(t, load<T>(c));
      else store<T>(c, load<T>(t));
    }
  }
}

// ---- float32 ----

@inline function madd32(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** One row of the tile: first K block: alpha acc (+ beta C); later blocks: C + alpha acc. */
@inline function store32(r: usize, lo: v128, hi: v128, al: v128, be: v128, mode: i32): void {
  if (mode == 0) {
    v128.store(r, f32x4.mul(lo, al));
    v128.store(r, f32x4.mul(hi, al), 16);
  } else if (mode == 1) {
    v128.store(r, f32x4.add(f32x4.mul(lo, al), f32x4.mul(v128.load(r), be)));
    v128.store(r, f32x4.add(f32x4.mul(hi, al), f32x4.mul(v128.load(r, 16), be)), 16);
  } else {
    v128.store(r, f32x4.add(v128.load(r), f32x4.mul(lo, al)));
    v128.store(r, f32x4.add(v128.load(r, 16), f32x4.mul(hi, al)), 16);
  }
}

function micro32(kc: i32, a: usize, b: usize, C: usize, ldc: i32, h: i32, w: i32, alpha: f32, beta: f32, mode: i32, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = madd32(av, b0, c00);
    c01 = madd32(av, b1, c01);
    av = v128.load32_splat(a, 4);
    c10 = madd32(av, b0, c10);
    c11 = madd32(av, b1, c11);
    av = v128.load32_splat(a, 8);
    c20 = madd32(av, b0, c20);
    c21 = madd32(av, b1, c21);
    av = v128.load32_splat(a, 12);
    c30 = madd32(av, b0, c30);
    c31 = madd32(av, b1, c31);
    a += 16;
    b += 32;
  }
  const full = h == MR && w == NR32;
  if (!full && mode != 0) copyTile<f32>(C, ldc, h, w, NR32, tmp, true);
  let r = full ? C : tmp;
  const ld: usize = full ? <usize>ldc << 2 : 32;
  const al = f32x4.splat(alpha);
  const be = f32x4.splat(beta);
  store32(r, c00, c01, al, be, mode);
  r += ld;
  store32(r, c10, c11, al, be, mode);
  r += ld;
  store32(r, c20, c21, al, be, mode);
  r += ld;
  store32(r, c30, c31, al, be, mode);
  if (!full) copyTile<f32>(C, ldc, h, w, NR32, tmp, false);
}

function scale32(M: i32, N: i32, beta: f32, C: usize, ldc: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const c = C + ((<usize>i * ldc + j) << 2);
      store<f32>(c, beta == 0 ? 0 : beta * load<f32>(c));
    }
  }
}

export function sgemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32, B: usize, ldb: i32,
                      beta: f32, C: usize, ldc: i32, work: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0) {
    scale32(M, N, beta, C, ldc);
    return;
  }
  const packedB = work;
  const packedA = work + ((<usize>KC * NC) << 2);
  const tmp = packedA + ((<usize>MC * KC) << 2);
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    for (let p0 = 0; p0 < K; p0 += KC) {
      const kc = min(KC, K - p0);
      const mode = p0 > 0 ? 2 : beta == 0 ? 0 : 1;
      packB<f32>(transB, B, ldb, p0, j0, kc, nc, NR32, packedB);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        packA<f32>(transA, A, lda, i0, p0, mc, kc, packedA);
        for (let j = 0; j < nc; j += NR32) {
          const w = min(NR32, nc - j);
          const bp = packedB + ((<usize>(j / NR32) * kc * NR32) << 2);
          for (let i = 0; i < mc; i += MR) {
            const ap = packedA + ((<usize>(i / MR) * kc * MR) << 2);
            micro32(kc, ap, bp, C + ((<usize>(i0 + i) * ldc + j0 + j) << 2), ldc, min(MR, mc - i), w, alpha, beta, mode, tmp);
          }
        }
      }
    }
  }
}

// ---- float64 ----

@inline function madd64(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

@inline function store64(r: usize, lo: v128, hi: v128, al: v128, be: v128, mode: i32): void {
  if (mode == 0) {
    v128.store(r, f64x2.mul(lo, al));
    v128.store(r, f64x2.mul(hi, al), 16);
  } else if (mode == 1) {
    v128.store(r, f64x2.add(f64x2.mul(lo, al), f64x2.mul(v128.load(r), be)));
    v128.store(r, f64x2.add(f64x2.mul(hi, al), f64x2.mul(v128.load(r, 16), be)), 16);
  } else {
    v128.store(r, f64x2.add(v128.load(r), f64x2.mul(lo, al)));
    v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(hi, al)), 16);
  }
}

function micro64(kc: i32, a: usize, b: usize, C: usize, ldc: i32, h: i32, w: i32, alpha: f64, beta: f64, mode: i32, tmp: usize): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = v128.load64_splat(a);
    c00 = madd64(av, b0, c00);
    c01 = madd64(av, b1, c01);
    av = v128.load64_splat(a, 8);
    c10 = madd64(av, b0, c10);
    c11 = madd64(av, b1, c11);
    av = v128.load64_splat(a, 16);
    c20 = madd64(av, b0, c20);
    c21 = madd64(av, b1, c21);
    av = v128.load64_splat(a, 24);
    c30 = madd64(av, b0, c30);
    c31 = madd64(av, b1, c31);
    a += 32;
    b += 32;
  }
  const full = h == MR && w == NR64;
  if (!full && mode != 0) copyTile<f64>(C, ldc, h, w, NR64, tmp, true);
  let r = full ? C : tmp;
  const ld: usize = full ? <usize>ldc << 3 : 32;
  const al = f64x2.splat(alpha);
  const be = f64x2.splat(beta);
  store64(r, c00, c01, al, be, mode);
  r += ld;
  store64(r, c10, c11, al, be, mode);
  r += ld;
  store64(r, c20, c21, al, be, mode);
  r += ld;
  store64(r, c30, c31, al, be, mode);
  if (!full) copyTile<f64>(C, ldc, h, w, NR64, tmp, false);
}

function scale64(M: i32, N: i32, beta: f64, C: usize, ldc: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const c = C + ((<usize>i * ldc + j) << 3);
      store<f64>(c, beta == 0 ? 0 : beta * load<f64>(c));
    }
  }
}

export function dgemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f64, A: usize, lda: i32, B: usize, ldb: i32,
                      beta: f64, C: usize, ldc: i32, work: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0) {
    scale64(M, N, beta, C, ldc);
    return;
  }
  const packedB = work;
  const packedA = work + ((<usize>KC * NC) << 3);
  const tmp = packedA + ((<usize>MC * KC) << 3);
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    for (let p0 = 0; p0 < K; p0 += KC) {
      const kc = min(KC, K - p0);
      const mode = p0 > 0 ? 2 : beta == 0 ? 0 : 1;
      packB<f64>(transB, B, ldb, p0, j0, kc, nc, NR64, packedB);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        packA<f64>(transA, A, lda, i0, p0, mc, kc, packedA);
        for (let j = 0; j < nc; j += NR64) {
          const w = min(NR64, nc - j);
          const bp = packedB + ((<usize>(j / NR64) * kc * NR64) << 3);
          for (let i = 0; i < mc; i += MR) {
            const ap = packedA + ((<usize>(i / MR) * kc * MR) << 3);
            micro64(kc, ap, bp, C + ((<usize>(i0 + i) * ldc + j0 + j) << 3), ldc, min(MR, mc - i), w, alpha, beta, mode, tmp);
          }
        }
      }
    }
  }
}
