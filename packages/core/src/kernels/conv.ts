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
const scratch: Record<'columns' | 'rows', { f32: Float32Array; f64: Float64Array }> = {
  columns: { f32: new Float32Array(0), f64: new Float64Array(0) },
  rows: { f32: new Float32Array(0), f64: new Float64Array(0) },
};

/** The scratch buffer for `use` of `like`'s type, grown to hold at least n elements. */
function scratchFor(use: 'columns' | 'rows', like: FloatArray, n: number): FloatArray {
  const s = scratch[use];
  if (like instanceof Float32Array) {
    if (s.f32.length < n) s.f32 = new Float32Array(n);
    return s.f32;
  }
  if (s.f64.length < n) s.f64 = new Float64Array(n);
  return s.f64;
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
 * Walks the column matrix of channels [xOff, xOff + Cg·H·W) of `x` (row r at cols[colOff + r·ld], OH·OW values long),
 * one output row of one window position at a time: 'im2col' writes the columns from x, padding included; 'col2im'
 * adds the columns back into x, where padding has nowhere to go.
 */
function walkColumns(
  x: FloatArray,
  xOff: number,
  Cg: number,
  g: ConvGeometry,
  cols: FloatArray,
  colOff: number,
  ld: number,
  direction: 'im2col' | 'col2im',
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
        let at = colOff + r * ld;
        for (let oh = 0; oh < OH; oh++, at += OW) {
          const ih = oh * sh + offH;
          if (ih < 0 || ih >= H) {
            if (direction === 'im2col') cols.fill(0, at, at + OW);
            continue;
          }
          const xAt = plane + ih * W + offW;
          if (direction === 'im2col') copyRow(x, xAt, sw, cols, at, lo, hi, OW);
          else addRow(cols, at, x, xAt, sw, lo, hi);
        }
      }
    }
  }
}

/** cols[at + ow] = x[xAt + ow·sw] for ow in [lo, hi), and 0 for the rest of the OW columns (the padding). */
function copyRow(
  x: FloatArray,
  xAt: number,
  sw: number,
  cols: FloatArray,
  at: number,
  lo: number,
  hi: number,
  OW: number,
): void {
  for (let ow = 0; ow < lo; ow++) cols[at + ow] = 0;
  if (sw === 1) for (let ow = lo; ow < hi; ow++) cols[at + ow] = x[xAt + ow];
  else for (let ow = lo, p = xAt + lo * sw; ow < hi; ow++, p += sw) cols[at + ow] = x[p];
  for (let ow = hi; ow < OW; ow++) cols[at + ow] = 0;
}

/** x[xAt + ow·sw] += cols[at + ow] for ow in [lo, hi). */
function addRow(cols: FloatArray, at: number, x: FloatArray, xAt: number, sw: number, lo: number, hi: number): void {
  if (sw === 1) for (let ow = lo; ow < hi; ow++) x[xAt + ow] += cols[at + ow];
  else for (let ow = lo, p = xAt + lo * sw; ow < hi; ow++, p += sw) x[p] += cols[at + ow];
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
  for (let j = 0; j < nb; j++)
    walkColumns(x, ((n0 + j) * g.C + grp * Cg) * g.H * g.W, Cg, g, cols, j * ohw, nb * ohw, 'im2col');
}

/** A convolution's sizes, and how its GEMMs cover the batch. */
interface ConvPlan {
  /** Input and output channels per group. */
  Cg: number;
  Og: number;
  /** Rows of a column matrix: (C/groups)·kh·kw. */
  K: number;
  /** Output positions per image, OH·OW. */
  ohw: number;
  /** Batch elements per GEMM. */
  nbMax: number;
  /** Whether the input is its own column matrix (see readsInputDirectly). */
  direct: boolean;
}

function convPlan(g: ConvGeometry): ConvPlan {
  const nbMax = chunkSize(g);
  const Cg = g.C / g.groups;
  return {
    Cg,
    Og: g.O / g.groups,
    K: Cg * g.kh * g.kw,
    ohw: g.OH * g.OW,
    nbMax,
    direct: readsInputDirectly(g, nbMax),
  };
}

/** Where one GEMM of a convolution reads and writes: a chunk of the batch, one group. */
interface ConvStep {
  /** The chunk's first batch element and its size. */
  n0: number;
  nb: number;
  /** The GEMM's columns, nb·OH·OW. */
  ld: number;
  grp: number;
  /** The offsets of the group's channels of the chunk's first element: input, weight, output. */
  xOff: number;
  wOff: number;
  yOff: number;
}

