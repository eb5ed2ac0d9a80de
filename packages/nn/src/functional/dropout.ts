/**
 * `F.dropout`: zeroes elements with probability p and scales the rest by 1 / (1 - p), in training only; `F.dropout1d`
 * and `F.dropout2d` zero whole channels; `F.alpha_dropout` and `F.feature_alpha_dropout` keep a SELU network's
 * self-normalising mean and variance.
 */
import type { Tensor } from '@kindling/core';
import * as torch from '@kindling/core';
import { isOptions } from './util.js';

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
  /** The source of the mask; the default generator (seeded by `torch.manualSeed`) otherwise. */
  generator?: torch.Generator;
}

/**
 * `F.dropout(input, p=0.5, training=True, inplace=False)`. The mask is drawn with `bernoulli_(1 - p)` and divided
 * by 1 - p; the result is `input * mask` (so the gradient is masked and scaled the same way). When not training,
 * or when p is 0, the input itself is returned.
 */
export function dropout(input: Tensor, p: number | DropoutOptions = 0.5, options: DropoutOptions = {}): Tensor {
  return masked(input, resolve(p, options), input.shape);
}

function resolve(p: number | DropoutOptions, options: DropoutOptions): DropoutOptions {
  const o: DropoutOptions = isOptions<DropoutOptions>(p) ? p : { ...options, p };
  const prob = o.p ?? 0.5;
  if (!(prob >= 0 && prob <= 1))
    throw new torch.ValueError(`dropout probability has to be between 0 and 1, but got ${prob}`);
  return { ...o, p: prob };
}

/** `input * mask`, the mask of `maskShape` (broadcast over the input) kept with probability 1 - p and scaled by 1 / (1 - p). */
function masked(input: Tensor, o: DropoutOptions, maskShape: readonly number[]): Tensor {
  const prob = o.p ?? 0.5;
  const training = o.training ?? true;
  if (prob === 0 || !training || input.numel() === 0) return input;
  const mask =
    prob === 1
      ? torch.zeros([], { dtype: input.dtype })
      : torch
          .empty([...maskShape], { dtype: input.dtype })
          .bernoulli_(1 - prob, { generator: o.generator })
          .div_(1 - prob);
  return o.inplace ? input.mul_(mask) : input.mul(mask);
}

/** PyTorch's feature dropout: one mask value per (batch, channel), broadcast over the rest. */
function featureDropout(input: Tensor, o: DropoutOptions): Tensor {
  if (input.ndim < 2) throw new torch.RuntimeError('Feature dropout requires at least 2 dimensions in the input');
  return masked(
    input,
    o,
    input.shape.map((n, d) => (d < 2 ? n : 1)),
  );
}

/**
 * `F.dropout1d(input, p=0.5, training=True, inplace=False)`: whole channels of (N, C, L) (or unbatched (C, L))
 * zeroed with probability p, the rest scaled by 1 / (1 - p).
 */
export function dropout1d(input: Tensor, p: number | DropoutOptions = 0.5, options: DropoutOptions = {}): Tensor {
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new torch.RuntimeError(
      `dropout1d: Expected 2D or 3D input, but received a ${input.ndim}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`,
    );
  }
  const o = resolve(p, options);
  if (input.ndim === 3) return featureDropout(input, o);
  // Unbatched: the batch dim added for the mask, and taken away again (in place, the input's own storage).
  const out = featureDropout(input.unsqueeze(0), o).squeeze(0);
  return o.inplace ? input : out;
}

/**
 * `F.dropout2d(input, p=0.5, training=True, inplace=False)`: whole channels of (N, C, H, W) zeroed with
 * probability p, the rest scaled by 1 / (1 - p). A 3-D input is (N, C, L), with PyTorch 1.13's warning.
 */
export function dropout2d(input: Tensor, p: number | DropoutOptions = 0.5, options: DropoutOptions = {}): Tensor {
  if (input.ndim !== 3 && input.ndim !== 4) {
    torch.warnOnce(
      `dropout2d: Received a ${input.ndim}-D input to dropout2d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).`,
    );
  }
  if (input.ndim === 3) {
    torch.warnOnce(
      'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.',
    );
  }
  return featureDropout(input, resolve(p, options));
}

/** SELU's α: where alpha dropout sends the dropped values (the negative saturation of SELU). */
const SELU_ALPHA = 1.7580993408473766;

/**
 * PyTorch's alpha dropout (`_dropout_impl` with `alpha_dropout`): dropped values set to SELU's negative saturation,
 * then an affine map a·x + b that keeps the mean and variance; the noise of `noiseShape` broadcast over the input.
 */
function alphaMasked(input: Tensor, o: DropoutOptions, noiseShape: readonly number[]): Tensor {
  const prob = o.p ?? 0.5;
  if (prob === 0 || !(o.training ?? false) || input.numel() === 0) return input;
  if (prob === 1) return input.mul(torch.zeros([], { dtype: input.dtype }));
  const noise = torch.empty([...noiseShape], { dtype: input.dtype }).bernoulli_(1 - prob, { generator: o.generator });
  const a = 1 / Math.sqrt((SELU_ALPHA * SELU_ALPHA * prob + 1) * (1 - prob));
  const b = noise
    .add(-1)
    .mul_(SELU_ALPHA * a)
    .add_(SELU_ALPHA * a * prob);
  noise.mul_(a);
  return (o.inplace ? input.mul_(noise) : input.mul(noise)).add_(b);
}

/**
 * `F.alpha_dropout(input, p=0.5, training=False, inplace=False)`: dropout for SELU networks; the output keeps the
 * input's mean and variance (training defaults to false here, as in PyTorch).
 */
export function alphaDropout(input: Tensor, p: number | DropoutOptions = 0.5, options: DropoutOptions = {}): Tensor {
  return alphaMasked(input, resolve(p, options), input.shape);
}

/** `F.feature_alpha_dropout(input, p=0.5, training=False, inplace=False)`: alpha dropout of whole channels. */
export function featureAlphaDropout(
  input: Tensor,
  p: number | DropoutOptions = 0.5,
  options: DropoutOptions = {},
): Tensor {
  if (input.ndim < 2) throw new torch.RuntimeError('Feature dropout requires at least 2 dimensions in the input');
  return alphaMasked(
    input,
    resolve(p, options),
    input.shape.map((n, d) => (d < 2 ? n : 1)),
  );
}
