/**
 * Batch and layer normalisation (torch.batch_norm, torch.layer_norm), each one node under PyTorch's name. The
 * forwards and plain backwards run on the backend's fused kernels (kernels/norm.ts); a backward that is itself
 * recorded (createGraph) is written with tensor ops, so it can be differentiated again.
 */
import { RuntimeError, IndexError } from '../errors.js';
import { formatShape } from '../shape.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { checkFloat, empty, uninitialized } from './util.js';
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import { groupNormBackward, groupNormOutput } from '../kernels/group-norm.js';

/** Whether the fused kernels take these: float32/float64 of one dtype; the vectors contiguous (the input is made so). */
function onKernel(input: Tensor, vectors: readonly (Tensor | null)[]): boolean {
  if (input.dtype !== 'float32' && input.dtype !== 'float64') return false;
  return vectors.every((t) => t === null || (t.dtype === input.dtype && t.isContiguous()));
}

/** A contiguous tensor's elements as a float array view. */
function span(t: Tensor): FloatArray {
  return t._array.subarray(t._offset, t._offset + t.numel()) as FloatArray;
}

function spanOrNull(t: Tensor | null): FloatArray | null {
  return t === null ? null : span(t);
}

/**
 * A norm's gradients from its backend kernel (`run`, given the arrays): the input's, and the weight's and bias's
 * (of `paramShape`) where they are needed.
 */
function kernelGrads(
  g: Tensor,
  x: Tensor,
  weight: Tensor | null,
  paramShape: readonly number[],
  needs: readonly boolean[],
  run: (
    gy: FloatArray,
    x: FloatArray,
    w: FloatArray | null,
    gx: FloatArray,
    gw: FloatArray | null,
    gb: FloatArray | null,
  ) => void,
): [Tensor | false, Tensor | null, Tensor | null] {
  const gx = uninitialized(x._shape, x.dtype);
  const gw = needs[1] ? empty(paramShape, x.dtype) : null;
  const gb = needs[2] ? empty(paramShape, x.dtype) : null;
  run(span(g.contiguous()), span(x.contiguous()), spanOrNull(weight), span(gx), spanOrNull(gw), spanOrNull(gb));
  return [needs[0] && gx, gw, gb];
}

/** The shape that lines a per-channel vector up with dim 1 of an n-d input. */
function channelShape(ndim: number, c: number): number[] {
  return Array.from({ length: ndim }, (_, d) => (d === 1 ? c : 1));
}

function checkChannelVector(t: Tensor | null, name: string, c: number): void {
  if (t !== null && t.numel() !== c) throw new RuntimeError(`${name} should contain ${c} elements not ${t.numel()}`);
}

/**
 * torch.batch_norm over dim 1 of an (N, C, *) input. Training normalises with the batch's biased variance and,
 * when running statistics are given, updates them in place (momentum, unbiased variance, in double precision as
 * PyTorch's CPU kernel does); evaluation normalises with the running statistics.
 */
