/**
 * Sliding blocks (`torch._C._nn.im2col` / `col2im`, behind `F.unfold` and `F.fold`): im2col lays each block of a
 * (N, C, H, W) image out as a column of a (N, C·kh·kw, L) matrix (row c·kh·kw + i·kw + j, column oh·OW + ow, zeros
 * in the padding), col2im sums such columns back into an image. Each is the other's adjoint, so both are recorded
 * as fixed linear maps (`Im2ColBackward0`, `Col2ImBackward0`) whose gradients of any order are the other.
 */
import { IndexError, RuntimeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkFloat, recordLinearMap } from './util.js';
import { zeros } from '../creation.js';

/** The block geometry, each a pair (height, width). */
export interface BlockGeometry {
  kernelSize: readonly number[];
  dilation: readonly number[];
  padding: readonly number[];
  stride: readonly number[];
}

interface Plan {
  C: number;
  H: number;
  W: number;
  kh: number;
  kw: number;
  dh: number;
  dw: number;
  ph: number;
  pw: number;
  sh: number;
  sw: number;
  OH: number;
  OW: number;
}

/** PyTorch's checks of the geometry (`im2col_shape_check` / `col2im_shape_check`), in its order and words. */
function checkGeometry(g: BlockGeometry): void {
  const [kh, kw] = g.kernelSize;
  const [dh, dw] = g.dilation;
  const [ph, pw] = g.padding;
  const [sh, sw] = g.stride;
  if (kh <= 0 || kw <= 0)
    throw new RuntimeError(`kernel size should be greater than zero, but got kernel_height: ${kh} kernel_width: ${kw}`);
  if (dh <= 0 || dw <= 0)
    throw new RuntimeError(
      `dilation should be greater than zero, but got dilation_height: ${dh} dilation_width: ${dw}`,
    );
  if (ph < 0 || pw < 0)
    throw new RuntimeError(`padding should be non-negative, but got pad_height: ${ph} pad_width: ${pw}`);
  if (sh <= 0 || sw <= 0)
    throw new RuntimeError(`stride should be greater than zero, but got stride_height: ${sh} stride_width: ${sw}`);
}

/** The number of block positions along one dim. */
function blocks(size: number, k: number, d: number, p: number, s: number): number {
  return Math.floor((size + 2 * p - (d * (k - 1) + 1)) / s) + 1;
}

function plan(C: number, H: number, W: number, g: BlockGeometry): Plan {
  const [kh, kw] = g.kernelSize;
  const [dh, dw] = g.dilation;
  const [ph, pw] = g.padding;
  const [sh, sw] = g.stride;
  return {
    C,
    H,
    W,
    kh,
    kw,
    dh,
    dw,
    ph,
    pw,
    sh,
    sw,
    OH: blocks(H, kh, dh, ph, sh),
    OW: blocks(W, kw, dw, pw, sw),
  };
}

/** Calls `visit(imageIndex, columnIndex)` for every in-image entry of one image's column matrix. */
function eachEntry(p: Plan, visit: (image: number, column: number) => void): void {
  const L = p.OH * p.OW;
  for (let c = 0; c < p.C; c++) {
    for (let i = 0; i < p.kh; i++) {
      for (let j = 0; j < p.kw; j++) {
        const row = ((c * p.kh + i) * p.kw + j) * L;
        for (let oh = 0; oh < p.OH; oh++) {
          const ih = oh * p.sh - p.ph + i * p.dh;
          if (ih < 0 || ih >= p.H) continue;
          for (let ow = 0; ow < p.OW; ow++) {
            const iw = ow * p.sw - p.pw + j * p.dw;
            if (iw >= 0 && iw < p.W) visit((c * p.H + ih) * p.W + iw, row + oh * p.OW + ow);
          }
        }
      }
    }
  }
}

/** im2col of a batched (N, C, H, W) tensor; zeros where a block reaches into the padding. */
function im2colBatched(x: Tensor, p: Plan): Tensor {
  const [N] = x.shape;
  const perImage = p.C * p.H * p.W;
  const perColumns = p.C * p.kh * p.kw * p.OH * p.OW;
  const out = zeros([N, p.C * p.kh * p.kw, p.OH * p.OW], { dtype: x.dtype });
  const src = x.contiguousArray();
  const dst = out._array;
  for (let n = 0; n < N; n++) {
    const [xi, ci] = [n * perImage, n * perColumns];
    eachEntry(p, (image, column) => (dst[ci + column] = src[xi + image]));
  }
  return out;
}

