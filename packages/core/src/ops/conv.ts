/**
 * 2-D convolution (`torch.conv2d`, `F.conv2d`): im2col + GEMM forward, and a backward made of the two other
 * products of a convolution (input gradient, weight gradient). Those are ops too, each recording a node whose
 * backward is again made of the three, so gradients of gradients (createGraph, double backward) work.
 */
import { scalarTypeName } from '../dtype.js';
import { RuntimeError, TorchTypeError } from '../errors.js';
import { numel } from '../shape.js';
import { trailingOptions } from '../python-args.js';
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import { type ConvGeometry, convOutputSize } from '../kernels/conv.js';
import { recordOp } from '../autograd/record.js';
import { Tensor } from '../tensor.js';
import { uninitialized } from './util.js';
import { squeeze, unsqueeze } from './view.js';

/** A size for both spatial dims: one number, or `[h, w]`. */
export type Size2 = number | readonly number[];

export interface Conv2dOptions {
  bias?: Tensor | null;
  stride?: Size2;
  /** Numbers (top/bottom, left/right), `'valid'` (no padding) or `'same'` (output size = input size; stride 1). */
  padding?: Size2 | 'valid' | 'same';
  dilation?: Size2;
  groups?: number;
}

/** Resolved convolution parameters; the pads may differ before (top/left) and after (bottom/right). */
export interface ConvParams {
  sh: number;
  sw: number;
  pt: number;
  pl: number;
  pb: number;
  pr: number;
  dh: number;
  dw: number;
  groups: number;
  /**
   * The output's size, where it is not the one the formula gives: a transposed convolution's adjoint products
   * (its output padding can add rows and columns that no input position reaches).
   */
  oh?: number;
  ow?: number;
}

/**
 * A convolution as PyTorch's F functions take it, `f(input, weight, bias?, options?)`: the bias may also be given in
 * the options, or the options in its place (`f(x, w, { stride: 2 })`). Called from JavaScript, the options may come
 * positionally in PyTorch's order instead: `f(x, w, b, 2, 1)`.
 */
export type ConvFunction<O> = (input: Tensor, weight: Tensor, bias?: Tensor | null | O, options?: O) => Tensor;

/**
 * The convolution `name`, its options `names` in PyTorch's order, over unbatched inputs of `rank` dims or batched
 * ones of `rank + 1`: `body` computes it for a batched input `x`, the bias and the options resolved.
 */
export function convFunction<O extends { bias?: Tensor | null }>(
  name: string,
  names: readonly (keyof O & string)[],
  rank: number,
  body: (x: Tensor, weight: Tensor, bias: Tensor | null, options: O) => Tensor,
): ConvFunction<O> {
  return (input, weight, bias, ...rest: unknown[]) => {
    const [b, opts] = biasAndOptions<O>(name, names, bias, rest);
    return batched(name, input, rank, (x) => body(x, weight, b, opts));
  };
}

/**
 * A convolution's bias and options, from its arguments after the weight: the options in the bias's place, after
 * it, or positionally in PyTorch's order (`names`); a bias among the options counts where none comes before them.
 */
function biasAndOptions<O extends { bias?: Tensor | null }>(
  name: string,
  names: readonly (keyof O & string)[],
  bias: Tensor | null | O | undefined,
  rest: readonly unknown[],
): [Tensor | null, O] {
  const options = trailingOptions<O>(name, names, rest, 3, 2);
  if (bias instanceof Tensor || bias === null || bias === undefined) return [bias ?? options.bias ?? null, options];
  const merged = { ...bias, ...options };
  return [merged.bias ?? null, merged];
}

/**
 * `f` of `input` with a batch dim: an unbatched input (`rank` dims) gets one, which the result loses again; any
 * other rank than `rank` or `rank + 1` is PyTorch's error for `name`.
 */
function batched(name: string, input: Tensor, rank: number, f: (x: Tensor) => Tensor): Tensor {
  if (input.ndim !== rank && input.ndim !== rank + 1) {
    throw new RuntimeError(
      `Expected ${rank}D (unbatched) or ${rank + 1}D (batched) input to ${name}, but got input of size: [${input._shape.join(', ')}]`,
    );
  }
  return input.ndim === rank ? squeeze(f(unsqueeze(input, 0)), 0) : f(input);
}