export function batchNorm(
  input: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  training: boolean,
  momentum: number,
  eps: number,
): Tensor {
  checkFloat(input, 'batch_norm');
  const c = input.ndim > 1 ? input.shape[1] : 0;
  if (input.ndim < 2 && runningMean === null && runningVar === null && training) {
    throw new IndexError(`Dimension out of range (expected to be in range of [-1, 0], but got 1)`);
  }
  checkChannelVector(runningMean, 'running_mean', c);
  checkChannelVector(runningVar, 'running_var', c);
  checkChannelVector(weight, 'weight', c);
  checkChannelVector(bias, 'bias', c);
  if (!training && (runningMean === null || runningVar === null)) {
    throw new RuntimeError(
      `${runningMean === null ? 'running_mean' : 'running_var'} must be defined in evaluation mode`,
    );
  }
  const dims = [0, ...Array.from({ length: input.ndim - 2 }, (_, i) => i + 2)];
  const cs = channelShape(input.ndim, c);
  const dtype = input.dtype;
  const fused = input.ndim >= 2 && onKernel(input, [weight, bias, runningMean, runningVar]);
  const N = input.ndim >= 2 ? input.shape[0] : 0;
  const HW = input.numel() / Math.max(N * c, 1);
  let mean: Tensor;
  let invstd: Tensor;
  const out = fused ? uninitialized(input._shape, dtype) : null;
  if (out !== null) {
    mean = empty([c], dtype);
    invstd = empty([c], dtype);
    getKernelBackend().batchNormForward(
      span(input.contiguous()),
      N,
      c,
      HW,
      spanOrNull(weight),
      spanOrNull(bias),
      spanOrNull(runningMean),
      spanOrNull(runningVar),
      training,
      momentum,
      eps,
      span(out),
      span(mean),
      span(invstd),
    );
    if (training) for (const t of [runningMean, runningVar]) t?._version.bump();
  }
  const result =
    out ??
    noGrad(() => {
      if (training) {
        const xd = input.to('float64');
        const meanD = xd.mean(dims);
        const varD = xd.var(dims, { correction: 0 });
        mean = meanD.to(dtype);
        invstd = varD.add(eps).rsqrt().to(dtype);
        const n = input.numel() / Math.max(c, 1);
        if (runningMean !== null)
          runningMean.copy_(meanD.mul(momentum).add(runningMean.to('float64').mul(1 - momentum)));
        if (runningVar !== null)
          runningVar.copy_(
            varD
              .mul(n / (n - 1))
              .mul(momentum)
              .add(runningVar.to('float64').mul(1 - momentum)),
          );
      } else {
        mean = (runningMean as Tensor).to(dtype).clone();
        invstd = (runningVar as Tensor).to(dtype).add(eps).sqrt().reciprocal();
      }
      // out = x * alpha + beta with alpha = invstd * weight and beta = bias - mean * alpha, as PyTorch's kernel.
      const alpha = weight === null ? invstd : invstd.mul(weight.reshape(c));
      const shift = mean.mul(alpha).neg();
      const beta = bias === null ? shift : bias.reshape(c).add(shift);
      return input.mul(alpha.reshape(cs)).add(beta.reshape(cs));
    });
  const n = input.numel() / Math.max(c, 1);
  recordOp('NativeBatchNormBackward0', [input, weight, bias], result, (save, needs) => {
    const sx = save(input);
    const sw = weight !== null ? save(weight) : null;
    const savedMean = mean.reshape(cs);
    const savedInvstd = invstd.reshape(cs);
    return ([g]) => {
      const x = sx();
      if (fused && !isGradEnabled()) {
        // PyTorch's backward in evaluation mode takes invstd = 1 / sqrt(runningVar + eps) in double.
        const is = training ? invstd : noGrad(() => (runningVar as Tensor).to('float64').add(eps).rsqrt().to(dtype));
        return kernelGrads(g, x, sw ? sw() : null, [c], needs, (gy, xs, w, gx, gw, gb) =>
          getKernelBackend().batchNormBackward(gy, xs, N, c, HW, w, span(mean), span(is), training, gx, gw, gb),
        );
      }
      const w = sw ? sw().reshape(cs) : null;
      // Under createGraph the batch statistics are recomputed from x, so that they are differentiated too.
      const differentiable = training && isGradEnabled();
      const mu = differentiable ? x.mean(dims, { keepdim: true }) : savedMean;
      const is = differentiable ? x.var(dims, { correction: 0, keepdim: true }).add(eps).rsqrt() : savedInvstd;
      const xhat = x.sub(mu).mul(is);
      const gSum = g.sum(dims, { keepdim: true });
      const gxSum = g.mul(xhat).sum(dims, { keepdim: true });
      let gradInput: Tensor | null = null;
      if (needs[0]) {
        const scale = w ? is.mul(w) : is;
        // Training: (invstd w) (g - mean(g) - xhat mean(g xhat)); evaluation: the statistics are constants.
        gradInput = training
          ? g
              .sub(gSum.div(n))
              .sub(xhat.mul(gxSum.div(n)))
              .mul(scale)
          : g.mul(scale);
      }
      return [gradInput, needs[1] && gxSum.reshape(c), needs[2] && gSum.reshape(c)];
    };
  });
  return result;
}

