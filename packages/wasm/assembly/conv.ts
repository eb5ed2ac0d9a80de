/**
 * 2-D convolution over contiguous NCHW arrays in this module's memory, as im2col/col2im around the GEMM: the
 * forward, the input gradient and the weight gradient, one image at a time (images [n0, n1), so the host can
 * split a batch between threads). Layouts as in packages/core/src/kernels/conv.ts: input (N, C, H, W), weight
 * (O, C/groups, kh, kw), output (N, O, OH, OW); the column matrix of one image and group has K = (C/groups)·kh·kw
 * rows and OH·OW columns. `cols` holds K·OH·OW elements and `work` gemmWorkBytes(), both private to the caller.
 */
import { gemm } from './gemm';

// The geometry, passed as one block of i32s so the exports keep a short signature.
const N = 0, C = 1, H = 2, W = 3, O = 4, KH = 5, KW = 6, OH = 7, OW = 8, SH = 9, SW = 10, PH = 11, PW = 12, DH = 13, DW = 14, GROUPS = 15;

@inline function geo(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

/**
 * Short copies and fills inline: memory.copy and memory.fill are calls into the engine's runtime, which cost more
 * than moving the dozen elements of a typical image row.
 */
@inline function copy(dst: usize, src: usize, bytes: usize): void {
  let k: usize = 0;
  for (; k + 16 <= bytes; k += 16) v128.store(dst + k, v128.load(src + k));
  for (; k < bytes; k += 4) store<u32>(dst + k, load<u32>(src + k));
}

/** dst[q] = src[2q] for q < n (float32): four at a time from two loads (which may read one element past the run). */
@inline function gatherEven32(dst: usize, src: usize, n: i32): void {
  let q = 0;
  for (; q + 4 <= n; q += 4) {
    const p = src + (<usize>q << 3);
    v128.store(dst + (<usize>q << 2), i32x4.shuffle(v128.load(p), v128.load(p, 16), 0, 2, 4, 6));
  }
  for (; q < n; q++) store<f32>(dst + (<usize>q << 2), load<f32>(src + (<usize>q << 3)));
}

@inline function zero<T>(dst: usize, n: i32): void {
  for (let k = 0; k < n; k++) store<T>(dst + (<usize>k << alignof<T>()), <T>0);
}

/**
 * Walks the column matrix of channels [0, Cg) of the plane block at x, for output rows [r0, r1): `gather` writes it
 * into `cols` (im2col: K rows of (r1 - r0)·OW columns, zeros where the window leaves the image); otherwise adds
 * `cols` back into x (col2im over every row; the caller zeroed x). Each row of a window's run is split into the
 * part inside the image, copied (or gathered at the stride) in one go, and the padding either side. Each element
 * of x receives its additions in the same (c, i, j, r, q) order as an element-by-element walk. Inlined, so that
 * `gather` is a constant in each copy.
 */
@inline function columns<T>(g: usize, x: usize, Cg: i32, cols: usize, gather: bool, r0: i32, r1: i32): void {
  const h = geo(g, H), w = geo(g, W), kh = geo(g, KH), kw = geo(g, KW), ow = geo(g, OW);
  const sh = geo(g, SH), sw = geo(g, SW), ph = geo(g, PH), pw = geo(g, PW), dh = geo(g, DH), dw = geo(g, DW);
  const rowBytes = <usize>ow << alignof<T>();
  let at = cols;
  for (let c = 0; c < Cg; c++) {
    const plane = x + ((<usize>c * h * w) << alignof<T>());
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        // Output column q reads input column q·sw + off, inside the image for q in [qlo, qhi).
        const off = j * dw - pw;
        const qhi = min(ow, w - off <= 0 ? 0 : (w - off - 1) / sw + 1);
        const qlo = min(qhi, off >= 0 ? 0 : (sw - 1 - off) / sw);
        for (let r = r0; r < r1; r++) {
          const ih = r * sh + i * dh - ph;
          if (ih < 0 || ih >= h) {
            if (gather) zero<T>(at, ow);
            at += rowBytes;
            continue;
          }
          const first = plane + ((<usize>(ih * w + qlo * sw + off)) << alignof<T>());
          const n = qhi - qlo;
          const run = at + (<usize>qlo << alignof<T>());
          if (gather) {
            zero<T>(at, qlo);
            if (sw == 1) copy(run, first, <usize>n << alignof<T>());
            else if (sw == 2 && sizeof<T>() == 4) gatherEven32(run, first, n);
            else for (let q = 0; q < n; q++) store<T>(run + (<usize>q << alignof<T>()), load<T>(first + ((<usize>q * sw) << alignof<T>())));
            zero<T>(at + (<usize>qhi << alignof<T>()), ow - qhi);
          } else {
            // Each element of x still receives its additions in walk order: the lanes are different elements.
            let q = 0;
            if (sw == 1) {
              for (; q + 16 / sizeof<T>() <= n; q += 16 / sizeof<T>()) {
                const p = first + (<usize>q << alignof<T>());
                const c = v128.load(run + (<usize>q << alignof<T>()));
                v128.store(p, sizeof<T>() == 4 ? f32x4.add(v128.load(p), c) : f64x2.add(v128.load(p), c));
              }
            }
            for (; q < n; q++) {
              const p = first + ((<usize>q * sw) << alignof<T>());
              store<T>(p, load<T>(p) + load<T>(run + (<usize>q << alignof<T>())));
            }
          }
          at += rowBytes;
        }
      }
    }
  }
}

