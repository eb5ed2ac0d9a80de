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
 * Walks the column matrix of channels [0, Cg) of the plane block at x: `gather` writes it into `cols` (im2col,
 * zeros where the window leaves the image); otherwise adds `cols` back into x (col2im; the caller zeroed x).
 * Inlined, so that `gather` is a constant in each copy.
 */
@inline function columns<T>(g: usize, x: usize, Cg: i32, cols: usize, gather: bool): void {
  const h = geo(g, H), w = geo(g, W), kh = geo(g, KH), kw = geo(g, KW), oh = geo(g, OH), ow = geo(g, OW);
  const sh = geo(g, SH), sw = geo(g, SW), ph = geo(g, PH), pw = geo(g, PW), dh = geo(g, DH), dw = geo(g, DW);
  let at = cols;
  for (let c = 0; c < Cg; c++) {
    const plane = x + ((<usize>c * h * w) << alignof<T>());
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        for (let r = 0; r < oh; r++) {
          const ih = r * sh + i * dh - ph;
          for (let q = 0; q < ow; q++) {
            const iw = q * sw + j * dw - pw;
            const inside = ih >= 0 && ih < h && iw >= 0 && iw < w;
            const p = plane + ((<usize>ih * w + iw) << alignof<T>());
            if (gather) store<T>(at, inside ? load<T>(p) : <T>0);
            else if (inside) store<T>(p, load<T>(p) + load<T>(at));
            at += sizeof<T>();
          }
        }
      }
    }
  }
}

function forward<T>(g: usize, x: usize, wt: usize, bias: usize, out: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  const c = geo(g, C), h = geo(g, H), w = geo(g, W), o = geo(g, O), groups = geo(g, GROUPS);
  const Cg = c / groups, Og = o / groups, K = Cg * geo(g, KH) * geo(g, KW), ohw = geo(g, OH) * geo(g, OW);
  for (let n = n0; n < n1; n++) {
    for (let grp = 0; grp < groups; grp++) {
      columns<T>(g, x + ((<usize>(n * c + grp * Cg) * h * w) << alignof<T>()), Cg, cols, true);
      const dst = out + ((<usize>(n * o + grp * Og) * ohw) << alignof<T>());
      gemm<T>(0, 0, Og, ohw, K, <T>1, wt + ((<usize>grp * Og * K) << alignof<T>()), K, cols, ohw, <T>0, dst, ohw, work);
      if (bias != 0) {
        for (let oc = 0; oc < Og; oc++) {
          const b = load<T>(bias + ((<usize>(grp * Og + oc)) << alignof<T>()));
          const row = dst + ((<usize>oc * ohw) << alignof<T>());
          for (let p = 0; p < ohw; p++) store<T>(row + ((<usize>p) << alignof<T>()), load<T>(row + ((<usize>p) << alignof<T>())) + b);
        }
      }
    }
  }
}

function backwardInput<T>(g: usize, gy: usize, wt: usize, gx: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  const c = geo(g, C), h = geo(g, H), w = geo(g, W), o = geo(g, O), groups = geo(g, GROUPS);
  const Cg = c / groups, Og = o / groups, K = Cg * geo(g, KH) * geo(g, KW), ohw = geo(g, OH) * geo(g, OW);
  memory.fill(gx + ((<usize>n0 * c * h * w) << alignof<T>()), 0, (<usize>(n1 - n0) * c * h * w) << alignof<T>());
  for (let n = n0; n < n1; n++) {
    for (let grp = 0; grp < groups; grp++) {
      const src = gy + ((<usize>(n * o + grp * Og) * ohw) << alignof<T>());
      gemm<T>(1, 0, K, ohw, Og, <T>1, wt + ((<usize>grp * Og * K) << alignof<T>()), K, src, ohw, <T>0, cols, ohw, work);
      columns<T>(g, gx + ((<usize>(n * c + grp * Cg) * h * w) << alignof<T>()), Cg, cols, false);
    }
  }
}

/** gw written (not accumulated into) from images [0, N), summed in batch order. */
function backwardWeight<T>(g: usize, x: usize, gy: usize, gw: usize, cols: usize, work: usize): void {
  const nb = geo(g, N), c = geo(g, C), h = geo(g, H), w = geo(g, W), o = geo(g, O), groups = geo(g, GROUPS);
  const Cg = c / groups, Og = o / groups, K = Cg * geo(g, KH) * geo(g, KW), ohw = geo(g, OH) * geo(g, OW);
  if (nb == 0 || ohw == 0) {
    memory.fill(gw, 0, (<usize>o * K) << alignof<T>());
    return;
  }
  for (let n = 0; n < nb; n++) {
    for (let grp = 0; grp < groups; grp++) {
      columns<T>(g, x + ((<usize>(n * c + grp * Cg) * h * w) << alignof<T>()), Cg, cols, true);
      const src = gy + ((<usize>(n * o + grp * Og) * ohw) << alignof<T>());
      gemm<T>(0, 1, Og, K, ohw, <T>1, src, ohw, cols, ohw, n == 0 ? <T>0 : <T>1, gw + ((<usize>grp * Og * K) << alignof<T>()), K, work);
    }
  }
}

export function convForward32(g: usize, x: usize, wt: usize, bias: usize, out: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  forward<f32>(g, x, wt, bias, out, n0, n1, cols, work);
}
export function convForward64(g: usize, x: usize, wt: usize, bias: usize, out: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  forward<f64>(g, x, wt, bias, out, n0, n1, cols, work);
}
export function convBackwardInput32(g: usize, gy: usize, wt: usize, gx: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  backwardInput<f32>(g, gy, wt, gx, n0, n1, cols, work);
}
export function convBackwardInput64(g: usize, gy: usize, wt: usize, gx: usize, n0: i32, n1: i32, cols: usize, work: usize): void {
  backwardInput<f64>(g, gy, wt, gx, n0, n1, cols, work);
}
export function convBackwardWeight32(g: usize, x: usize, gy: usize, gw: usize, cols: usize, work: usize): void {
  backwardWeight<f32>(g, x, gy, gw, cols, work);
}
export function convBackwardWeight64(g: usize, x: usize, gy: usize, gw: usize, cols: usize, work: usize): void {
  backwardWeight<f64>(g, x, gy, gw, cols, work);
}
