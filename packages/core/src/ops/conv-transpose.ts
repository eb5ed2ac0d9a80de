/**
 * Transposed 2-D and 1-D convolution (`torch.conv_transpose2d`, `F.conv_transpose1d`): the adjoint of a
 * convolution, so its forward is a convolution's input-gradient product and its backward the convolution itself
 * (for the input) and the convolution's weight gradient with input and output exchanged (for the weight). Recorded
 * as PyTorch records it, one `ConvolutionBackward0`, whose backward is made of those differentiable products, so
 * gradients of gradients work.
 */
import { RuntimeError, TorchTypeError } from '../errors.js';
import { getKernelBackend } from '../kernels/registry.js';
import { recordOp } from '../autograd/record.js';
import { Tensor } from '../tensor.js';
import {
  type ConvParams,
  type Size2,
  checkDTypes,
  convFunction,
  convWeightGrad,
  convolution,
  dense,
  geometry,
  heightOne,
  intList,
  produce,
} from './conv.js';

/** conv_transpose2d's options, by PyTorch's keyword names. */
export interface ConvTranspose2dOptions {
  bias?: Tensor | null;
  stride?: Size2;
  /** Rows and columns taken off each side of the full output (default 0). */
  padding?: Size2;
  /** Rows and columns added to the bottom and right of the output, to reach a size a stride skips (default 0). */
  outputPadding?: Size2;
  groups?: number;
  dilation?: Size2;
}

/** conv_transpose1d's options: as conv_transpose2d's, each size one number (or a one-element list). */
export interface ConvTranspose1dOptions {
  bias?: Tensor | null;
  stride?: number | readonly number[];
  padding?: number | readonly number[];
  outputPadding?: number | readonly number[];
  groups?: number;
  dilation?: number | readonly number[];
}

const OPTION_NAMES = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;

/**
 * `conv_transpose2d(input, weight, bias?, { stride, padding, outputPadding, groups, dilation })` over (N, C, H, W)
 * or unbatched (C, H, W) input with a (C, O/groups, kH, kW) weight: the output is (N, O, (H − 1)·stride − 2·padding +
 * dilation·(kH − 1) + outputPadding + 1, ...). Called from JavaScript, the options may come positionally in
 * PyTorch's order: `convTranspose2d(x, w, b, 2, 1, 1)`.
 */
export const convTranspose2d = convFunction<ConvTranspose2dOptions>(
  'conv_transpose2d',
  OPTION_NAMES,
  3,
  (x, weight, b, opts) => {
    const sizes = (name: string, v: Size2 | undefined, fill: number): number[] => {
      if (typeof v === 'string') {
        throw new TorchTypeError(`conv_transpose2d(): argument '${name}' must be tuple of ints, not str`);
      }
      return intList(name, v ?? fill, weight.ndim - 2);
    };
    return transposedConvolution(x, weight, b, {
      stride: sizes('stride', opts.stride, 1),
      padding: sizes('padding', opts.padding, 0),
      outputPadding: sizes('output_padding', opts.outputPadding, 0),
      dilation: sizes('dilation', opts.dilation, 1),
      groups: opts.groups ?? 1,
    });
  },
);

/**
 * `conv_transpose1d(input, weight, bias?, { stride, padding, outputPadding, groups, dilation })` over (N, C, L) or
 * (C, L) with a (C, O/groups, K) weight: the 2-D one with a height of 1, recorded on the 1-D tensors.
 */
export const convTranspose1d = convFunction<ConvTranspose1dOptions>(
  'conv_transpose1d',
  OPTION_NAMES,
  2,
  (x, weight, b, opts) =>
    transposedConvolution(x, weight, b, {
      stride: heightOne('stride', opts.stride ?? 1, 1),
      padding: heightOne('padding', opts.padding ?? 0, 0),
      outputPadding: heightOne('output_padding', opts.outputPadding ?? 0, 0),
      dilation: heightOne('dilation', opts.dilation ?? 1, 1),
      groups: opts.groups ?? 1,
    }),
);

interface TransposedSizes {
  stride: number[];
  padding: number[];
  outputPadding: number[];
  dilation: number[];
  groups: number;
}

/** A 1-D shape (N, C, L) or (C, O, K) as the 2-D one with a height of 1. */
function lift(shape: readonly number[]): readonly number[] {
  return shape.length === 3 ? [shape[0], shape[1], 1, shape[2]] : shape;
}

