/**
 * 2-D convolution loops over contiguous NCHW float arrays: im2col/col2im and the three products of a
 * convolution (output, input gradient, weight gradient), each a GEMM per batch element and group.
 *
 * Layouts: input (N, C, H, W); weight (O, C/groups, kh, kw); output (N, O, OH, OW). The column matrix of one
 * batch element and group has K = (C/groups)·kh·kw rows (ordered c, i, j as the weight's inner dims) and
 * OH·OW columns. Padding may be asymmetric: `ph`/`pw` are the top/left pads and OH/OW already account for the
 * bottom/right ones. A 1x1 kernel with stride 1 and no padding reads the input as its own column matrix.
 */
import { type FloatArray, gemm } from './gemm.js';

export interface ConvGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  /** output channels */
  O: number;
  kh: number;
  kw: number;
  OH: number;
  OW: number;
  sh: number;
  sw: number;
  /** top padding */
  ph: number;
  /** left padding */
  pw: number;
  dh: number;
  dw: number;
  groups: number;
}

/** Output size along one dim, given both pads; PyTorch's floor rule. */
export function convOutputSize(size: number, padBefore: number, padAfter: number, kernel: number, stride: number, dilation: number): number {
  return Math.floor((size + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

// One column buffer per array type, grown on demand and reused across calls (the kernels are synchronous and
// never re-enter each other, so a single buffer per type is safe).
let cols32 = new Float32Array(0);
let cols64 = new Float64Array(0);

function columns(like: FloatArray, n: number): FloatArray {
  if (like instanceof Float32Array) {
    if (cols32.length < n) cols32 = new Float32Array(n);
    return cols32;
  }
  if (cols64.length < n) cols64 = new Float64Array(n);
  return cols64;
}

function readsInputDirectly(g: ConvGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0 && g.OH === g.H && g.OW === g.W;
}

/** First output column whose input column `o*stride + off` is >= 0, and the first one past the input's end. */
function validRange(off: number, stride: number, size: number, outSize: number): [number, number] {
  const lo = Math.min(Math.max(Math.ceil(-off / stride), 0), outSize);
  const hi = Math.min(Math.max(Math.ceil((size - off) / stride), lo), outSize);
  return [lo, hi];
}

/** Writes the (Cg·kh·kw) x (OH·OW) column matrix of channels [xOff, xOff + Cg·H·W) of `x` into `cols`. */
export function im2col(x: FloatArray, xOff: number, Cg: number, g: ConvGeometry, cols: FloatArray): void {
  const { H, W, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw } = g;
  const HW = H * W;
  let dst = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = xOff + c * HW;
    for (let i = 0; i < kh; i++) {
      const offH = i * dh - ph;
      for (let j = 0; j < kw; j++) {
        const offW = j * dw - pw;
        const [lo, hi] = validRange(offW, sw, W, OW);
        for (let oh = 0; oh < OH; oh++, dst += OW) {
          const ih = oh * sh + offH;
          if (ih < 0 || ih >= H) {
            cols.fill(0, dst, dst + OW);
            continue;
          }
          const src = plane + ih * W + offW;
          for (let ow = 0; ow < lo; ow++) cols[dst + ow] = 0;
          if (sw === 1) for (let ow = lo; ow < hi; ow++) cols[dst + ow] = x[src + ow];
          else for (let ow = lo, p = src + lo * sw; ow < hi; ow++, p += sw) cols[dst + ow] = x[p];
          for (let ow = hi; ow < OW; ow++) cols[dst + ow] = 0;
        }
      }
    }
  }
}

/** Adds the column matrix `cols` back into channels [xOff, xOff + Cg·H·W) of `x` (the adjoint of im2col). */
export function col2im(cols: FloatArray, Cg: number, g: ConvGeometry, x: FloatArray, xOff: number): void {
  const { H, W, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw } = g;
  const HW = H * W;
  let src = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = xOff + c * HW;
    for (let i = 0; i < kh; i++) {
      const offH = i * dh - ph;
      for (let j = 0; j < kw; j++) {
        const offW = j * dw - pw;
        const [lo, hi] = validRange(offW, sw, W, OW);
        for (let oh = 0; oh < OH; oh++, src += OW) {
          const ih = oh * sh + offH;
          if (ih < 0 || ih >= H) continue;
          const dst = plane + ih * W + offW;
          if (sw === 1) for (let ow = lo; ow < hi; ow++) x[dst + ow] += cols[src + ow];
          else for (let ow = lo, p = dst + lo * sw; ow < hi; ow++, p += sw) x[p] += cols[src + ow];
        }
      }
    }
  }
}

/** out = conv(x, w) + bias. `out` is fully written. */
export function conv2dForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, g: ConvGeometry, out: FloatArray): void {
  const { N, C, H, W, O, kh, kw, OH, OW, groups } = g;
  const Cg = C / groups;
  const Og = O / groups;
  const K = Cg * kh * kw;
  const HW = H * W;
  const OHW = OH * OW;
  if (OHW === 0 || O === 0) return;
  const direct = readsInputDirectly(g);
  const cols = direct ? x : columns(x, K * OHW);
  if (bias !== null) {
    for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) out.fill(bias[o], (n * O + o) * OHW, (n * O + o + 1) * OHW);
  }
  const beta = bias !== null ? 1 : 0;
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < groups; grp++) {
      const xOff = (n * C + grp * Cg) * HW;
      if (!direct) im2col(x, xOff, Cg, g, cols);
      gemm(false, false, Og, OHW, K, 1, w, grp * Og * K, K, cols, direct ? xOff : 0, OHW, beta, out, (n * O + grp * Og) * OHW, OHW);
    }
  }
}