/** torch.layer_norm over the trailing dims named by normalizedShape. */
export function layerNorm(
  input: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null,
  bias: Tensor | null,
  eps = 1e-5,
): Tensor {
  const k = normalizedShape.length;
  const shapeText = formatShape(normalizedShape);
  if (k === 0) {
    throw new RuntimeError(
      `Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = ${shapeText}`,
    );
  }
  for (const [t, name] of [
    [weight, 'weight'],
    [bias, 'bias'],
  ] as const) {
    if (t !== null && (t.ndim !== k || t.shape.some((s, i) => s !== normalizedShape[i]))) {
      throw new RuntimeError(
        `Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${formatShape(t.shape)} and normalized_shape = ${shapeText}`,
      );
    }
  }
  const tail = input.shape.slice(input.ndim - k);
  if (input.ndim < k || tail.some((s, i) => s !== normalizedShape[i])) {
    throw new RuntimeError(
      `Given normalized_shape=${shapeText}, expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size${formatShape(input.shape)}`,
    );
  }
  checkFloat(input, 'LayerNormKernelImpl');
  const dims = Array.from({ length: k }, (_, i) => input.ndim - k + i);
  const batchDims = Array.from({ length: input.ndim - k }, (_, i) => i);
  const m = normalizedShape.reduce((a, b) => a * b, 1);
  const fused = onKernel(input, [weight, bias]);
  const rows = input.numel() / Math.max(m, 1);
  let mean: Tensor;
  let rstd: Tensor;
  const statShape = [...input.shape.slice(0, input.ndim - k), ...normalizedShape.map(() => 1)];
  const out = fused ? uninitialized(input._shape, input.dtype) : null;
  if (out !== null) {
    mean = empty(statShape, input.dtype);
    rstd = empty(statShape, input.dtype);
    getKernelBackend().layerNormForward(
      span(input.contiguous()),
      rows,
      m,
      spanOrNull(weight),
      spanOrNull(bias),
      eps,
      span(out),
      span(mean),
      span(rstd),
    );
  }
  const result =
    out ??
    noGrad(() => {
      const xd = input.to('float64');
      const meanD = xd.mean(dims, { keepdim: true });
      const rstdD = xd.var(dims, { correction: 0, keepdim: true }).add(eps).rsqrt();
      mean = meanD.to(input.dtype);
      rstd = rstdD.to(input.dtype);
      let y = xd.sub(meanD).mul(rstdD).to(input.dtype);
      if (weight !== null) y = y.mul(weight);
      if (bias !== null) y = y.add(bias);
      return y;
    });
  recordOp('NativeLayerNormBackward0', [input, weight, bias], result, (save, needs) => {
    const sx = save(input);
    const sw = weight !== null ? save(weight) : null;
    const [savedMean, savedRstd] = [mean, rstd];
    return ([g]) => {
      const x = sx();
      if (fused && !isGradEnabled()) {
        return kernelGrads(g, x, sw ? sw() : null, normalizedShape, needs, (gy, xs, w, gx, gw, gb) =>
          getKernelBackend().layerNormBackward(gy, xs, rows, m, w, span(savedMean), span(savedRstd), gx, gw, gb),
        );
      }
      // Under createGraph the statistics are recomputed from x, so that they are differentiated too.
      const differentiable = isGradEnabled();
      const mu = differentiable ? x.mean(dims, { keepdim: true }) : savedMean;
      const rs = differentiable ? x.var(dims, { correction: 0, keepdim: true }).add(eps).rsqrt() : savedRstd;
      const xhat = x.sub(mu).mul(rs);
      let gradInput: Tensor | null = null;
      if (needs[0]) {
        const gw = sw ? g.mul(sw()) : g;
        const gwSum = gw.sum(dims, { keepdim: true });
        const gwxSum = gw.mul(xhat).sum(dims, { keepdim: true });
        gradInput = gw
          .sub(gwSum.div(m))
          .sub(xhat.mul(gwxSum.div(m)))
          .mul(rs);
      }
      const reduceBatch = (t: Tensor): Tensor => (batchDims.length === 0 ? t : t.sum(batchDims));
      return [gradInput, needs[1] && reduceBatch(g.mul(xhat)), needs[2] && reduceBatch(g)];
    };
  });
  return result;
}

