/**
 * Activations and the softmax family (`F.relu`, `F.gelu`, `F.softmax`, ...). Each is one graph node under PyTorch's
 * name. `inplace: true` writes the result into the input (a leaf that requires grad refuses, as in PyTorch).
 */
import type { DType, Tensor } from '@kindling/core';
import * as torch from '@kindling/core';
import { isOptions } from './util.js';

export interface InplaceOptions {
  inplace?: boolean;
}

/** The result of an activation written into its input: computed from a copy, so the graph stays valid. */
function intoInput(input: Tensor, f: (x: Tensor) => Tensor): Tensor {
  return input.copy_(f(input.clone()));
}

function apply(input: Tensor, inplace: boolean | undefined, f: (x: Tensor) => Tensor): Tensor {
  return inplace ? intoInput(input, f) : f(input);
}

export function relu(input: Tensor, options: InplaceOptions = {}): Tensor {
  return options.inplace ? input.relu_() : input.relu();
}

export function relu_(input: Tensor): Tensor {
  return input.relu_();
}

export interface LeakyReluOptions extends InplaceOptions {
  negativeSlope?: number;
}

/** `F.leaky_relu(input, negative_slope=0.01, inplace=False)`. */
export function leakyRelu(
  input: Tensor,
  negativeSlope: number | LeakyReluOptions = 0.01,
  options: LeakyReluOptions = {},
): Tensor {
  const o = isOptions<LeakyReluOptions>(negativeSlope) ? negativeSlope : { ...options, negativeSlope };
  const slope = o.negativeSlope ?? 0.01;
  return apply(input, o.inplace, (x) => torch._nn.leakyRelu(x, slope));
}

export interface GeluOptions {
  approximate?: 'none' | 'tanh';
}

/** `F.gelu(input, approximate='none')`: x Φ(x), or with `approximate: 'tanh'` the tanh approximation. */
export function gelu(input: Tensor, options: GeluOptions = {}): Tensor {
  return torch._nn.gelu(input, options.approximate ?? 'none');
}

export function sigmoid(input: Tensor): Tensor {
  return input.sigmoid();
}

export function tanh(input: Tensor): Tensor {
  return input.tanh();
}

export interface EluOptions extends InplaceOptions {
  alpha?: number;
}

