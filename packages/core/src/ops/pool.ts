/**
 * 2-D pooling: max, average, adaptive average and adaptive max, on 3-D (C, H, W) or 4-D (N, C, H, W) inputs,
 * with PyTorch's output-size rules and messages. Each backward is an op too (a scatter of the gradient, or the
 * adjoint window sum), recorded with its own backward, so gradients of gradients work.
 */
import { isFloatingPoint, scalarTypeName } from '../dtype.js';
import { IndexError, RuntimeError, TorchTypeError } from '../errors.js';
import { type AvgPoolMode, type PoolGeometry, poolOutputSize } from '../kernels/pool.js';
import { getKernelBackend } from '../kernels/registry.js';
import { needsRecording, recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { empty, uninitialized } from './util.js';
import { mean } from './reduce.js';
import type { Size2 } from './conv.js';
import { trailingOptions } from '../python-args.js';

export interface MaxPool2dOptions {
  kernelSize?: Size2;
  /** Defaults to the kernel size. */
  stride?: Size2 | null;
  padding?: Size2;
  dilation?: Size2;
  ceilMode?: boolean;
  /** Return `[output, indices]` (indices are flat positions h·W + w in each input plane, int64). */
  returnIndices?: boolean;
}

export interface AvgPool2dOptions {
  kernelSize?: Size2;
  stride?: Size2 | null;
  padding?: Size2;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export interface AdaptiveMaxPool2dOptions {
  returnIndices?: boolean;
}

/** An adaptive output size: one number for both dims, or `[h, w]` where `null` keeps the input's size. */
export type AdaptiveSize = number | readonly (number | null)[];

type WithIndices<O> = O & { returnIndices: true };
type WithoutIndices<O> = O & { returnIndices?: false };
type StrideOr<O> = Size2 | null | O;

/** PyTorch's parameters after the stride, in its order (`max_pool2d(x, 3, 2, 1)`: padding 1). */
const MAX_POOL_ORDER = ['padding', 'dilation', 'ceilMode', 'returnIndices'] as const;
const AVG_POOL_ORDER = ['padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const;

/** Splits `(kernelSize, stride?, options?)`, `(kernelSize, options)` and `(options)` call forms. */
function callForm<O extends { kernelSize?: Size2; stride?: Size2 | null }>(
  op: string,
  a: Size2 | O,
  b?: StrideOr<O>,
  c?: O,
): O {
  let o: O;
  if (typeof a === 'object' && !Array.isArray(a)) o = { ...(a as O) };
  else if (b !== null && typeof b === 'object' && !Array.isArray(b)) o = { ...(b as O), kernelSize: a as Size2 };
  else
    o = {
      ...(c ?? ({} as O)),
      kernelSize: a as Size2,
      ...(b === undefined || b === null ? {} : { stride: b as Size2 }),
    };
  if (o.kernelSize === undefined) throw new TorchTypeError(`${op}() missing required argument 'kernel_size'`);
  return o;
}

function pair(v: Size2, message: string, allowEmpty = false): number[] | null {
  const list = typeof v === 'number' ? [v, v] : v.length === 1 ? [v[0], v[0]] : [...v];
  if (allowEmpty && list.length === 0) return null;
  if (list.length !== 2) throw new RuntimeError(message);
  for (const e of list)
    if (!Number.isInteger(e))
      throw new TorchTypeError(`${message.split(':')[0]}(): expected ints, but got ${String(e)}`);
  return list;
}

/** The call's kernel size and stride as pairs (the stride defaults to the kernel size), with PyTorch's messages. */
function kernelAndStride(op: string, o: { kernelSize?: Size2; stride?: Size2 | null }): [number[], number[]] {
  const k = pair(
    o.kernelSize as Size2,
    `${op}: kernel_size must either be a single int, or a tuple of two ints`,
  ) as number[];
  const stride =
    o.stride == null
      ? null
      : pair(o.stride, `${op}: stride must either be omitted, a single int, or a tuple of two ints`, true);
  return [k, stride ?? k];
}

/** pooling_output_shape's argument checks, then the size. */
function outputSize(size: number, k: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  if (stride === 0) throw new RuntimeError('stride should not be zero');
  if (pad < 0) throw new RuntimeError(`pad must be non-negative, but got pad: ${pad}`);
  if (pad > Math.trunc(k / 2))
    throw new RuntimeError(`pad should be at most half of kernel size, but got pad=${pad} and kernel_size=${k}`);
  return poolOutputSize(size, k, pad, stride, dilation, ceilMode);
}

/** Output sizes and pool2d_shape_check, for input (C, H, W) or (N, C, H, W). */
function poolGeometry(x: Tensor, k: number[], s: number[], p: number[], d: number[], ceilMode: boolean): PoolGeometry {
  const shape = x._shape;
  const nd = shape.length;
  const [C, H, W] = shape.slice(nd - 3);
  const OH = outputSize(H, k[0], p[0], s[0], d[0], ceilMode);
  const OW = outputSize(W, k[1], p[1], s[1], d[1], ceilMode);
  if (k[0] <= 0 || k[1] <= 0)
    throw new RuntimeError(`kernel size should be greater than zero, but got kH: ${k[0]} kW: ${k[1]}`);
  if (s[0] <= 0 || s[1] <= 0)
    throw new RuntimeError(`stride should be greater than zero, but got dH: ${s[0]} dW: ${s[1]}`);
  if (d[0] <= 0 || d[1] <= 0)
    throw new RuntimeError(`dilation should be greater than zero, but got dilationH: ${d[0]} dilationW: ${d[1]}`);
  const validDims = shape[1] !== 0 && shape[2] !== 0;
  if (!((nd === 3 && shape[0] !== 0 && validDims) || (nd === 4 && validDims && shape[3] !== 0))) {
    throw new RuntimeError(
      `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[${shape.join(', ')}]`,
    );
  }
  if (OH < 1 || OW < 1) {
    throw new RuntimeError(
      `Given input size: (${C}x${H}x${W}). Calculated output size: (${C}x${OH}x${OW}). Output size is too small`,
    );
  }
  const planes = nd === 4 ? shape[0] * C : C;
  return { planes, H, W, OH, OW, kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: p[0], pw: p[1], dh: d[0], dw: d[1] };
}

function outShapeOf(x: Tensor, OH: number, OW: number): number[] {
  return [...x._shape.slice(0, x.ndim - 2), OH, OW];
}

/** The zero gradient PyTorch gives the forward input of a pooling backward. */
function zerosOf(x: Tensor): Tensor {
  return empty(x._shape, x.dtype);
}

function checkFloat(op: string, x: Tensor): void {
  if (!isFloatingPoint(x.dtype)) throw new RuntimeError(`"${op}" not implemented for '${scalarTypeName(x.dtype)}'`);
}

/**
 * A window that lies wholly in the padding (dilation makes that possible) has no input: its value is -inf and its
 * index, as PyTorch's, one past the last position it could have read. Its gradient goes nowhere: PyTorch 1.13 adds
 * it at that index, into the next plane (or past the end); here it is dropped.
 */
function paddingOnlyWindows(indices: Tensor, HW: number): Tensor | null {
  const idx = indices.contiguousArray();
  let inside = true;
  for (let i = 0; i < idx.length && inside; i++) inside = idx[i] >= 0 && idx[i] < HW;
  return inside ? null : indices.lt(0).logicalOr(indices.ge(HW));
}

/**
 * Whether some window of `g` may lie wholly in the padding. Without padding a window starts inside the input; with
 * a dilation of 1 its rows (columns) are consecutive, and a padding of at most half the kernel leaves one inside.
 * Other windows need no scan of their indices (the kernel still checks each one).
 */
function mayHavePaddingOnlyWindows(g: PoolGeometry): boolean {
  return (g.ph > 0 && g.dh > 1) || (g.pw > 0 && g.dw > 1);
}

/**
 * The gradient of a max pooling: each output gradient added at the input position its index names. The
 * forward input `x` is an input of the node, as in PyTorch (its gradient is zero), so the result requires grad
 * whenever x does.
 */
function maxPoolBackward(gy: Tensor, x: Tensor, indices: Tensor, paddingOnlyPossible: boolean, name: string): Tensor {
  const inShape = x._shape;
  const gx = uninitialized(inShape, gy.dtype);
  const nd = inShape.length;
  const HW = inShape[nd - 2] * inShape[nd - 1];
  const OHW = indices._shape[nd - 2] * indices._shape[nd - 1];
  const planes = HW === 0 ? 0 : gx.numel() / HW;
  const paddingOnly = paddingOnlyPossible ? paddingOnlyWindows(indices, HW) : null;
  const grads = paddingOnly === null ? gy : gy.maskedFill(paddingOnly, 0);
  const at = paddingOnly === null ? indices : indices.clamp(0, Math.max(HW - 1, 0));
  getKernelBackend().maxPool2dBackward(grads.contiguousArray(), at.contiguousArray(), planes, HW, OHW, gx._array);
  // Linear in gy; its adjoint gathers at the same indices.
  recordOp(name, [gy, x], gx, (save, needs) => {
    const si = save(at);
    return ([gg]) => {
      const idx = si();
      const gathered = needs[0] && gg.flatten(-2).gather(-1, idx.flatten(-2)).view(idx.shape);
      return [
        gathered && paddingOnly !== null ? gathered.maskedFill(paddingOnly, 0) : gathered,
        needs[1] && zerosOf(x),
      ];
    };
  });
  return gx;
}

export function maxPool2d(x: Tensor, kernelSize: Size2, options: WithIndices<MaxPool2dOptions>): [Tensor, Tensor];
export function maxPool2d(
  x: Tensor,
  kernelSize: Size2,
  stride: Size2 | null,
  options: WithIndices<MaxPool2dOptions>,
): [Tensor, Tensor];
export function maxPool2d(x: Tensor, options: WithIndices<MaxPool2dOptions> & { kernelSize: Size2 }): [Tensor, Tensor];
export function maxPool2d(
  x: Tensor,
  kernelSize: Size2,
  stride?: StrideOr<WithoutIndices<MaxPool2dOptions>>,
  options?: WithoutIndices<MaxPool2dOptions>,
): Tensor;
export function maxPool2d(x: Tensor, options: WithoutIndices<MaxPool2dOptions> & { kernelSize: Size2 }): Tensor;
export function maxPool2d(
  x: Tensor,
  kernelSize: Size2 | MaxPool2dOptions,
  stride?: StrideOr<MaxPool2dOptions>,
  options?: MaxPool2dOptions,
): Tensor | [Tensor, Tensor];
export function maxPool2d(
  x: Tensor,
  kernelSize: Size2 | MaxPool2dOptions,
  stride?: StrideOr<MaxPool2dOptions>,
  ...rest: unknown[]
): Tensor | [Tensor, Tensor] {
  const options = trailingOptions<MaxPool2dOptions>('max_pool2d', MAX_POOL_ORDER, rest, 3, 2);
  const o = callForm('max_pool2d', kernelSize, stride, options);
  const [k, s] = kernelAndStride('max_pool2d', o);
  const p = pair(
    o.padding ?? 0,
    'max_pool2d: padding must be either be a single int, or a tuple of two ints',
  ) as number[];
  const d = pair(
    o.dilation ?? 1,
    'max_pool2d: dilation must be either a single int, or a tuple of two ints',
  ) as number[];
  if (x.ndim !== 3 && x.ndim !== 4) throw new RuntimeError('non-empty 3D or 4D (batch mode) tensor expected for input');
  const g = poolGeometry(x, k, s, p, d, o.ceilMode ?? false);
  checkFloat('max_pool2d', x);
  const shape = outShapeOf(x, g.OH, g.OW);
  const out = uninitialized(shape, x.dtype);
  const returnIndices = o.returnIndices ?? false;
  const indices = returnIndices || needsRecording([x]) ? uninitialized(shape, 'int64') : null;
  getKernelBackend().maxPool2dForward(x.contiguousArray(), g, out._array, indices ? indices._array : null);
  recordOp('MaxPool2DWithIndicesBackward0', [x], out, (save) => {
    const sx = save(x);
    const si = save(indices as Tensor);
    const paddingOnlyPossible = mayHavePaddingOnlyWindows(g);
    return ([gy]) => [maxPoolBackward(gy, sx(), si(), paddingOnlyPossible, 'MaxPool2DWithIndicesBackwardBackward0')];
  });
  return returnIndices ? [out, indices as Tensor] : out;
}

interface AvgArgs {
  g: PoolGeometry;
  mode: AvgPoolMode;
}

export function avgPool2d(
  x: Tensor,
  kernelSize: Size2,
  stride?: StrideOr<AvgPool2dOptions>,
  options?: AvgPool2dOptions,
): Tensor;
export function avgPool2d(x: Tensor, options: AvgPool2dOptions & { kernelSize: Size2 }): Tensor;
export function avgPool2d(
  x: Tensor,
  kernelSize: Size2 | AvgPool2dOptions,
  stride?: StrideOr<AvgPool2dOptions>,
  ...rest: unknown[]
): Tensor {
  const options = trailingOptions<AvgPool2dOptions>('avg_pool2d', AVG_POOL_ORDER, rest, 3, 2);
  const o = callForm('avg_pool2d', kernelSize, stride, options);
  const [k, s] = kernelAndStride('avg_pool2d', o);
  const p = pair(o.padding ?? 0, 'avg_pool2d: padding must either be a single int, or a tuple of two ints') as number[];
  const divisor = o.divisorOverride ?? 0;
  if (o.divisorOverride != null && divisor === 0) throw new RuntimeError('divisor must be not zero');
  if (x.ndim < 3) {
    throw new IndexError(
      `Dimension out of range (expected to be in range of [${-Math.max(x.ndim, 1)}, ${Math.max(x.ndim, 1) - 1}], but got -3)`,
    );
  }
  const g = poolGeometry(x, k, s, p, [1, 1], o.ceilMode ?? false);
  if (x.dtype !== 'int64') checkFloat('avg_pool2d', x);
  const mode = { countIncludePad: o.countIncludePad ?? true, divisorOverride: divisor, integral: x.dtype === 'int64' };
  return avgPoolWith(x, { g, mode });
}

function avgPoolWith(x: Tensor, args: AvgArgs): Tensor {
  const out = uninitialized(outShapeOf(x, args.g.OH, args.g.OW), x.dtype);
  getKernelBackend().avgPool2dForward(x.contiguousArray(), args.g, args.mode, out._array);
  recordOp('AvgPool2DBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([gy]) => [avgPoolBackward(gy, sx(), args)];
  });
  return out;
}

function avgPoolBackward(gy: Tensor, x: Tensor, args: AvgArgs): Tensor {
  const gx = uninitialized(x._shape, gy.dtype);
  getKernelBackend().avgPool2dBackward(gy.contiguousArray(), args.g, args.mode, gx._array);
  // Linear in gy; its adjoint is the average pooling itself. Zero with respect to x.
  recordOp('AvgPool2DBackwardBackward0', [gy, x], gx, (_save, needs) => ([gg]) => [
    needs[0] && avgPoolWith(gg, args),
    needs[1] && zerosOf(x),
  ]);
  return gx;
}

/** Checks and resolves an adaptive output size against input (C, H, W) or (N, C, H, W). */
function adaptiveSize(op: string, x: Tensor, outputSize: AdaptiveSize, batchDims: 'spatial' | 'all'): [number, number] {
  const nd = x.ndim;
  if (nd !== 3 && nd !== 4) {
    throw new RuntimeError(
      `${op}(): Expected 3D or 4D tensor, but got${op === 'adaptive_max_pool2d' ? ':' : ''} [${x._shape.join(', ')}]`,
    );
  }
  const list = typeof outputSize === 'number' ? [outputSize, outputSize] : [...outputSize];
  if (list.length !== 2) {
    throw new RuntimeError(
      op === 'adaptive_max_pool2d'
        ? `${op}(): internal error: output_size.size() must be 2`
        : `${op}: output_size must be 2`,
    );
  }
  const [OH, OW] = [list[0] ?? x._shape[nd - 2], list[1] ?? x._shape[nd - 1]];
  if (OH < 0 || OW < 0) {
    if (op === 'adaptive_max_pool2d') {
      const bad = OH < 0 ? OH : OW;
      throw new RuntimeError(
        `Trying to create tensor with negative dimension ${bad}: [${[...x._shape.slice(0, nd - 2), OH, OW].join(', ')}]`,
      );
    }
    throw new RuntimeError(
      `${op}: elements of output_size must be greater than or equal to 0 but received {${OH}, ${OW}}`,
    );
  }
  // adaptive_max_pool2d checks every dim after the first; adaptive_avg_pool2d only H and W.
  for (let i = batchDims === 'all' ? 1 : nd - 2; i < nd; i++) {
    if (x._shape[i] === 0) {
      throw new RuntimeError(
        `${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [${x._shape.join(', ')}] with dimension ${i} being empty`,
      );
    }
  }
  checkFloat(op, x);
  return [OH, OW];
}

function planesOf(x: Tensor): number {
  const nd = x.ndim;
  return nd === 4 ? x._shape[0] * x._shape[1] : x._shape[0];
}

/** `adaptiveAvgPool2d(x, outputSize)`; an output of 1 x 1 is a mean over H and W, as in PyTorch. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const [OH, OW] = adaptiveSize('adaptive_avg_pool2d', x, outputSize, 'spatial');
  if (OH === 1 && OW === 1) return mean(x, [-1, -2], { keepdim: true });
  return adaptiveAvgWith(x, OH, OW);
}

function adaptiveAvgWith(x: Tensor, OH: number, OW: number): Tensor {
  const nd = x.ndim;
  const [H, W] = [x._shape[nd - 2], x._shape[nd - 1]];
  const out = uninitialized(outShapeOf(x, OH, OW), x.dtype);
  getKernelBackend().adaptiveAvgPool2dForward(x.contiguousArray(), planesOf(x), H, W, OH, OW, out._array);
  recordOp('AdaptiveAvgPool2DBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([gy]) => [adaptiveAvgBackward(gy, sx())];
  });
  return out;
}

function adaptiveAvgBackward(gy: Tensor, x: Tensor): Tensor {
  const inShape = x._shape;
  const nd = inShape.length;
  const gx = uninitialized(inShape, gy.dtype);
  const [OH, OW] = [gy._shape[nd - 2], gy._shape[nd - 1]];
  const planes = nd === 4 ? inShape[0] * inShape[1] : inShape[0];
  getKernelBackend().adaptiveAvgPool2dBackward(
    gy.contiguousArray(),
    planes,
    inShape[nd - 2],
    inShape[nd - 1],
    OH,
    OW,
    gx._array,
  );
  recordOp('AdaptiveAvgPool2DBackwardBackward0', [gy, x], gx, (_save, needs) => ([gg]) => [
    needs[0] && adaptiveAvgWith(gg, OH, OW),
    needs[1] && zerosOf(x),
  ]);
  return gx;
}

export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options: WithIndices<AdaptiveMaxPool2dOptions>,
): [Tensor, Tensor];
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options?: WithoutIndices<AdaptiveMaxPool2dOptions>,
): Tensor;
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options?: AdaptiveMaxPool2dOptions,
): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  const options = trailingOptions<AdaptiveMaxPool2dOptions>('adaptive_max_pool2d', ['returnIndices'], rest, 2, 2);
  const [OH, OW] = adaptiveSize('adaptive_max_pool2d', x, outputSize, 'all');
  const nd = x.ndim;
  const shape = outShapeOf(x, OH, OW);
  const out = uninitialized(shape, x.dtype);
  const returnIndices = options.returnIndices ?? false;
  const indices = returnIndices || needsRecording([x]) ? uninitialized(shape, 'int64') : null;
  getKernelBackend().adaptiveMaxPool2dForward(
    x.contiguousArray(),
    planesOf(x),
    x._shape[nd - 2],
    x._shape[nd - 1],
    OH,
    OW,
    out._array,
    indices ? indices._array : null,
  );
  recordOp('AdaptiveMaxPool2DBackward0', [x], out, (save) => {
    const sx = save(x);
    const si = save(indices as Tensor);
    return ([gy]) => [maxPoolBackward(gy, sx(), si(), false, 'AdaptiveMaxPool2DBackwardBackward0')];
  });
  return returnIndices ? [out, indices as Tensor] : out;
}
