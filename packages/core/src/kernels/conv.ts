/**
 * 2-D convolution loops over contiguous NCHW float arrays: im2col/col2im and the three products of a
 * convolution (output, input gradient, weight gradient), as GEMMs per group over chunks of the batch.
 *
 * Layouts: input (N, C, H, W); weight (O, C/groups, kh, kw); output (N, O, OH, OW). The column matrix of a
 * chunk of `nb` batch elements and one group has K = (C/groups)·kh·kw rows (ordered c, i, j as the weight's
 * inner dims) and nb·OH·OW columns (batch element j's block at columns [j·OH·OW, (j+1)·OH·OW)). Chunks keep
 * each GEMM at least ~TARGET_COLUMNS wide: with small images (the deep layers of a ResNet) one GEMM per batch
 * element would be a thin matrix-vector product that rereads the whole weight. When a chunk is a single
 * element, output and output gradient are read and written in place; otherwise they are staged through an
 * (O/groups) x nb·OH·OW buffer. Padding may be asymmetric: `ph`/`pw` are the top/left pads and OH/OW already
 * account for the bottom/right ones. A 1x1 kernel with stride 1 and no padding reads the input as its own
 * column matrix when a chunk is a single batch element.
 */
import { type FloatArray, type GemmKernel, gemm as referenceGemm } from './gemm.js';
import type { WindowGeometry } from './window.js';

/** A convolution of N x C x H x W inputs by O filters in `groups` groups. */
export interface ConvGeometry extends WindowGeometry {
  N: number;
  C: number;
  /** output channels */
  O: number;
  groups: number;
}

