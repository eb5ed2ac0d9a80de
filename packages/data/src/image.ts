/**
 * Images and the pixel loops behind the transforms. An image is either a tensor of shape (..., C, H, W) or an
 * `Image` record: 8-bit samples in height × width × channels order, what the dataset readers return where
 * torchvision returns a PIL image. Both are viewed as strided planes so crop, pad, flip and resize are written once.
 */
import * as torch from '@kindling/core';
import { ValueError } from './errors.js';

/** An 8-bit image, rows top to bottom, each pixel's channels together (HWC), as a PIL image stores it. */
export interface Image {
  data: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

export function isImage(x: unknown): x is Image {
  if (typeof x !== 'object' || x === null) return false;
  const im = x as Partial<Image>;
  return (
    im.data instanceof Uint8Array &&
    typeof im.height === 'number' &&
    typeof im.width === 'number' &&
    typeof im.channels === 'number'
  );
}

/** An image's samples with the strides of channel, row and column; `planes` channels (or channel × batch planes). */
export interface Planes {
  data: torch.TypedArray;
  planes: number;
  channels: number;
  h: number;
  w: number;
  ps: number;
  ys: number;
  xs: number;
}

/** The planes of a (..., C, H, W) tensor (a contiguous copy of its values) or of an HWC image (shared). */
export function toPlanes(img: torch.Tensor | Image): Planes {
  if (img instanceof torch.Tensor) {
    const shape = img.shape;
    const h = shape[shape.length - 2];
    const w = shape[shape.length - 1];
    const data = img.toArray();
    const channels = shape.length >= 3 ? shape[shape.length - 3] : 1;
    return { data, planes: h * w === 0 ? 0 : data.length / (h * w), channels, h, w, ps: h * w, ys: w, xs: 1 };
  }
  const { data, height: h, width: w, channels } = img;
  return { data, planes: channels, channels, h, w, ps: 1, ys: w * channels, xs: channels };
}

/** New planes of the same kind and layout as `like`, h × w. */
function blank(like: Planes, h: number, w: number): Planes {
  const data = new (like.data.constructor as new (n: number) => torch.TypedArray)(like.planes * h * w);
  return like.xs === 1
    ? { data, planes: like.planes, channels: like.channels, h, w, ps: h * w, ys: w, xs: 1 }
    : { data, planes: like.planes, channels: like.channels, h, w, ps: 1, ys: w * like.channels, xs: like.channels };
}

/** Planes back into a tensor of the original's leading shape, or an Image. */
export function fromPlanes(p: Planes, like: torch.Tensor | Image): torch.Tensor | Image {
  if (like instanceof torch.Tensor) {
    const shape = like.shape;
    shape[shape.length - 2] = p.h;
    shape[shape.length - 1] = p.w;
    return torch.fromArray(p.data, shape, { dtype: like.dtype });
  }
  return { data: p.data as Uint8Array, height: p.h, width: p.w, channels: p.channels };
}

export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** Maps an out-of-range coordinate back into [0, n) for the non-constant padding modes (-1: use the fill). */
function sourceIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'edge':
      return i < 0 ? 0 : n - 1;
    case 'reflect':
      return i < 0 ? -i : 2 * (n - 1) - i;
    case 'symmetric':
      return i < 0 ? -i - 1 : 2 * n - 1 - i;
  }
}

/**
 * The window [top, top + h) × [left, left + w) of `src`; parts outside the image come from the padding mode
 * (constant: `fill`, one value or one per channel).
 */
export function cropPad(
  src: Planes,
  top: number,
  left: number,
  h: number,
  w: number,
  fill: number | readonly number[],
  mode: PaddingMode,
): Planes {
  const out = blank(src, h, w);
  const rows = Int32Array.from({ length: h }, (_, y) => sourceIndex(top + y, src.h, mode));
  const cols = Int32Array.from({ length: w }, (_, x) => sourceIndex(left + x, src.w, mode));
  const s = src.data;
  const o = out.data;
  for (let p = 0; p < src.planes; p++) {
    const value = typeof fill === 'number' ? fill : (fill[p % src.channels] ?? 0);
    const sp = p * src.ps;
    const op = p * out.ps;
    for (let y = 0; y < h; y++) {
      const sy = rows[y];
      const orow = op + y * out.ys;
      if (sy < 0) {
        for (let x = 0; x < w; x++) o[orow + x * out.xs] = value;
        continue;
      }
      const srow = sp + sy * src.ys;
      for (let x = 0; x < w; x++) {
        const sx = cols[x];
        o[orow + x * out.xs] = sx < 0 ? value : s[srow + sx * src.xs];
      }
    }
  }
  return out;
}