/**
 * Group normalisation: the channels of (N, C, *) split into `numGroups` groups, each (sample, group) normalised by
 * its own mean and biased variance, then scaled and shifted per channel by `weight` and `bias`
 * (`NativeGroupNormBackward0`).
 */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  weight: Tensor | null,
  bias: Tensor | null,
  eps = 1e-5,
): Tensor {
  if (input.ndim < 2)
    throw new RuntimeError(`Expected at least 2 dimensions for input tensor but received ${input.ndim}`);
  const [n, c] = input.shape;
  if (c % numGroups !== 0) {
    throw new RuntimeError(
      `Expected number of channels in input to be divisible by num_groups, but got input of shape ${formatShape(input.shape)} and num_groups=${numGroups}`,
    );
  }
  for (const [t, name] of [
    [weight, 'weight'],
    [bias, 'bias'],
  ] as const) {
    if (t !== null && (t.ndim !== 1 || t.shape[0] !== c)) {
      throw new RuntimeError(
        `Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${formatShape(t.shape)} and input of shape ${formatShape(input.shape)}`,
      );
    }
  }
  checkFloat(input, 'GroupNormKernelImpl');
  const inShape = input.shape;
  const grouped = [n, numGroups, -1];
  const channelShape = inShape.map((s, d) => (d === 1 ? s : 1));
  const affine = (y: Tensor, w: Tensor | null, b: Tensor | null): Tensor => {
    const scaled = w === null ? y : y.mul(w.reshape(channelShape));
    return b === null ? scaled : scaled.add(b.reshape(channelShape));
  };
  const hw = inShape.slice(2).reduce((a, b) => a * b, 1);
  const fused = onKernel(input, [weight, bias]) ? kernelGroupNorm(input, n, c, hw, numGroups, weight, bias, eps) : null;
  const result =
    fused?.out ??
    noGrad(() => {
      const xd = input.to('float64').reshape(grouped);
      const mean = xd.mean(2, { keepdim: true });
      const rstd = xd.var(2, { correction: 0, keepdim: true }).add(eps).rsqrt();
      return affine(xd.sub(mean).mul(rstd).reshape(inShape).to(input.dtype), weight, bias);
    });
  const spatial = inShape.map((_, d) => d).filter((d) => d !== 1);
  recordOp('NativeGroupNormBackward0', [input, weight, bias], result, (save, needs) => {
    const sx = save(input);
    const sw = weight !== null ? save(weight) : null;
    return ([g]) => {
      if (fused !== null && !isGradEnabled()) {
        const { mean, rstd } = fused;
        return kernelGrads(g, sx(), sw ? sw() : null, [c], needs, (gy, xs, w, gx, gw, gb) =>
          groupNormBackward(gy, xs, n, c, hw, numGroups, w, mean, rstd, gx, gw, gb),
        );
      }
      // Under createGraph (or for mixed dtypes) the tensor ops', the statistics recomputed so that they are
      // differentiated too.
      const x = sx().reshape(grouped);
      const rs = x.var(2, { correction: 0, keepdim: true }).add(eps).rsqrt();
      const xhat = x.sub(x.mean(2, { keepdim: true })).mul(rs);
      let gradInput: Tensor | null = null;
      if (needs[0]) {
        const gw = (sw ? g.mul(sw().reshape(channelShape)) : g).reshape(grouped);
        gradInput = gw
          .sub(gw.mean(2, { keepdim: true }))
          .sub(xhat.mul(gw.mul(xhat).mean(2, { keepdim: true })))
          .mul(rs)
          .reshape(inShape);
      }
      const gxhat = needs[1] ? g.mul(xhat.reshape(inShape)).sum(spatial) : null;
      return [gradInput, gxhat, needs[2] && g.sum(spatial)];
    };
  });
  return result;
}

/**
 * Group norm's forward as PyTorch's kernel computes it: layer norm's statistics over each (sample, group), from the
 * backend (whose output the group norm's then replaces), and the output from kernels/group-norm.ts. Returns the
 * output and the statistics, which the backward kernel takes.
 */
function kernelGroupNorm(
  input: Tensor,
  n: number,
  c: number,
  hw: number,
  groups: number,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): { out: Tensor; mean: FloatArray; rstd: FloatArray } {
  const x = span(input.contiguous());
  const out = uninitialized(input._shape, input.dtype);
  const [mean, rstd] = [0, 1].map(() => span(empty([n * groups], input.dtype)));
  const rows = n * groups;
  getKernelBackend().layerNormForward(
    x,
    rows,
    groups === 0 ? 0 : (c / groups) * hw,
    null,
    null,
    eps,
    span(out),
    mean,
    rstd,
  );
  groupNormOutput(x, n, c, hw, groups, spanOrNull(weight), spanOrNull(bias), mean, rstd, span(out));
  return { out, mean, rstd };
}