/** col2im of a batched (N, C·kh·kw, L) tensor into (N, C, H, W): overlapping blocks add up. */
function col2imBatched(cols: Tensor, p: Plan): Tensor {
  const [N] = cols.shape;
  const perImage = p.C * p.H * p.W;
  const perColumns = p.C * p.kh * p.kw * p.OH * p.OW;
  const out = zeros([N, p.C, p.H, p.W], { dtype: cols.dtype });
  const src = cols.contiguousArray();
  const dst = out._array;
  for (let n = 0; n < N; n++) {
    const [xi, ci] = [n * perImage, n * perColumns];
    eachEntry(p, (image, column) => (dst[xi + image] += src[ci + column]));
  }
  return out;
}

/** Applies `f` to the batched form of `t` (a leading dim of 1 added when `batched` is false). */
function batchedApply(t: Tensor, batched: boolean, f: (b: Tensor) => Tensor): Tensor {
  return batched ? f(t) : f(t.unsqueeze(0)).squeeze(0);
}

/**
 * `im2col(input, kernel_size, dilation, padding, stride)`: the sliding blocks of a (N, C, H, W) or unbatched
 * (C, H, W) input as the columns of a (N, C·kh·kw, L) (or (C·kh·kw, L)) matrix; recorded as `Im2ColBackward0`.
 */
export function im2col(x: Tensor, g: BlockGeometry): Tensor {
  const batched = x.ndim === 4;
  // PyTorch reads the input's size at dim 2 before it checks the rank.
  if (x.ndim > 0 && x.ndim < 3) {
    throw new IndexError(`Dimension out of range (expected to be in range of [${-x.ndim}, ${x.ndim - 1}], but got 2)`);
  }
  if ((x.ndim !== 3 && x.ndim !== 4) || x.shape.slice(x.ndim - 3).some((s) => s === 0)) {
    throw new RuntimeError(
      `Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: [${x.shape.join(', ')}]`,
    );
  }
  checkGeometry(g);
  checkFloat(x, 'im2col_out_cpu');
  const [C, H, W] = x.shape.slice(x.ndim - 3);
  const p = plan(C, H, W, g);
  if (p.OH < 1 || p.OW < 1) {
    // As PyTorch's message, which names the input's height twice.
    throw new RuntimeError(
      `Given input with spatial size (${H}, ${H}), kernel_size=(${p.kh}, ${p.kw}), dilation=(${p.dh}, ${p.dw}), padding=(${p.ph}, ${p.pw}), calculated shape of the array of sliding blocks as (${p.OH}, ${p.OW}), but its components must be at least one.`,
    );
  }
  const f = (t: Tensor): Tensor => batchedApply(t, batched, (b) => im2colBatched(b, p));
  const fT = (t: Tensor): Tensor => batchedApply(t, batched, (b) => col2imBatched(b, p));
  return recordLinearMap('Im2ColBackward0', 'Col2ImBackward0', x, f(x), f, fT);
}

/**
 * `col2im(input, output_size, kernel_size, dilation, padding, stride)`: the (N, C·kh·kw, L) (or unbatched) columns
 * summed back into (N, C, H, W) images of `outputSize` [H, W]; recorded as `Col2ImBackward0`.
 */
export function col2im(cols: Tensor, outputSize: readonly number[], g: BlockGeometry): Tensor {
  const batched = cols.ndim === 3;
  if ((cols.ndim !== 2 && cols.ndim !== 3) || cols.shape.slice(cols.ndim - 2).some((s) => s === 0)) {
    throw new RuntimeError(
      `Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: [${cols.shape.join(', ')}]`,
    );
  }
  checkGeometry(g);
  checkFloat(cols, 'col2im_out_cpu');
  const [H, W] = outputSize;
  const [kh, kw] = g.kernelSize;
  const rows = cols.shape[cols.ndim - 2];
  if (rows % (kh * kw) !== 0) {
    throw new RuntimeError(
      `Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${rows} and kernel_size=(${kh}, ${kw}).`,
    );
  }
  const p = plan(rows / (kh * kw), H, W, g);
  const L = cols.shape[cols.ndim - 1];
  if (p.OH < 1 || p.OW < 1 || p.OH * p.OW !== L) {
    throw new RuntimeError(
      `Given output_size=(${H}, ${W}), kernel_size=(${kh}, ${kw}), dilation=(${p.dh}, ${p.dw}), padding=(${p.ph}, ${p.pw}), stride=(${p.sh}, ${p.sw}), expected size of input's dimension 2 to match the calculated number of sliding blocks ${p.OH} * ${p.OW} = ${p.OH * p.OW}, but got input.size(2)=${L}.`,
    );
  }
  const f = (t: Tensor): Tensor => batchedApply(t, batched, (b) => col2imBatched(b, p));
  const fT = (t: Tensor): Tensor => batchedApply(t, batched, (b) => im2colBatched(b, p));
  return recordLinearMap('Col2ImBackward0', 'Im2ColBackward0', cols, f(cols), f, fT);
}
