/**
 * Row-major GEMM, C = alpha op(A) op(B) + beta C with BLAS semantics (op(X) = X or Xᵀ, leading dimensions), over
 * raw pointers into this module's memory. GotoBLAS/BLIS design: B is packed per (KC x NC) block into NR-wide
 * micro-panels, A per (MC x KC) block into MR-tall ones, and a register-blocked micro-kernel keeps an MR x NR tile
 * of C in SIMD registers over the whole KC depth (half as wide for a narrow last panel). float32: 4 x 8 (eight f32x4
 * accumulators; XNNPACK's shape on x86). float64: 4 x 4 (eight f64x2). A is packed even when C is narrow (a
 * convolution's few columns against its weight): reading A's rows in place took a pointer a row in the tile's loop,
 * and ResNet-18's convolutions ran 6-13% slower so. With relaxed SIMD the multiply-adds may fuse (ASC_FEATURE_RELAXED_SIMD is
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

/**
 * Four rows of four float32s from s, rowBytes apart, stored transposed: column c's four values at d + c·step (a 4 x 4
 * transpose as shuffles).
 */
@inline function storeTransposed4x4(s: usize, rowBytes: usize, d: usize, step: usize): void {
  const r0 = v128.load(s), r1 = v128.load(s + rowBytes), r2 = v128.load(s + 2 * rowBytes), r3 = v128.load(s + 3 * rowBytes);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(d + step, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(d + 2 * step, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(d + 3 * step, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

/**
 * A full 8-wide float32 panel of a transposed B (op(B)[p][j] = B[j·ldb + p]): eight rows of B, four columns at a
 * time, as two 4 x 4 transposes; the columns past the last multiple of 4 one by one.
 */
function packRowsOfBt32(B: usize, ldb: i32, p0: i32, j: i32, kc: i32, d: usize): void {
  const rowBytes = <usize>ldb << 2;
  let s = B + ((<usize>j * ldb + p0) << 2);
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    for (let half: usize = 0; half < 2; half++) storeTransposed4x4(s + half * 4 * rowBytes, rowBytes, d + half * 16, 32);
    d += 128;
    s += 16;
  }
  for (; p < kc; p++) {
    for (let jj = 0; jj < 8; jj++) store<f32>(d + (<usize>jj << 2), load<f32>(s + <usize>jj * rowBytes));
    d += 32;
    s += 4;
  }
}

/** op(B)[p0 .. p0+kc, j0 .. j0+nc] as NR-wide micro-panels, each kc x NR row by row, zero-padded past nc. */
function packB<T>(transB: i32, B: usize, ldb: i32, p0: i32, j0: i32, kc: i32, nc: i32, NR: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const w = min(NR, nc - j);
    let d = dst + ((<usize>(j / NR) * kc * NR) << alignof<T>());
    if (transB && w == NR && sizeof<T>() == 4) {
      packRowsOfBt32(B, ldb, p0, j0 + j, kc, d);
      continue;
    }
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

/**
 * A full MR-tall panel of a transposed A: op(A)'s column p is MR consecutive elements of A's row p, one or two
 * vector loads. Returns the columns packed (all of them).
 */
@inline function packColumnsOfAt<T>(A: usize, lda: i32, i: i32, p0: i32, kc: i32, d: usize): i32 {
  let s = A + ((<usize>p0 * lda + i) << alignof<T>());
  const rowBytes = <usize>lda << alignof<T>();
  for (let p = 0; p < kc; p++) {
    v128.store(d, v128.load(s));
    if (sizeof<T>() == 8) v128.store(d, v128.load(s, 16), 16);
    d += <usize>MR << alignof<T>();
    s += rowBytes;
  }
  return kc;
}

/**
 * A full 4-tall float32 panel of a row-major A: four columns at a time as a 4 x 4 transpose of four row loads.
 * Returns the columns packed (a multiple of 4; the caller packs the rest).
 */
@inline function packRowsOfA32(A: usize, lda: i32, i: i32, p0: i32, kc: i32, d: usize): i32 {
  const rowBytes = <usize>lda << 2;
  let s = A + ((<usize>i * lda + p0) << 2);
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    storeTransposed4x4(s, rowBytes, d, 16);
    d += 64;
    s += 16;
  }
  return p;
}

/** op(A)[i0 .. i0+mc, p0 .. p0+kc] as MR-tall micro-panels, each kc x MR column by column, zero-padded past mc. */
function packA<T>(transA: i32, A: usize, lda: i32, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    const h = min(MR, mc - i);
    let d = dst + ((<usize>(i / MR) * kc * MR) << alignof<T>());
    let p = 0;
    if (h == MR) {
      p = transA ? packColumnsOfAt<T>(A, lda, i0 + i, p0, kc, d) : sizeof<T>() == 4 ? packRowsOfA32(A, lda, i0 + i, p0, kc, d) : 0;
      d += (<usize>p * MR) << alignof<T>();
    }
    for (; p < kc; p++) {
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

// ---- the micro-kernel and the driver, for f32 (f32x4 lanes) and f64 (f64x2) alike ----
// sizeof<T>() is a compile-time constant: each instantiation keeps only its own lane type's instructions.

@inline function vsplat<T>(x: T): v128 {
  return sizeof<T>() == 4 ? f32x4.splat(<f32>x) : f64x2.splat(<f64>x);
}

@inline function vadd<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 4 ? f32x4.add(a, b) : f64x2.add(a, b);
}

@inline function vmul<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 4 ? f32x4.mul(a, b) : f64x2.mul(a, b);
}

/** c + a b, fused where relaxed SIMD is on (ASC_FEATURE_RELAXED_SIMD is a compile-time constant). */
@inline function vmadd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return sizeof<T>() == 4 ? f32x4.relaxed_madd(a, b, c) : f64x2.relaxed_madd(a, b, c);
  return vadd<T>(c, vmul<T>(a, b));
}

/**
 * Row i's element of a packed A step at a, in every lane, through the load's constant offset: an address computed
 * as a + offset would cost an add, as wasm's 32-bit sums wrap and so cannot fold into the x86 address.
 */
@inline function packedSplat<T>(a: usize, i: i32): v128 {
  if (sizeof<T>() == 4) {
    if (i == 0) return v128.load32_splat(a, 0);
    if (i == 1) return v128.load32_splat(a, 4);
    if (i == 2) return v128.load32_splat(a, 8);
    return v128.load32_splat(a, 12);
  }
  if (i == 0) return v128.load64_splat(a, 0);
  if (i == 1) return v128.load64_splat(a, 8);
  if (i == 2) return v128.load64_splat(a, 16);
  return v128.load64_splat(a, 24);
}

/** One row of the tile (two vectors): first K block: alpha acc (+ beta C); later blocks: C + alpha acc. */
@inline function storeRow<T>(r: usize, lo: v128, hi: v128, al: v128, be: v128, mode: i32): void {
  if (mode == 0) {
    v128.store(r, vmul<T>(lo, al));
    v128.store(r, vmul<T>(hi, al), 16);
  } else if (mode == 1) {
    v128.store(r, vadd<T>(vmul<T>(lo, al), vmul<T>(v128.load(r), be)));
    v128.store(r, vadd<T>(vmul<T>(hi, al), vmul<T>(v128.load(r, 16), be)), 16);
  } else {
    v128.store(r, vadd<T>(v128.load(r), vmul<T>(lo, al)));
    v128.store(r, vadd<T>(v128.load(r, 16), vmul<T>(hi, al)), 16);
  }
}

/** Columns of the tile: two vectors a row (8 f32, 4 f64). */
@inline function nr<T>(): i32 {
  return sizeof<T>() == 4 ? NR32 : NR64;
}

/** Writes a finished tile: rows of two vectors, straight into C when the tile is whole, else through tmp. */
@inline function storeTile<T>(c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
                              C: usize, ldc: i32, h: i32, w: i32, alpha: T, beta: T, mode: i32, tmp: usize): void {
  const full = h == MR && w == nr<T>();
  if (!full && mode != 0) copyTile<T>(C, ldc, h, w, nr<T>(), tmp, true);
  let r = full ? C : tmp;
  const ld: usize = full ? <usize>ldc << alignof<T>() : 32;
  const al = vsplat<T>(alpha);
  const be = vsplat<T>(beta);
  storeRow<T>(r, c00, c01, al, be, mode);
  r += ld;
  storeRow<T>(r, c10, c11, al, be, mode);
  r += ld;
  storeRow<T>(r, c20, c21, al, be, mode);
  r += ld;
  storeRow<T>(r, c30, c31, al, be, mode);
  if (!full) copyTile<T>(C, ldc, h, w, nr<T>(), tmp, false);
}

/**
 * The MR x NR tile at C (ldc; h x w of it inside C) from kc steps of a packed panel of A (MR elements a step, zero
 * past h) and packed rows of B. A step's MR values come through constant offsets from one pointer: with a pointer
 * for each row the loop ran 14% slower in V8 (1024^3), advancing five pointers instead of two.
 *
 * One k step a trip, eight accumulators, is what V8's code generation keeps in registers (x64 gives it 15 vector
 * registers). Measured against this loop in alternating turns on a Zen 3 core: two steps a trip, 6 x 8 and 5 x 8
 * tiles all ran 1.3-2.4x slower (TurboFan schedules the loads of a trip first and spills accumulators to the
 * stack); A's values as one vector load and four lane shuffles, 1.06-1.15x (the shuffles take the vector pipes);
 * A packed as whole splatted vectors, so that its loads take plain constant offsets, 1.07-1.09x.
 */
function micro<T>(kc: i32, a: usize, b: usize, C: usize, ldc: i32, h: i32, w: i32, alpha: T, beta: T, mode: i32,
                  tmp: usize): void {
  let c00 = vsplat<T>(0), c01 = vsplat<T>(0), c10 = vsplat<T>(0), c11 = vsplat<T>(0);
  let c20 = vsplat<T>(0), c21 = vsplat<T>(0), c30 = vsplat<T>(0), c31 = vsplat<T>(0);
  const end = b + ((<usize>kc * nr<T>()) << alignof<T>());
  while (b < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = packedSplat<T>(a, 0);
    c00 = vmadd<T>(av, b0, c00);
    c01 = vmadd<T>(av, b1, c01);
    av = packedSplat<T>(a, 1);
    c10 = vmadd<T>(av, b0, c10);
    c11 = vmadd<T>(av, b1, c11);
    av = packedSplat<T>(a, 2);
    c20 = vmadd<T>(av, b0, c20);
    c21 = vmadd<T>(av, b1, c21);
    av = packedSplat<T>(a, 3);
    c30 = vmadd<T>(av, b0, c30);
    c31 = vmadd<T>(av, b1, c31);
    a += <usize>MR << alignof<T>();
    b += 32;
  }
  storeTile<T>(c00, c01, c10, c11, c20, c21, c30, c31, C, ldc, h, w, alpha, beta, mode, tmp);
}

/**
 * The same tile for a last panel at most half as wide (w <= NR / 2): one vector a row, so a narrow edge of C (an
 * image of 7 x 7 = 49 output positions leaves one column) costs half a whole tile. Each sum runs as in micro().
 */
function microNarrow<T>(kc: i32, a: usize, b: usize, C: usize, ldc: i32, h: i32, w: i32, alpha: T, beta: T, mode: i32,
                        tmp: usize): void {
  let c0 = vsplat<T>(0), c1 = vsplat<T>(0), c2 = vsplat<T>(0), c3 = vsplat<T>(0);
  const end = b + ((<usize>kc * nr<T>()) << alignof<T>());
  while (b < end) {
    const b0 = v128.load(b);
    c0 = vmadd<T>(packedSplat<T>(a, 0), b0, c0);
    c1 = vmadd<T>(packedSplat<T>(a, 1), b0, c1);
    c2 = vmadd<T>(packedSplat<T>(a, 2), b0, c2);
    c3 = vmadd<T>(packedSplat<T>(a, 3), b0, c3);
    a += <usize>MR << alignof<T>();
    b += 32;
  }
  const zero = vsplat<T>(0);
  storeTile<T>(c0, zero, c1, zero, c2, zero, c3, zero, C, ldc, h, w, alpha, beta, mode, tmp);
}

/** C = beta C, beta == 0 not reading C. */
function scale<T>(M: i32, N: i32, beta: T, C: usize, ldc: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const c = C + ((<usize>i * ldc + j) << alignof<T>());
      store<T>(c, beta == 0 ? <T>0 : beta * load<T>(c));
    }
  }
}