/** gx = the gradient of conv(x, w) with respect to x, given the output gradient gy. `gx` must hold zeros. */
export function conv2dBackwardInput(gy: FloatArray, w: FloatArray, g: ConvGeometry, gx: FloatArray): void {
  const { N, C, H, W, O, kh, kw, OH, OW, groups } = g;
  const Cg = C / groups;
  const Og = O / groups;
  const K = Cg * kh * kw;
  const HW = H * W;
  const OHW = OH * OW;
  if (OHW === 0 || K === 0) return;
  const direct = readsInputDirectly(g);
  const cols = direct ? gx : columns(gy, K * OHW);
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < groups; grp++) {
      const xOff = (n * C + grp * Cg) * HW;
      const gyOff = (n * O + grp * Og) * OHW;
      gemm(true, false, K, OHW, Og, 1, w, grp * Og * K, K, gy, gyOff, OHW, 0, cols, direct ? xOff : 0, OHW);
      if (!direct) col2im(cols, Cg, g, gx, xOff);
    }
  }
}

/** gw = the gradient of conv(x, w) with respect to w, given the output gradient gy. `gw` is fully written. */
export function conv2dBackwardWeight(x: FloatArray, gy: FloatArray, g: ConvGeometry, gw: FloatArray): void {
  const { N, C, H, W, O, kh, kw, OH, OW, groups } = g;
  const Cg = C / groups;
  const Og = O / groups;
  const K = Cg * kh * kw;
  const HW = H * W;
  const OHW = OH * OW;
  if (OHW === 0 || N === 0) {
    gw.fill(0);
    return;
  }
  const direct = readsInputDirectly(g);
  const cols = direct ? x : columns(x, K * OHW);
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < groups; grp++) {
      const xOff = (n * C + grp * Cg) * HW;
      if (!direct) im2col(x, xOff, Cg, g, cols);
      const gyOff = (n * O + grp * Og) * OHW;
      gemm(false, true, Og, K, OHW, 1, gy, gyOff, OHW, cols, direct ? xOff : 0, OHW, n === 0 ? 0 : 1, gw, grp * Og * K, K);
    }
  }
}