/** `F.elu(input, alpha=1.0, inplace=False)`. */
export function elu(input: Tensor, alpha: number | EluOptions = 1, options: EluOptions = {}): Tensor {
  const o = isOptions<EluOptions>(alpha) ? alpha : { ...options, alpha };
  const a = o.alpha ?? 1;
  return apply(input, o.inplace, (x) => torch._nn.elu(x, a));
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** `F.selu`: scale * elu(x, alpha) with the self-normalising constants. */
export function selu(input: Tensor, options: InplaceOptions = {}): Tensor {
  return apply(input, options.inplace, (x) => torch._nn.elu(x, SELU_ALPHA, SELU_SCALE));
}

/** `F.silu` (swish): x sigmoid(x). */
export function silu(input: Tensor, options: InplaceOptions = {}): Tensor {
  return apply(input, options.inplace, (x) => torch._nn.silu(x));
}

export interface SoftplusOptions {
  beta?: number;
  threshold?: number;
}

/** `F.softplus(input, beta=1, threshold=20)`. */
export function softplus(input: Tensor, beta: number | SoftplusOptions = 1, threshold = 20): Tensor {
  const o = isOptions<SoftplusOptions>(beta) ? beta : { beta, threshold };
  return torch._nn.softplus(input, o.beta ?? 1, o.threshold ?? 20);
}

export interface SoftmaxOptions {
  dim?: number;
  dtype?: DType;
}

function softmaxArgs(dim: number | SoftmaxOptions, options: SoftmaxOptions, input: Tensor): { d: number; x: Tensor } {
  const o = isOptions<SoftmaxOptions>(dim) ? dim : { ...options, dim };
  if (o.dim === undefined) throw new torch.TorchTypeError('softmax() missing required argument: dim');
  return { d: o.dim, x: o.dtype !== undefined && o.dtype !== input.dtype ? input.to(o.dtype) : input };
}

/** `F.softmax(input, dim, dtype=None)`: the input is cast to `dtype` first when given. */
export function softmax(input: Tensor, dim: number | SoftmaxOptions, options: SoftmaxOptions = {}): Tensor {
  const { d, x } = softmaxArgs(dim, options, input);
  return x.softmax(d);
}

/** `F.log_softmax(input, dim, dtype=None)`, exact for large logits. */
export function logSoftmax(input: Tensor, dim: number | SoftmaxOptions, options: SoftmaxOptions = {}): Tensor {
  const { d, x } = softmaxArgs(dim, options, input);
  return x.logSoftmax(d);
}

/** `F.celu(input, alpha=1.0, inplace=False)`: max(0, x) + min(0, α (exp(x / α) - 1)). */
export function celu(input: Tensor, alpha: number | EluOptions = 1, options: EluOptions = {}): Tensor {
  const o = isOptions<EluOptions>(alpha) ? alpha : { ...options, alpha };
  const a = o.alpha ?? 1;
  return apply(input, o.inplace, (x) => torch._nn.celu(x, a));
}

/** `F.mish(input, inplace=False)`: x tanh(softplus(x)). */
export function mish(input: Tensor, options: InplaceOptions = {}): Tensor {
  return apply(input, options.inplace, (x) => torch._nn.mish(x));
}

export interface HardtanhOptions extends InplaceOptions {
  minVal?: number;
  maxVal?: number;
}

/** `F.hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False)`: x clamped to [minVal, maxVal]. */
export function hardtanh(
  input: Tensor,
  minVal: number | HardtanhOptions = -1,
  maxVal = 1,
  options: InplaceOptions = {},
): Tensor {
  const o = isOptions<HardtanhOptions>(minVal) ? minVal : { ...options, minVal, maxVal };
  const [lo, hi] = [o.minVal ?? -1, o.maxVal ?? 1];
  return apply(input, o.inplace, (x) => torch._nn.hardtanh(x, lo, hi));
}

/** `F.relu6(input, inplace=False)`: x clamped to [0, 6] (hardtanh's node, as in PyTorch). */
export function relu6(input: Tensor, options: InplaceOptions = {}): Tensor {
  return apply(input, options.inplace, (x) => torch._nn.hardtanh(x, 0, 6));
}

/** `F.hardsigmoid(input, inplace=False)`: relu6(x + 3) / 6. */
export function hardsigmoid(input: Tensor, options: InplaceOptions = {}): Tensor {
  return apply(input, options.inplace, (x) => torch._nn.hardsigmoid(x));
}

/** `F.hardswish(input, inplace=False)`: x relu6(x + 3) / 6 (MobileNetV3's activation). */
export function hardswish(input: Tensor, options: InplaceOptions = {}): Tensor {
  return apply(input, options.inplace, (x) => torch._nn.hardswish(x));
}

/** `F.logsigmoid(input)`: log(sigmoid(x)), stable for large |x|. */
export function logsigmoid(input: Tensor): Tensor {
  return torch._nn.logSigmoid(input);
}

/** `F.threshold(input, threshold, value, inplace=False)`: x where x > threshold, else `value`. */
export function threshold(input: Tensor, thresholdValue: number, value: number, options: InplaceOptions = {}): Tensor {
  return apply(input, options.inplace, (x) => torch._nn.threshold(x, thresholdValue, value));
}

export interface ShrinkOptions {
  lambd?: number;
}

/** `F.hardshrink(input, lambd=0.5)`: x where |x| > lambd, else 0. */
export function hardshrink(input: Tensor, lambd: number | ShrinkOptions = 0.5): Tensor {
  const o = isOptions<ShrinkOptions>(lambd) ? lambd : { lambd };
  return torch._nn.hardshrink(input, o.lambd ?? 0.5);
}

/** `F.softshrink(input, lambd=0.5)`: x moved toward 0 by lambd, and 0 within it. */
export function softshrink(input: Tensor, lambd: number | ShrinkOptions = 0.5): Tensor {
  const o = isOptions<ShrinkOptions>(lambd) ? lambd : { lambd };
  return torch._nn.softshrink(input, o.lambd ?? 0.5);
}

/** `F.tanhshrink(input)`: x - tanh(x). */
export function tanhshrink(input: Tensor): Tensor {
  return input.sub(input.tanh());
}

/** `F.softsign(input)`: x / (1 + |x|). */
export function softsign(input: Tensor): Tensor {
  return input.div(input.abs().add(1));
}

/** `F.glu(input, dim=-1)`: a sigmoid(b) for the halves a, b of the input along `dim`. */
export function glu(input: Tensor, dim: number | { dim?: number } = -1): Tensor {
  const o = isOptions<{ dim?: number }>(dim) ? dim : { dim };
  return torch._nn.glu(input, o.dim ?? -1);
}

/** `F.softmin(input, dim, dtype=None)`: softmax of `-input` along `dim`. */
export function softmin(input: Tensor, dim: number | SoftmaxOptions, options: SoftmaxOptions = {}): Tensor {
  const { d, x } = softmaxArgs(dim, options, input);
  return x.neg().softmax(d);
}

/** `F.prelu(input, weight)`: x where x > 0, else weight · x (one weight, or one per channel of dim 1). */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  return torch._nn.prelu(input, weight);
}

export interface GumbelSoftmaxOptions {
  /** The temperature (default 1). */
  tau?: number;
  /** Whether the result is one-hot (its gradient the soft sample's: the straight-through estimator; default false). */
  hard?: boolean;
  /** The dim the categories lie along (default -1). */
  dim?: number;
  /** Deprecated and unused, as in PyTorch. */
  eps?: number;
  /** The source of the Gumbel noise; the default generator otherwise. */
  generator?: torch.Generator;
}

/**
 * `F.gumbel_softmax(logits, tau=1, hard=False, dim=-1)`: a sample from the Gumbel-softmax distribution, softmax((logits
 * + g) / τ) with Gumbel noise g; with `hard`, the one-hot of its argmax carrying the soft sample's gradient.
 */
export function gumbelSoftmax(logits: Tensor, options: GumbelSoftmaxOptions = {}): Tensor {
  const { tau = 1, hard = false, dim = -1 } = options;
  const gumbels = torch.emptyLike(logits).exponential_(1, { generator: options.generator }).log().neg();
  const ySoft = logits.add(gumbels).div(tau).softmax(dim);
  if (!hard) return ySoft;
  const index = ySoft.argmax(dim, { keepdim: true });
  const yHard = torch.zerosLike(logits).scatter(dim, index, 1);
  return yHard.sub(ySoft.detach()).add(ySoft);
}