/** `conv2d(input, weight, bias?, { stride, padding, dilation, groups })` over (N, C, H, W) or unbatched (C, H, W). */
export const conv2d = convFunction<Conv2dOptions>(
  'conv2d',
  ['stride', 'padding', 'dilation', 'groups'],
  3,
  (x, weight, b, opts) => {
    const p = resolveParams(x, weight, b, opts);
    checkDTypes(x, weight, b);
    return convolution(x, weight, b, p);
  },
);

/** conv1d's options: as conv2d's, each size one number (or a one-element list). */
export interface Conv1dOptions {
  bias?: Tensor | null;
  stride?: number | readonly number[];
  /** A number, `'valid'` (no padding) or `'same'` (output length = input length; stride 1). */
  padding?: number | readonly number[] | 'valid' | 'same';
  dilation?: number | readonly number[];
  groups?: number;
}

/** One size of a 1-D convolution, as the 2-D convolution of height 1 takes it: `[1, n]` (padding `[0, n]`). */
export function heightOne(name: string, v: number | readonly number[], fill: number): number[] {
  const list = typeof v === 'number' ? [v] : [...v];
  if (list.length !== 1) {
    throw new RuntimeError(
      `expected ${name} to be a single integer value or a list of 1 values to match the convolution dimensions, but got ${name}=[${list.join(', ')}]`,
    );
  }
  return [fill, list[0]];
}

/**
 * `conv1d(input, weight, bias?, { stride, padding, dilation, groups })` over (N, C, L) or unbatched (C, L) input
 * with a (O, C/groups, K) weight: the 2-D convolution of height 1, recorded as one `ConvolutionBackward0` on the 1-D
 * tensors, as PyTorch records it. Called from JavaScript, the options may come positionally in PyTorch's order.
 */
export const conv1d = convFunction<Conv1dOptions>(
  'conv1d',
  ['stride', 'padding', 'dilation', 'groups'],
  2,
  (x, weight, b, opts) => {
    if (weight.ndim !== 3) {
      throw new RuntimeError(
        `Expected ${weight.ndim}-dimensional input for ${weight.ndim}-dimensional weight [${weight._shape.join(', ')}], but got ${x.ndim}-dimensional input of size [${x._shape.join(', ')}] instead`,
      );
    }
    const padding = opts.padding ?? 0;
    const p = resolveParams(
      x,
      weight,
      b,
      {
        stride: heightOne('stride', opts.stride ?? 1, 1),
        padding: typeof padding === 'string' ? padding : heightOne('padding', padding, 0),
        dilation: heightOne('dilation', opts.dilation ?? 1, 1),
        groups: opts.groups,
      },
      true,
    );
    checkDTypes(x, weight, b);
    return convolution(x, weight, b, p);
  },
);

export function intList(name: string, v: Size2, dims: number): number[] {
  const list = typeof v === 'number' ? [v, v] : [...v];
  for (const e of list) {
    if (!Number.isInteger(e))
      throw new TorchTypeError(`conv2d(): argument '${name}' must be a tuple of ints, but found ${String(e)}`);
  }
  if (list.length === 1) return [list[0], list[0]];
  if (list.length !== dims) {
    throw new RuntimeError(
      `expected ${name} to be a single integer value or a list of ${dims} values to match the convolution dimensions, but got ${name}=[${list.join(', ')}]`,
    );
  }
  return list;
}