/** Output size along one dim, given both pads; PyTorch's floor rule. */
export function convOutputSize(
  size: number,
  padBefore: number,
  padAfter: number,
  kernel: number,
  stride: number,
  dilation: number,
): number {
  return Math.floor((size + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** GEMMs narrower than this many columns take several batch elements at once. */
const TARGET_COLUMNS = 256;

// Scratch buffers per array type, grown on demand and reused across calls (the kernels are synchronous and never
// re-enter each other, so one buffer of each kind per type is safe): column matrices and staged output rows.
const scratch = {
  cols32: new Float32Array(0),
  cols64: new Float64Array(0),
  rows32: new Float32Array(0),
  rows64: new Float64Array(0),
};

function columns(like: FloatArray, n: number): FloatArray {
  if (like instanceof Float32Array) {
    if (scratch.cols32.length < n) scratch.cols32 = new Float32Array(n);
    return scratch.cols32;
  }
  if (scratch.cols64.length < n) scratch.cols64 = new Float64Array(n);
  return scratch.cols64;
}

function rows(like: FloatArray, n: number): FloatArray {
  if (like instanceof Float32Array) {
    if (scratch.rows32.length < n) scratch.rows32 = new Float32Array(n);
    return scratch.rows32;
  }
  if (scratch.rows64.length < n) scratch.rows64 = new Float64Array(n);
  return scratch.rows64;
}

/** Batch elements per GEMM. */
function chunkSize(g: ConvGeometry): number {
  const ohw = g.OH * g.OW;
  return Math.max(1, Math.min(g.N, Math.floor(TARGET_COLUMNS / Math.max(ohw, 1))));
}

function readsInputDirectly(g: ConvGeometry, nb: number): boolean {
  return (
    nb === 1 &&
    g.kh === 1 &&
    g.kw === 1 &&
    g.sh === 1 &&
    g.sw === 1 &&
    g.ph === 0 &&
    g.pw === 0 &&
    g.OH === g.H &&
    g.OW === g.W
  );
}

/** First output column whose input column `o*stride + off` is >= 0, and the first one past the input's end. */
function validRange(off: number, stride: number, size: number, outSize: number): [number, number] {
  const lo = Math.min(Math.max(Math.ceil(-off / stride), 0), outSize);
  const hi = Math.min(Math.max(Math.ceil((size - off) / stride), lo), outSize);
  return [lo, hi];
}

/**
 * Writes the column matrix of channels [xOff, xOff + Cg·H·W) of `x` into `cols`: row r at cols[colOff + r·ld],
 * OH·OW values long.
 */
export function im2col(
  x: FloatArray,
  xOff: number,
  Cg: number,
  g: ConvGeometry,
  cols: FloatArray,
  colOff: number,
  ld: number,
): void {
  const { H, W, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw } = g;
  const HW = H * W;
  let r = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = xOff + c * HW;
    for (let i = 0; i < kh; i++) {
      const offH = i * dh - ph;
      for (let j = 0; j < kw; j++, r++) {
        const offW = j * dw - pw;
        const [lo, hi] = validRange(offW, sw, W, OW);
        let dst = colOff + r * ld;
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

/** Adds a column matrix (laid out as im2col writes it) back into channels [xOff, xOff + Cg·H·W) of `x`. */
export function col2im(
  cols: FloatArray,
  colOff: number,
  ld: number,
  Cg: number,
  g: ConvGeometry,
  x: FloatArray,
  xOff: number,
): void {
  const { H, W, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw } = g;
  const HW = H * W;
  let r = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = xOff + c * HW;
    for (let i = 0; i < kh; i++) {
      const offH = i * dh - ph;
      for (let j = 0; j < kw; j++, r++) {
        const offW = j * dw - pw;
        const [lo, hi] = validRange(offW, sw, W, OW);
        let src = colOff + r * ld;
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

/**
 * Copies the Og channels of group `grp` of batch elements [n0, n0 + nb) between an (N, O, OH·OW) array and an
 * Og x nb·OH·OW staging buffer, in the direction `toStage`.
 */
function stage(
  t: FloatArray,
  buf: FloatArray,
  g: ConvGeometry,
  grp: number,
  n0: number,
  nb: number,
  toStage: boolean,
): void {
  const ohw = g.OH * g.OW;
  const Og = g.O / g.groups;
  const ld = nb * ohw;
  for (let j = 0; j < nb; j++) {
    for (let o = 0; o < Og; o++) {
      const at = ((n0 + j) * g.O + grp * Og + o) * ohw;
      const bt = o * ld + j * ohw;
      if (toStage) buf.set(t.subarray(at, at + ohw), bt);
      else t.set(buf.subarray(bt, bt + ohw), at);
    }
  }
}

/** Fills the columns of a chunk [n0, n0 + nb) for one group. */
function chunkColumns(x: FloatArray, g: ConvGeometry, grp: number, n0: number, nb: number, cols: FloatArray): void {
  const Cg = g.C / g.groups;
  const ohw = g.OH * g.OW;
  for (let j = 0; j < nb; j++) im2col(x, ((n0 + j) * g.C + grp * Cg) * g.H * g.W, Cg, g, cols, j * ohw, nb * ohw);
}

/** out = conv(x, w) + bias. `out` is fully written. */
export function conv2dForward(
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  g: ConvGeometry,
  out: FloatArray,
  gemm: GemmKernel = referenceGemm,
): void {
  const { N, C, O, kh, kw, groups } = g;
  const Cg = C / groups;
  const Og = O / groups;
  const K = Cg * kh * kw;
  const ohw = g.OH * g.OW;
  if (ohw === 0 || O === 0 || N === 0) return;
  if (bias !== null) {
    for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) out.fill(bias[o], (n * O + o) * ohw, (n * O + o + 1) * ohw);
  }
  const beta = bias !== null ? 1 : 0;
  const nbMax = chunkSize(g);
  const direct = readsInputDirectly(g, nbMax);
  const cols = direct ? x : columns(x, K * nbMax * ohw);
  const buf = nbMax > 1 ? rows(out, Og * nbMax * ohw) : out;
  for (let n0 = 0; n0 < N; n0 += nbMax) {
    const nb = Math.min(nbMax, N - n0);
    const ld = nb * ohw;
    for (let grp = 0; grp < groups; grp++) {
      const xOff = (n0 * C + grp * Cg) * g.H * g.W;
      if (!direct) chunkColumns(x, g, grp, n0, nb, cols);
      if (nbMax === 1) {
        gemm(
          false,
          false,
          Og,
          ohw,
          K,
          1,
          w,
          grp * Og * K,
          K,
          cols,
          direct ? xOff : 0,
          ohw,
          beta,
          out,
          (n0 * O + grp * Og) * ohw,
          ohw,
        );
        continue;
      }
      if (beta !== 0) stage(out, buf, g, grp, n0, nb, true);
      gemm(false, false, Og, ld, K, 1, w, grp * Og * K, K, cols, 0, ld, beta, buf, 0, ld);
      stage(out, buf, g, grp, n0, nb, false);
    }
  }
}

/** gx = the gradient of conv(x, w) with respect to x, given the output gradient gy. `gx` must hold zeros. */
export function conv2dBackwardInput(
  gy: FloatArray,
  w: FloatArray,
  g: ConvGeometry,
  gx: FloatArray,
  gemm: GemmKernel = referenceGemm,
): void {
  const { N, C, O, kh, kw, groups } = g;
  const Cg = C / groups;
  const Og = O / groups;
  const K = Cg * kh * kw;
  const ohw = g.OH * g.OW;
  gx.fill(0); // col2im accumulates, and pixels no window covers get no gradient
  if (ohw === 0 || K === 0 || N === 0) return;
  const nbMax = chunkSize(g);
  const direct = readsInputDirectly(g, nbMax);
  const cols = direct ? gx : columns(gy, K * nbMax * ohw);
  const buf = nbMax > 1 ? rows(gy, Og * nbMax * ohw) : gy;
  for (let n0 = 0; n0 < N; n0 += nbMax) {
    const nb = Math.min(nbMax, N - n0);
    const ld = nb * ohw;
    for (let grp = 0; grp < groups; grp++) {
      const xOff = (n0 * C + grp * Cg) * g.H * g.W;
      if (nbMax > 1) stage(gy, buf, g, grp, n0, nb, true);
      const gyOff = nbMax > 1 ? 0 : (n0 * O + grp * Og) * ohw;
      gemm(true, false, K, ld, Og, 1, w, grp * Og * K, K, buf, gyOff, ld, 0, cols, direct ? xOff : 0, ld);
      if (direct) continue;
      for (let j = 0; j < nb; j++) col2im(cols, j * ohw, ld, Cg, g, gx, ((n0 + j) * C + grp * Cg) * g.H * g.W);
    }
  }
}

/** gw = the gradient of conv(x, w) with respect to w, given the output gradient gy. `gw` is fully written. */
export function conv2dBackwardWeight(
  x: FloatArray,
  gy: FloatArray,
  g: ConvGeometry,
  gw: FloatArray,
  gemm: GemmKernel = referenceGemm,
): void {
  const { N, C, O, kh, kw, groups } = g;
  const Cg = C / groups;
  const Og = O / groups;
  const K = Cg * kh * kw;
  const ohw = g.OH * g.OW;
  if (ohw === 0 || N === 0) {
    gw.fill(0);
    return;
  }
  const nbMax = chunkSize(g);
  const direct = readsInputDirectly(g, nbMax);
  const cols = direct ? x : columns(x, K * nbMax * ohw);
  const buf = nbMax > 1 ? rows(gy, Og * nbMax * ohw) : gy;
  for (let n0 = 0; n0 < N; n0 += nbMax) {
    const nb = Math.min(nbMax, N - n0);
    const ld = nb * ohw;
    for (let grp = 0; grp < groups; grp++) {
      const xOff = (n0 * C + grp * Cg) * g.H * g.W;
      if (!direct) chunkColumns(x, g, grp, n0, nb, cols);
      if (nbMax > 1) stage(gy, buf, g, grp, n0, nb, true);
      const gyOff = nbMax > 1 ? 0 : (n0 * O + grp * Og) * ohw;
      gemm(
        false,
        true,
        Og,
        K,
        ld,
        1,
        buf,
        gyOff,
        ld,
        cols,
        direct ? xOff : 0,
        ld,
        n0 === 0 ? 0 : 1,
        gw,
        grp * Og * K,
        K,
      );
    }
  }
}