/** Left-right mirror. */
export function hflip(src: Planes): Planes {
  const out = blank(src, src.h, src.w);
  const s = src.data;
  const o = out.data;
  const last = src.w - 1;
  for (let p = 0; p < src.planes; p++) {
    for (let y = 0; y < src.h; y++) {
      const row = p * src.ps + y * src.ys;
      for (let x = 0; x <= last; x++) o[row + x * src.xs] = s[row + (last - x) * src.xs];
    }
  }
  return out;
}

/**
 * Source indices and weights of bilinear interpolation along one axis (align_corners=False), computed as
 * PyTorch's CPU kernel does: the scale in the data's precision, the source position in double, the weights
 * stored in the data's precision.
 */
function linearAxis(
  inSize: number,
  outSize: number,
  single: boolean,
): { i0: Int32Array; i1: Int32Array; w0: Float64Array; w1: Float64Array } {
  const round = single ? Math.fround : (v: number): number => v;
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float64Array(outSize);
  const w1 = new Float64Array(outSize);
  const scale = round(inSize / outSize);
  for (let d = 0; d < outSize; d++) {
    const src = Math.max(scale * (d + 0.5) - 0.5, 0);
    const lo = Math.floor(src);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    w1[d] = round(src - lo);
    w0[d] = round(1 - (src - lo));
  }
  return { i0, i1, w0, w1 };
}

/** Bilinear resampling of CHW planes to h × w (torch.nn.functional.interpolate, align_corners=False, no antialias). */
export function resizeBilinear(src: Planes, h: number, w: number): Planes {
  const out = blank(src, h, w);
  const single = src.data instanceof Float32Array;
  const ry = linearAxis(src.h, h, single);
  const rx = linearAxis(src.w, w, single);
  const s = src.data;
  const o = out.data;
  for (let p = 0; p < src.planes; p++) {
    const sp = p * src.ps;
    const op = p * out.ps;
    for (let y = 0; y < h; y++) {
      const r0 = sp + ry.i0[y] * src.ys;
      const r1 = sp + ry.i1[y] * src.ys;
      const wy0 = ry.w0[y];
      const wy1 = ry.w1[y];
      for (let x = 0; x < w; x++) {
        const c0 = rx.i0[x] * src.xs;
        const c1 = rx.i1[x] * src.xs;
        const wx0 = rx.w0[x];
        const wx1 = rx.w1[x];
        o[op + y * out.ys + x * out.xs] =
          wy0 * (wx0 * s[r0 + c0] + wx1 * s[r0 + c1]) + wy1 * (wx0 * s[r1 + c0] + wx1 * s[r1 + c1]);
      }
    }
  }
  return out;
}

/** Pillow keeps 8-bit resampling coefficients as fixed-point integers with this many fraction bits. */
const PIL_PRECISION_BITS = 22;

/** One axis of a Pillow resampling: per output, its first source index and tap count, and the taps' weights. */
interface PilAxis {
  /** [first, taps] per output. */
  bounds: Int32Array;
  /** `ksize` fixed-point weights per output, the first `taps` of them used. */
  k: Int32Array;
  ksize: number;
}

/**
 * Pillow's bilinear coefficients for resampling `inSize` samples to `outSize` (Resample.c's precompute_coeffs
 * and normalize_coeffs_8bpc): a triangle filter widened by the scale when shrinking, so downscaling averages
 * every source pixel (antialiasing); `bounds` holds each output's first source index and tap count.
 */