/** Whether the input is its own column matrix: a 1x1 kernel, stride 1, no padding. */
@inline function pointwise(g: usize): bool {
  return geo(g, KH) == 1 && geo(g, KW) == 1 && geo(g, SH) == 1 && geo(g, SW) == 1 && geo(g, PH) == 0 && geo(g, PW) == 0;
}

/**
 * Output rows per GEMM of forwardRows: as many as make about this many columns (at least one row), so that the
 * rows' column matrix is still in cache when the GEMM packs it.
 */
const CHUNK_COLUMNS: i32 = 128;

/** Output rows [r0, r1) of image n, every group, a few rows at a time (CHUNK_COLUMNS). */
function forwardRows<T>(g: usize, x: usize, wt: usize, bias: usize, out: usize, n: i32, r0: i32, r1: i32, cols: usize, work: usize): void {
  const step = max(1, CHUNK_COLUMNS / max(1, geo(g, OW)));
  for (let r = r0; r < r1; r += step) forwardChunk<T>(g, x, wt, bias, out, n, r, min(r1, r + step), cols, work);
}

/** Output rows [r0, r1) of image n, every group: one GEMM per group over those rows' columns (ldc OH·OW). */
function forwardChunk<T>(g: usize, x: usize, wt: usize, bias: usize, out: usize, n: i32, r0: i32, r1: i32, cols: usize, work: usize): void {
  const c = geo(g, C), h = geo(g, H), w = geo(g, W), o = geo(g, O), groups = geo(g, GROUPS), ow = geo(g, OW);
  const Cg = c / groups, Og = o / groups, K = Cg * geo(g, KH) * geo(g, KW), ohw = geo(g, OH) * ow;
  const np = (r1 - r0) * ow;
  if (np <= 0) return;
  const direct = pointwise(g);
  for (let grp = 0; grp < groups; grp++) {
    const src = x + ((<usize>(n * c + grp * Cg) * h * w) << alignof<T>());
    if (!direct) columns<T>(g, src, Cg, cols, true, r0, r1);
    const dst = out + ((<usize>(n * o + grp * Og) * ohw + r0 * ow) << alignof<T>());
    const b = direct ? src + ((<usize>r0 * ow) << alignof<T>()) : cols;
    gemm<T>(0, 0, Og, np, K, <T>1, wt + ((<usize>grp * Og * K) << alignof<T>()), K, b, direct ? ohw : np, <T>0, dst, ohw, work);
    if (bias != 0) {
      for (let oc = 0; oc < Og; oc++) {
        const bv = load<T>(bias + ((<usize>(grp * Og + oc)) << alignof<T>()));
        const row = dst + ((<usize>oc * ohw) << alignof<T>());
        for (let p = 0; p < np; p++) store<T>(row + ((<usize>p) << alignof<T>()), load<T>(row + ((<usize>p) << alignof<T>())) + bv);
      }
    }
  }
}