export function gemm<T>(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: T, A: usize, lda: i32, B: usize, ldb: i32,
                 beta: T, C: usize, ldc: i32, work: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0) {
    scale<T>(M, N, beta, C, ldc);
    return;
  }
  const NR = nr<T>();
  const packedB = work;
  const packedA = work + ((<usize>KC * NC) << alignof<T>());
  const tmp = packedA + ((<usize>MC * KC) << alignof<T>());
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    for (let p0 = 0; p0 < K; p0 += KC) {
      const kc = min(KC, K - p0);
      const mode = p0 > 0 ? 2 : beta == 0 ? 0 : 1;
      packB<T>(transB, B, ldb, p0, j0, kc, nc, NR, packedB);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        packA<T>(transA, A, lda, i0, p0, mc, kc, packedA);
        for (let j = 0; j < nc; j += NR) {
          const w = min(NR, nc - j);
          const bp = packedB + ((<usize>(j / NR) * kc * NR) << alignof<T>());
          for (let i = 0; i < mc; i += MR) {
            const ap = packedA + ((<usize>(i / MR) * kc * MR) << alignof<T>());
            const c = C + ((<usize>(i0 + i) * ldc + j0 + j) << alignof<T>());
            const h = min(MR, mc - i);
            if (w <= NR / 2) microNarrow<T>(kc, ap, bp, c, ldc, h, w, alpha, beta, mode, tmp);
            else micro<T>(kc, ap, bp, c, ldc, h, w, alpha, beta, mode, tmp);
          }
        }
      }
    }
  }
}

export function sgemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32, B: usize, ldb: i32,
                      beta: f32, C: usize, ldc: i32, work: usize): void {
  gemm<f32>(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, work);
}

export function dgemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f64, A: usize, lda: i32, B: usize, ldb: i32,
                      beta: f64, C: usize, ldc: i32, work: usize): void {
  gemm<f64>(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, work);
}