function pilBilinearAxis(inSize: number, outSize: number): PilAxis {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  const ss = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const taps = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let sum = 0;
    for (let x = 0; x < taps; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      w[x] = t < 1 ? 1 - t : 0;
      sum += w[x];
    }
    for (let x = 0; x < taps; x++) {
      const c = (sum !== 0 ? w[x] / sum : w[x]) * (1 << PIL_PRECISION_BITS);
      k[xx * ksize + x] = c < 0 ? Math.trunc(c - 0.5) : Math.trunc(c + 0.5);
    }
    bounds[2 * xx] = xmin;
    bounds[2 * xx + 1] = taps;
  }
  return { bounds, k, ksize };
}

/** Pillow's clip8: the fixed-point sum back to an 8-bit sample. */
function clip8(ss: number): number {
  const v = ss >> PIL_PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Pillow's horizontal pass: rows [first, first + rows) of `src` (width `inW`) resampled to `axis`'s width. */
function pilHorizontal(
  src: Uint8Array,
  inW: number,
  first: number,
  rows: number,
  c: number,
  { bounds, k, ksize }: PilAxis,
): Uint8Array {
  const outW = bounds.length / 2;
  const out = new Uint8Array(rows * outW * c);
  const half = 1 << (PIL_PRECISION_BITS - 1);
  for (let y = 0; y < rows; y++) {
    const sRow = (first + y) * inW * c;
    const oRow = y * outW * c;
    for (let o = 0; o < outW; o++) {
      const taps = bounds[2 * o + 1];
      const kk = o * ksize;
      let s = sRow + bounds[2 * o] * c;
      if (c === 3) {
        let r = half;
        let g = half;
        let b = half;
        for (let t = 0; t < taps; t++, s += 3) {
          const w = k[kk + t];
          r += src[s] * w;
          g += src[s + 1] * w;
          b += src[s + 2] * w;
        }
        out[oRow + 3 * o] = clip8(r);
        out[oRow + 3 * o + 1] = clip8(g);
        out[oRow + 3 * o + 2] = clip8(b);
      } else {
        let v = half;
        for (let t = 0; t < taps; t++, s++) v += src[s] * k[kk + t];
        out[oRow + o] = clip8(v);
      }
    }
  }
  return out;
}

/** Pillow's vertical pass, a row at a time: each output row is a weighted sum of whole source rows. */
function pilVertical(src: Uint8Array, rowLen: number, rowOffset: number, { bounds, k, ksize }: PilAxis): Uint8Array {
  const outH = bounds.length / 2;
  const out = new Uint8Array(outH * rowLen);
  const acc = new Int32Array(rowLen);
  for (let yy = 0; yy < outH; yy++) {
    acc.fill(1 << (PIL_PRECISION_BITS - 1));
    const first = bounds[2 * yy] - rowOffset;
    for (let t = 0; t < bounds[2 * yy + 1]; t++) {
      const w = k[yy * ksize + t];
      const s = (first + t) * rowLen;
      for (let e = 0; e < rowLen; e++) acc[e] += src[s + e] * w;
    }
    const o = yy * rowLen;
    for (let e = 0; e < rowLen; e++) out[o + e] = clip8(acc[e]);
  }
  return out;
}

/**
 * Pillow's `Image.resize((w, h), BILINEAR)` of an 8-bit gray or RGB image, pixel for pixel: a horizontal pass
 * over the rows the vertical pass needs, then a vertical one, each rounding to 8 bits as Pillow does.
 */
export function resizeImagePil(img: Image, h: number, w: number): Image {
  const c = img.channels;
  if (c !== 1 && c !== 3) {
    throw new ValueError(`Resize takes gray or RGB images; this one has ${c} channels (convert it to RGB first)`);
  }
  if (h === img.height && w === img.width) return { ...img, data: img.data.slice() };
  const vert = pilBilinearAxis(img.height, h);
  let data = img.data;
  let rowOffset = 0;
  if (w !== img.width) {
    // Only the rows the vertical pass reads.
    const first = vert.bounds[0];
    const last = vert.bounds[2 * h - 2] + vert.bounds[2 * h - 1];
    data = pilHorizontal(data, img.width, first, last - first, c, pilBilinearAxis(img.width, w));
    rowOffset = first;
  }
  if (h !== img.height) data = pilVertical(data, w * c, rowOffset, vert);
  return { data, height: h, width: w, channels: c };
}