/** Checks the arguments in PyTorch's order, with its messages; the convolution this is the adjoint of. */
function adjointParams(x: Tensor, w: Tensor, b: Tensor | null, s: TransposedSizes): [ConvParams, number[]] {
  const wDesc = `[${w._shape.join(', ')}]`;
  const [sh, sw] = s.stride;
  const [ph, pw] = s.padding;
  const [oph, opw] = s.outputPadding;
  const [dh, dw] = s.dilation;
  const { groups } = s;
  if (!Number.isInteger(groups))
    throw new TorchTypeError(`conv_transpose2d(): argument 'groups' must be int, but got ${String(groups)}`);
  if (groups <= 0) throw new RuntimeError('non-positive groups is not supported');
  if (ph < 0 || pw < 0) throw new RuntimeError('negative padding is not supported');
  if (oph < 0 || opw < 0) throw new RuntimeError('negative output_padding is not supported');
  if (sh <= 0 || sw <= 0) throw new RuntimeError('non-positive stride is not supported');
  if (dh <= 0 || dw <= 0) throw new RuntimeError(`dilation should be greater than zero, but got [${dh}, ${dw}]`);
  const [N, C, H, W] = lift(x._shape);
  const [wc, wo, kh, kw] = lift(w._shape);
  if (wc % groups !== 0) {
    throw new RuntimeError(
      `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${wDesc}] instead`,
    );
  }
  if (C !== wc) {
    throw new RuntimeError(
      `Given transposed=1, weight of size ${wDesc}, expected input[${x._shape.join(', ')}] to have ${wc} channels, but got ${C} channels instead`,
    );
  }
  const O = wo * groups;
  if (b !== null && (b.ndim !== 1 || b._shape[0] !== O)) {
    throw new RuntimeError(
      `Given transposed=1, weight of size ${wDesc}, expected bias to be 1-dimensional with ${O} elements, but got bias of size [${b._shape.join(', ')}] instead`,
    );
  }
  if ((oph >= sh && oph >= dh) || (opw >= sw && opw >= dw)) {
    throw new RuntimeError(
      `output padding must be smaller than either stride or dilation, but got output_padding_height: ${oph} output_padding_width: ${opw} stride_height: ${sh} stride_width: ${sw} dilation_height: ${dh} dilation_width: ${dw}`,
    );
  }
  const OH = (H - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
  const OW = (W - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
  if (OH < 1 || OW < 1) {
    throw new RuntimeError(
      `Given input size per channel: (${H} x ${W}). Calculated output size per channel: (${OH} x ${OW}). Output size is too small`,
    );
  }
  const params = { sh, sw, pt: ph, pb: ph, pl: pw, pr: pw, dh, dw, groups, oh: H, ow: W };
  const outShape = x.ndim === 3 ? [N, O, OW] : [N, O, OH, OW];
  return [params, outShape];
}

/** The batched transposed convolution; records ConvolutionBackward0 on x, w and b. */
function transposedConvolution(x: Tensor, w: Tensor, b: Tensor | null, sizes: TransposedSizes): Tensor {
  if (w.ndim !== x.ndim) {
    throw new RuntimeError(
      `Expected ${w.ndim}-dimensional input for ${w.ndim}-dimensional weight ${`[${w._shape.join(', ')}]`}, but got ${x.ndim}-dimensional input of size [${x._shape.join(', ')}] instead`,
    );
  }
  const [p, outShape] = adjointParams(x, w, b, sizes);
  checkDTypes(x, w, b);
  // The convolution this is the adjoint of maps the output's shape to x's.
  const g = geometry(outShape, w._shape, p);
  const out = produce(outShape, x, (o) => {
    getKernelBackend().conv2dBackwardInput(dense(x), dense(w), g, o);
    if (b !== null) addBias(o, dense(b), g.N, g.C, g.H * g.W);
  });
  const wShape = w.shape;
  recordOp('ConvolutionBackward0', [x, w, b], out, (save, needs) => {
    const sx = save(x);
    const sw = save(w);
    return ([gy]) => [
      needs[0] && convolution(gy, sw(), null, p),
      needs[1] && convWeightGrad(gy, sx(), p, wShape),
      needs[2] && gy.sum(gy.ndim === 3 ? [0, 2] : [0, 2, 3]),
    ];
  });
  return out;
}

/** o[n, c, :] += b[c] over planes of `size`. */
function addBias(
  o: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  N: number,
  C: number,
  size: number,
): void {
  for (let n = 0, at = 0; n < N; n++) {
    for (let c = 0; c < C; c++, at += size) {
      const v = b[c];
      for (let i = at; i < at + size; i++) o[i] += v;
    }
  }
}