/**
 * Output channels [o0, o1) of image n, groups == 1: the whole image's columns (small: the host splits by channels
 * only when an image has few output positions), then a GEMM over those channels' weight rows. Each thread then
 * packs only its share of the weight, which is what such a layer's time goes to.
 */
function forwardChannels<T>(g: usize, x: usize, wt: usize, bias: usize, out: usize, n: i32, o0: i32, o1: i32, cols: usize, work: usize): void {
  const c = geo(g, C), h = geo(g, H), w = geo(g, W), o = geo(g, O), K = c * geo(g, KH) * geo(g, KW), ohw = geo(g, OH) * geo(g, OW);
  if (o1 <= o0 || ohw == 0) return;
  const src = x + ((<usize>n * c * h * w) << alignof<T>());
  const direct = pointwise(g);
  if (!direct) columns<T>(g, src, c, cols, true, 0, geo(g, OH));
  const dst = out + ((<usize>(n * o + o0) * ohw) << alignof<T>());
  gemm<T>(0, 0, o1 - o0, ohw, K, <T>1, wt + ((<usize>o0 * K) << alignof<T>()), K, direct ? src : cols, ohw, <T>0, dst, ohw, work);
  if (bias != 0) {
    for (let oc = o0; oc < o1; oc++) {
      const bv = load<T>(bias + ((<usize>oc) << alignof<T>()));
      const row = dst + ((<usize>(oc - o0) * ohw) << alignof<T>());
      for (let p = 0; p < ohw; p++) store<T>(row + ((<usize>p) << alignof<T>()), load<T>(row + ((<usize>p) << alignof<T>())) + bv);
    }
  }
}

function forward<T>(g: usize, x: usize, wt: usize, bias: usize, out: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  for (let n = n0; n < n1; n++) forwardRows<T>(g, x, wt, bias, out, n, 0, geo(g, OH), cols, work);
}

function backwardInput<T>(g: usize, gy: usize, wt: usize, gx: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  const c = geo(g, C), h = geo(g, H), w = geo(g, W), o = geo(g, O), groups = geo(g, GROUPS);
  const Cg = c / groups, Og = o / groups, K = Cg * geo(g, KH) * geo(g, KW), ohw = geo(g, OH) * geo(g, OW);
  memory.fill(gx + ((<usize>n0 * c * h * w) << alignof<T>()), 0, (<usize>(n1 - n0) * c * h * w) << alignof<T>());
  for (let n = n0; n < n1; n++) {
    for (let grp = 0; grp < groups; grp++) {
      const src = gy + ((<usize>(n * o + grp * Og) * ohw) << alignof<T>());
      gemm<T>(1, 0, K, ohw, Og, <T>1, wt + ((<usize>grp * Og * K) << alignof<T>()), K, src, ohw, <T>0, cols, ohw, work);
      columns<T>(g, gx + ((<usize>(n * c + grp * Cg) * h * w) << alignof<T>()), Cg, cols, false, 0, geo(g, OH));
    }
  }
}

/**
 * gw written (not accumulated into) from images [0, N), summed in batch order, for input channels [c0, c1) of
 * each group and output channels [o0, o1) of each group: the host splits gw between threads by either, and each
 * element's sum runs in the same order whatever the split.
 */