/** Checks the arguments in PyTorch's order, with its messages, and resolves padding strings. */
function resolveParams(x: Tensor, w: Tensor, b: Tensor | null, opts: Conv2dOptions, oneD = false): ConvParams {
  const ws = lift(w._shape);
  const wDesc = `[${w._shape.join(', ')}]`;
  if (w.ndim < 3) throw new RuntimeError('weight should have at least three dimensions');
  const pad = opts.padding ?? 0;
  if (typeof pad === 'string' && pad !== 'same' && pad !== 'valid')
    throw new RuntimeError(`Invalid padding string: '${String(pad)}'`);
  const xs = lift(x._shape);
  // conv1d passes its sizes already as the height-1 pairs of the 2-D convolution.
  const dims = oneD ? 2 : w.ndim - 2;
  const [sh, sw] = intList('stride', opts.stride ?? 1, dims);
  const [dh, dw] = intList('dilation', opts.dilation ?? 1, dims);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups))
    throw new TorchTypeError(`conv2d(): argument 'groups' must be int, but got ${String(groups)}`);
  let pt: number, pl: number, pb: number, pr: number;
  if (pad === 'same') {
    if (sh !== 1 || sw !== 1) throw new RuntimeError("padding='same' is not supported for strided convolutions");
    // The total padding is dilation·(kernel − 1); an odd total puts the extra row/column at the bottom/right.
    const th = dh * (ws[2] - 1);
    const tw = dw * (ws[3] - 1);
    [pt, pb, pl, pr] = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else if (pad === 'valid') {
    [pt, pb, pl, pr] = [0, 0, 0, 0];
  } else {
    const [ph, pw] = intList('padding', pad, dims);
    [pt, pb, pl, pr] = [ph, ph, pw, pw];
  }
  if (groups <= 0) throw new RuntimeError('non-positive groups is not supported');
  if (pt < 0 || pl < 0) throw new RuntimeError('negative padding is not supported');
  if (sh <= 0 || sw <= 0) throw new RuntimeError('non-positive stride is not supported');
  if (dh <= 0 || dw <= 0) throw new RuntimeError(`dilation should be greater than zero, but got [${dh}, ${dw}]`);
  if (ws[0] < groups) {
    throw new RuntimeError(
      `Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${wDesc} instead`,
    );
  }
  if (ws[0] % groups !== 0) {
    throw new RuntimeError(
      `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${wDesc}] instead`,
    );
  }
  if (xs[1] !== ws[1] * groups) {
    throw new RuntimeError(
      `Given groups=${groups}, weight of size ${wDesc}, expected input[${x._shape.join(', ')}] to have ${ws[1] * groups} channels, but got ${x._shape[1]} channels instead`,
    );
  }
  if (b !== null && (b.ndim !== 1 || b._shape[0] !== ws[0])) {
    throw new RuntimeError(
      `Given weight of size ${wDesc}, expected bias to be 1-dimensional with ${ws[0]} elements, but got bias of size [${b._shape.join(', ')}] instead`,
    );
  }
  const inH = xs[2] + pt + pb;
  const inW = xs[3] + pl + pr;
  const kH = dh * (ws[2] - 1) + 1;
  const kW = dw * (ws[3] - 1) + 1;
  if (inH < kH || inW < kW) {
    const [input, kernel] = oneD ? [`${inW}`, `${kW}`] : [`${inH} x ${inW}`, `${kH} x ${kW}`];
    throw new RuntimeError(
      `Calculated padded input size per channel: (${input}). Kernel size: (${kernel}). Kernel size can't be greater than actual input size`,
    );
  }
  if (ws[2] <= 0 || ws[3] <= 0) {
    throw new RuntimeError(
      `kernel size should be greater than zero, but got kernel_height: ${ws[2]} kernel_width: ${ws[3]}`,
    );
  }
  return { sh, sw, pt, pl, pb, pr, dh, dw, groups };
}

const C_TYPE_NAMES = { float32: 'float', float64: 'double', int32: 'int', int64: 'long int', bool: 'bool' } as const;

export function checkDTypes(x: Tensor, w: Tensor, b: Tensor | null): void {
  if (x.dtype !== w.dtype)
    throw new RuntimeError(`expected scalar type ${scalarTypeName(x.dtype)} but found ${scalarTypeName(w.dtype)}`);
  if (b !== null && b.dtype !== x.dtype) {
    throw new RuntimeError(
      `Input type (${C_TYPE_NAMES[x.dtype]}) and bias type (${C_TYPE_NAMES[b.dtype]}) should be the same`,
    );
  }
  if (x.dtype === 'bool') throw new RuntimeError(`"slow_conv2d_cpu" not implemented for 'Bool'`);
}

/** A 1-D convolution's (N, C, L) or (O, C/groups, K) shape as the 2-D one it is, with a height of 1. */
function lift(shape: readonly number[]): readonly number[] {
  return shape.length === 3 ? [shape[0], shape[1], 1, shape[2]] : shape;
}

export function geometry(xShape: readonly number[], wShape: readonly number[], p: ConvParams): ConvGeometry {
  const [N, C, H, W] = lift(xShape);
  const [O, , kh, kw] = lift(wShape);
  return {
    N,
    C,
    H,
    W,
    O,
    kh,
    kw,
    OH: p.oh ?? convOutputSize(H, p.pt, p.pb, kh, p.sh, p.dh),
    OW: p.ow ?? convOutputSize(W, p.pl, p.pr, kw, p.sw, p.dw),
    sh: p.sh,
    sw: p.sw,
    ph: p.pt,
    pw: p.pl,
    dh: p.dh,
    dw: p.dw,
    groups: p.groups,
  };
}