/** Calls `step` for each chunk of the batch and, within it, each group, in that order. */
function forEachStep(g: ConvGeometry, p: ConvPlan, step: (s: ConvStep) => void): void {
  for (let n0 = 0; n0 < g.N; n0 += p.nbMax) {
    const nb = Math.min(p.nbMax, g.N - n0);
    for (let grp = 0; grp < g.groups; grp++) {
      step({
        n0,
        nb,
        ld: nb * p.ohw,
        grp,
        xOff: (n0 * g.C + grp * p.Cg) * g.H * g.W,
        wOff: grp * p.Og * p.K,
        yOff: (n0 * g.O + grp * p.Og) * p.ohw,
      });
    }
  }
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
  const p = convPlan(g);
  const { N, O } = g;
  const { Og, K, ohw, nbMax, direct } = p;
  if (ohw === 0 || O === 0 || N === 0) return;
  if (bias !== null) {
    for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) out.fill(bias[o], (n * O + o) * ohw, (n * O + o + 1) * ohw);
  }
  const beta = bias !== null ? 1 : 0;
  const cols = direct ? x : scratchFor('columns', x, K * nbMax * ohw);
  const buf = nbMax > 1 ? scratchFor('rows', out, Og * nbMax * ohw) : out;
  forEachStep(g, p, ({ n0, nb, ld, grp, xOff, wOff, yOff }) => {
    if (!direct) chunkColumns(x, g, grp, n0, nb, cols);
    if (nbMax === 1) {
      gemm(false, false, Og, ohw, K, 1, w, wOff, K, cols, direct ? xOff : 0, ohw, beta, out, yOff, ohw);
      return;
    }
    if (beta !== 0) stage(out, buf, g, grp, n0, nb, true);
    gemm(false, false, Og, ld, K, 1, w, wOff, K, cols, 0, ld, beta, buf, 0, ld);
    stage(out, buf, g, grp, n0, nb, false);
  });
}

/** gx = the gradient of conv(x, w) with respect to x, given the output gradient gy. `gx` must hold zeros. */
export function conv2dBackwardInput(
  gy: FloatArray,
  w: FloatArray,
  g: ConvGeometry,
  gx: FloatArray,
  gemm: GemmKernel = referenceGemm,
): void {
  gx.fill(0); // col2im accumulates, and pixels no window covers get no gradient
  const p = convPlan(g);
  const { Cg, Og, K, ohw, nbMax, direct } = p;
  if (ohw === 0 || K === 0 || g.N === 0) return;
  const cols = direct ? gx : scratchFor('columns', gy, K * nbMax * ohw);
  const buf = nbMax > 1 ? scratchFor('rows', gy, Og * nbMax * ohw) : gy;
  forEachStep(g, p, ({ n0, nb, ld, grp, xOff, wOff, yOff }) => {
    if (nbMax > 1) stage(gy, buf, g, grp, n0, nb, true);
    const gyOff = nbMax > 1 ? 0 : yOff;
    gemm(true, false, K, ld, Og, 1, w, wOff, K, buf, gyOff, ld, 0, cols, direct ? xOff : 0, ld);
    if (direct) return;
    for (let j = 0; j < nb; j++) walkColumns(gx, xOff + j * g.C * g.H * g.W, Cg, g, cols, j * ohw, ld, 'col2im');
  });
}

/** gw = the gradient of conv(x, w) with respect to w, given the output gradient gy. `gw` is fully written. */
export function conv2dBackwardWeight(
  x: FloatArray,
  gy: FloatArray,
  g: ConvGeometry,
  gw: FloatArray,
  gemm: GemmKernel = referenceGemm,
): void {
  const p = convPlan(g);
  const { Og, K, ohw, nbMax, direct } = p;
  if (ohw === 0 || g.N === 0) {
    gw.fill(0);
    return;
  }
  const cols = direct ? x : scratchFor('columns', x, K * nbMax * ohw);
  const buf = nbMax > 1 ? scratchFor('rows', gy, Og * nbMax * ohw) : gy;
  forEachStep(g, p, ({ n0, nb, ld, grp, xOff, wOff, yOff }) => {
    if (!direct) chunkColumns(x, g, grp, n0, nb, cols);
    if (nbMax > 1) stage(gy, buf, g, grp, n0, nb, true);
    const gyOff = nbMax > 1 ? 0 : yOff;
    gemm(false, true, Og, K, ld, 1, buf, gyOff, ld, cols, direct ? xOff : 0, ld, n0 === 0 ? 0 : 1, gw, wOff, K);
  });
}