function backwardWeight<T>(g: usize, x: usize, gy: usize, gw: usize, c0: i32, c1: i32, o0: i32, o1: i32, cols: usize, work: usize): void {
  const nb = geo(g, N), c = geo(g, C), h = geo(g, H), w = geo(g, W), o = geo(g, O), groups = geo(g, GROUPS);
  const Cg = c / groups, Og = o / groups, kk = geo(g, KH) * geo(g, KW), K = Cg * kk, ohw = geo(g, OH) * geo(g, OW);
  const rows = (c1 - c0) * kk, m = o1 - o0;
  if (rows <= 0 || m <= 0) return;
  for (let grp = 0; grp < groups; grp++) {
    const dst = gw + ((<usize>(grp * Og + o0) * K + c0 * kk) << alignof<T>());
    if (nb == 0 || ohw == 0) {
      for (let r = 0; r < m; r++) memory.fill(dst + ((<usize>r * K) << alignof<T>()), 0, <usize>rows << alignof<T>());
      continue;
    }
    for (let n = 0; n < nb; n++) {
      columns<T>(g, x + ((<usize>(n * c + grp * Cg + c0) * h * w) << alignof<T>()), c1 - c0, cols, true, 0, geo(g, OH));
      const src = gy + ((<usize>(n * o + grp * Og + o0) * ohw) << alignof<T>());
      gemm<T>(0, 1, m, rows, ohw, <T>1, src, ohw, cols, ohw, n == 0 ? <T>0 : <T>1, dst, K, work);
    }
  }
}

export function convForward32(g: usize, x: usize, wt: usize, bias: usize, out: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  forward<f32>(g, x, wt, bias, out, n0, n1, cols, work);
}
export function convForward64(g: usize, x: usize, wt: usize, bias: usize, out: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  forward<f64>(g, x, wt, bias, out, n0, n1, cols, work);
}
/** Output rows [r0, r1) of image n: the host splits a small batch's images between threads this way. */
export function convForwardRows32(g: usize, x: usize, wt: usize, bias: usize, out: usize, n: i32, r0: i32, r1: i32, cols: usize, work: usize): void {
  forwardRows<f32>(g, x, wt, bias, out, n, r0, r1, cols, work);
}
export function convForwardRows64(g: usize, x: usize, wt: usize, bias: usize, out: usize, n: i32, r0: i32, r1: i32, cols: usize, work: usize): void {
  forwardRows<f64>(g, x, wt, bias, out, n, r0, r1, cols, work);
}
/** Output channels [o0, o1) of image n (groups == 1): the host splits an image with few output positions this way. */
export function convForwardChannels32(g: usize, x: usize, wt: usize, bias: usize, out: usize, n: i32, o0: i32, o1: i32, cols: usize, work: usize): void {
  forwardChannels<f32>(g, x, wt, bias, out, n, o0, o1, cols, work);
}
export function convForwardChannels64(g: usize, x: usize, wt: usize, bias: usize, out: usize, n: i32, o0: i32, o1: i32, cols: usize, work: usize): void {
  forwardChannels<f64>(g, x, wt, bias, out, n, o0, o1, cols, work);
}
export function convBackwardInput32(g: usize, gy: usize, wt: usize, gx: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  backwardInput<f32>(g, gy, wt, gx, n0, n1, cols, work);
}
export function convBackwardInput64(g: usize, gy: usize, wt: usize, gx: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  backwardInput<f64>(g, gy, wt, gx, n0, n1, cols, work);
}
export function convBackwardWeight32(g: usize, x: usize, gy: usize, gw: usize, c0: i32, c1: i32, o0: i32, o1: i32, cols: usize, work: usize): void {
  backwardWeight<f32>(g, x, gy, gw, c0, c1, o0, o1, cols, work);
}
export function convBackwardWeight64(g: usize, x: usize, gy: usize, gw: usize, c0: i32, c1: i32, o0: i32, o1: i32, cols: usize, work: usize): void {
  backwardWeight<f64>(g, x, gy, gw, c0, c1, o0, o1, cols, work);
}