/**
 * The values of `t` as a contiguous float array (row-major, starting at index 0): the storage itself (or a
 * view of it) when it already is one, a copy otherwise; int32 values are copied into a Float64Array.
 */
export function dense(t: Tensor): FloatArray {
  const a = t._array;
  const n = numel(t._shape);
  if ((a instanceof Float32Array || a instanceof Float64Array) && t.isContiguous()) {
    return t._offset === 0 && a.length === n ? a : a.subarray(t._offset, t._offset + n);
  }
  const c = t.contiguousArray();
  return c instanceof Float32Array || c instanceof Float64Array ? c : Float64Array.from(c);
}

/** A contiguous result of `shape`: `fill` writes it through a float array (a scratch copy for int32). */
export function produce(shape: readonly number[], like: Tensor, fill: (out: FloatArray) => void): Tensor {
  const out = uninitialized(shape, like.dtype);
  const a = out._array;
  if (a instanceof Float32Array || a instanceof Float64Array) {
    fill(a);
  } else {
    const tmp = new Float64Array(a.length);
    fill(tmp);
    a.set(tmp);
  }
  return out;
}

/** The batched convolution (4-D input) with resolved parameters; records ConvolutionBackward0. */
export function convolution(x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams): Tensor {
  const g = geometry(x._shape, w._shape, p);
  const outShape = x.ndim === 3 ? [g.N, g.O, g.OW] : [g.N, g.O, g.OH, g.OW];
  const out = produce(outShape, x, (o) =>
    getKernelBackend().conv2dForward(dense(x), dense(w), b ? dense(b) : null, g, o),
  );
  const xShape = x.shape;
  const wShape = w.shape;
  recordOp('ConvolutionBackward0', [x, w, b], out, (save, needs) => {
    const sx = save(x);
    const sw = save(w);
    return ([gy]) => [
      needs[0] && convInputGrad(gy, sw(), p, xShape, sx()),
      needs[1] && convWeightGrad(sx(), gy, p, wShape, sw()),
      needs[2] && gy.sum(gy.ndim === 3 ? [0, 2] : [0, 2, 3]),
    ];
  });
  return out;
}

/**
 * The gradient of `convolution(x, w)` with respect to x (of shape xShape), for the output gradient gy. The
 * forward input, when given, is an input of the node (with no gradient), so that the result requires grad
 * whenever it does, as in PyTorch.
 */
export function convInputGrad(
  gy: Tensor,
  w: Tensor,
  p: ConvParams,
  xShape: readonly number[],
  x: Tensor | null = null,
): Tensor {
  const g = geometry(xShape, w._shape, p);
  const gx = produce(xShape, gy, (o) => getKernelBackend().conv2dBackwardInput(dense(gy), dense(w), g, o));
  const wShape = w.shape;
  recordOp('ConvolutionBackwardBackward0', [gy, w, x], gx, (save, needs) => {
    const sgy = needs[1] ? save(gy) : null;
    const sw = needs[0] ? save(w) : null;
    // gx is linear in gy (its adjoint is the convolution) and in w.
    return ([gg]) => [sw && convolution(gg, sw(), null, p), sgy && convWeightGrad(gg, sgy(), p, wShape)];
  });
  return gx;
}

/** The gradient of `convolution(x, w)` with respect to w (of shape wShape), for the output gradient gy; `w` as in convInputGrad. */
export function convWeightGrad(
  x: Tensor,
  gy: Tensor,
  p: ConvParams,
  wShape: readonly number[],
  w: Tensor | null = null,
): Tensor {
  const g = geometry(x._shape, wShape, p);
  const gw = produce(wShape, x, (o) => getKernelBackend().conv2dBackwardWeight(dense(x), dense(gy), g, o));
  const xShape = x.shape;
  recordOp('ConvolutionBackwardBackward0', [x, gy, w], gw, (save, needs) => {
    const sx = needs[1] ? save(x) : null;
    const sgy = needs[0] ? save(gy) : null;
    return ([gg]) => [sgy && convInputGrad(sgy(), gg, p, xShape), sx && convolution(sx(), gg, null, p)];
  });
  return gw;
}
