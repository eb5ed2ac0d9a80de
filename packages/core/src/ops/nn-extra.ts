/**
 * The nn building blocks PyTorch implements as single ATen ops (what `torch._C._nn` and `torch.batch_norm` reach):
 * activations, addmm for linear layers, batch and layer normalisation, and embedding. Each records one node under
 * PyTorch's name. Forwards run on detached inputs (elementwise ones in double precision, rounded once); backwards
 * are written with tensor ops, so they are differentiable again (double backward) like every core op.
 */
import { isFloatingPoint, scalarTypeName } from '../dtype.js';
import { IndexError, RuntimeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { erfScalar, unaryForward } from './unary.js';
import { where } from './binary.js';
import { empty } from './util.js';
import { cat } from './join.js';
import { full } from '../creation.js';

/** A result computed under noGrad as a tensor of its own (not a view), so in-place ops on it are recorded normally. */
export function own(t: Tensor): Tensor {
  return t._base === null ? t : t.clone();
}

function checkFloat(x: Tensor, kernel: string): void {
  if (!isFloatingPoint(x.dtype)) throw new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(x.dtype)}'`);
}

/** PyTorch's refusal of a gradient it does not define (raised at the call, and only while grad mode is on). */
export function checkNoRequiresGrad(t: Tensor | null | undefined, arg: string, fn: string): void {
  if (t && t.requiresGrad && isGradEnabled()) {
    throw new RuntimeError(`The function '${fn}' is not differentiable with respect to argument '${arg}'. This input cannot have requires_grad True.`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Activations
// ---------------------------------------------------------------------------------------------------------------

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const GELU_BETA = Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5;
const GELU_KAPPA = 0.044715;

/** gelu(x) = x Φ(x), or its tanh approximation. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') throw new RuntimeError('approximate argument must be either none or tanh.');
  checkFloat(x, 'GeluKernelImpl');
  const tanhForm = approximate === 'tanh';
  const out = unaryForward(
    x,
    tanhForm ? (v) => 0.5 * v * (1 + Math.tanh(GELU_BETA * (v + GELU_KAPPA * v * v * v))) : (v) => 0.5 * v * (1 + erfScalar(v * SQRT1_2)),
    true,
  );
  recordOp('GeluBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => {
      const v = sx();
      if (!tanhForm) {
        const cdf = v.mul(SQRT1_2).erf().add(1).mul(0.5);
        const pdf = v.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
        return [g.mul(cdf.add(v.mul(pdf)))];
      }
      const t = v.add(v.pow(3).mul(GELU_KAPPA)).mul(GELU_BETA).tanh();
      const left = t.add(1).mul(0.5);
      const right = v.mul(0.5).mul(t.square().neg().add(1)).mul(v.square().mul(3 * GELU_KAPPA).add(1).mul(GELU_BETA));
      return [g.mul(left.add(right))];
    };
  });
  return out;
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkFloat(x, 'leaky_relu_cpu');
  const out = unaryForward(x, (v) => (v > 0 ? v : v * negativeSlope), true);
  recordOp('LeakyReluBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => [where(sx().gt(0), g, g.mul(negativeSlope))];
  });
  return out;
}

/** elu (and selu/celu through scale and inputScale): x > 0 ? scale x : scale α (exp(inputScale x) - 1). */
export function elu(x: Tensor, alpha = 1, scale = 1, inputScale = 1): Tensor {
  checkFloat(x, 'elu_cpu');
  const out = unaryForward(x, (v) => (v > 0 ? v * scale : alpha * scale * Math.expm1(v * inputScale)), true);
  recordOp('EluBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => {
      const v = sx();
      return [where(v.gt(0), g.mul(scale), g.mul(v.mul(inputScale).exp()).mul(alpha * scale * inputScale))];
    };
  });
  return out;
}

/** silu(x) = x sigmoid(x). */
export function silu(x: Tensor): Tensor {
  checkFloat(x, 'silu_cpu');
  const out = unaryForward(x, (v) => v / (1 + Math.exp(-v)), true);
  recordOp('SiluBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => {
      const v = sx();
      const s = v.sigmoid();
      return [g.mul(s).mul(v.mul(s.neg().add(1)).add(1))];
    };
  });
  return out;
}

/** softplus(x) = log(1 + exp(βx)) / β, and x itself where βx > threshold. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkFloat(x, 'softplus_cpu');
  const out = unaryForward(x, (v) => (v * beta > threshold ? v : Math.log1p(Math.exp(v * beta)) / beta), true);
  recordOp('SoftplusBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => {
      const bx = sx().mul(beta);
      return [where(bx.gt(threshold), g, g.mul(bx.sigmoid()))];
    };
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// addmm (linear layers)
// ---------------------------------------------------------------------------------------------------------------

/** torch.addmm: beta * input + alpha * (mat1 @ mat2), input broadcast to the product's shape. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: { beta?: number; alpha?: number } = {}): Tensor {
  const beta = options.beta ?? 1;
  const alpha = options.alpha ?? 1;
  if (mat1.ndim !== 2) throw new RuntimeError(`mat1 must be a matrix, got ${mat1.ndim}-D tensor`);
  if (mat2.ndim !== 2) throw new RuntimeError(`mat2 must be a matrix, got ${mat2.ndim}-D tensor`);
  const inShape = input.shape;
  const out = noGrad(() => {
    const product = mat1.mm(mat2);
    const scaled = alpha === 1 ? product : product.mul(alpha);
    const bias = input.expand(product.shape);
    // beta = 0 ignores input entirely (NaN and inf in it do not propagate), as BLAS does.
    if (beta === 0) return scaled.clone();
    return scaled.add(beta === 1 ? bias : bias.mul(beta));
  });
  recordOp('AddmmBackward0', [input, mat1, mat2], out, (save, needs) => {
    const s1 = needs[2] ? save(mat1) : null;
    const s2 = needs[1] ? save(mat2) : null;
    return ([g]) => [
      needs[0] && (beta === 1 ? g : g.mul(beta)).sumToSize(inShape),
      s2 && scaleBy(g.mm(s2().t()), alpha),
      s1 && scaleBy(s1().t().mm(g), alpha),
    ];
  });
  return out;
}

function scaleBy(t: Tensor, k: number): Tensor {
  return k === 1 ? t : t.mul(k);
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------------------------------

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
  checkChannelVector(runningMean, 'running_mean', c);
  checkChannelVector(runningVar, 'running_var', c);
  checkChannelVector(weight, 'weight', c);
  checkChannelVector(bias, 'bias', c);
  if (!training && (runningMean === null || runningVar === null)) {
    throw new RuntimeError(`${runningMean === null ? 'running_mean' : 'running_var'} must be defined in evaluation mode`);
  }
  const dims = [0, ...Array.from({ length: input.ndim - 2 }, (_, i) => i + 2)];
  const cs = channelShape(input.ndim, c);
  const dtype = input.dtype;
  const out = noGrad(() => {
    let mean: Tensor;
    let invstd: Tensor;
    if (training) {
      const xd = input.to('float64');
      const meanD = xd.mean(dims);
      const varD = xd.var(dims, { correction: 0 });
      mean = meanD.to(dtype);
      invstd = varD.add(eps).rsqrt().to(dtype);
      const n = input.numel() / Math.max(c, 1);
      if (runningMean !== null) runningMean.copy_(meanD.mul(momentum).add(runningMean.to('float64').mul(1 - momentum)));
      if (runningVar !== null) runningVar.copy_(varD.mul(n / (n - 1)).mul(momentum).add(runningVar.to('float64').mul(1 - momentum)));
    } else {
      mean = (runningMean as Tensor).to(dtype);
      invstd = (runningVar as Tensor).to(dtype).add(eps).sqrt().reciprocal();
    }
    // out = x * alpha + beta with alpha = invstd * weight and beta = bias - mean * alpha, as PyTorch's kernel.
    const alpha = weight === null ? invstd : invstd.mul(weight.reshape(c));
    const shift = mean.mul(alpha).neg();
    const beta = bias === null ? shift : bias.reshape(c).add(shift);
    return input.mul(alpha.reshape(cs)).add(beta.reshape(cs));
  });
  const evalStats = training ? null : { mean: (runningMean as Tensor).detach().clone(), variance: (runningVar as Tensor).detach().clone() };
  recordOp('NativeBatchNormBackward0', [input, weight, bias], out, (save, needs) => {
    const sx = save(input);
    const sw = weight !== null ? save(weight) : null;
    return ([g]) => {
      const x = sx();
      const w = sw ? sw().reshape(cs) : null;
      let xhat: Tensor;
      let gradInput: Tensor | null = null;
      if (evalStats === null) {
        const mean = x.mean(dims, { keepdim: true });
        const invstd = x.var(dims, { correction: 0, keepdim: true }).add(eps).rsqrt();
        xhat = x.sub(mean).mul(invstd);
        if (needs[0]) {
          const centred = g.sub(g.mean(dims, { keepdim: true })).sub(xhat.mul(g.mul(xhat).mean(dims, { keepdim: true })));
          gradInput = centred.mul(w ? invstd.mul(w) : invstd);
        }
      } else {
        const invstd = evalStats.variance.to(x.dtype).add(eps).sqrt().reciprocal().reshape(cs);
        xhat = x.sub(evalStats.mean.to(x.dtype).reshape(cs)).mul(invstd);
        if (needs[0]) gradInput = g.mul(w ? invstd.mul(w) : invstd);
      }
      return [gradInput, needs[1] && g.mul(xhat).sum(dims).reshape(c), needs[2] && g.sum(dims).reshape(c)];
    };
  });
  return out;
}

/** torch.layer_norm over the trailing dims named by normalizedShape. */
export function layerNorm(input: Tensor, normalizedShape: readonly number[], weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  const k = normalizedShape.length;
  const shapeText = formatShape(normalizedShape);
  if (k === 0) {
    throw new RuntimeError(`Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = ${shapeText}`);
  }
  for (const [t, name] of [[weight, 'weight'], [bias, 'bias']] as const) {
    if (t !== null && (t.ndim !== k || t.shape.some((s, i) => s !== normalizedShape[i]))) {
      throw new RuntimeError(`Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${formatShape(t.shape)} and normalized_shape = ${shapeText}`);
    }
  }
  const tail = input.shape.slice(input.ndim - k);
  if (input.ndim < k || tail.some((s, i) => s !== normalizedShape[i])) {
    throw new RuntimeError(`Given normalized_shape=${shapeText}, expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size${formatShape(input.shape)}`);
  }
  checkFloat(input, 'LayerNormKernelImpl');
  const dims = Array.from({ length: k }, (_, i) => input.ndim - k + i);
  const batchDims = Array.from({ length: input.ndim - k }, (_, i) => i);
  const out = noGrad(() => {
    const xd = input.to('float64');
    const mean = xd.mean(dims, { keepdim: true });
    const rstd = xd.var(dims, { correction: 0, keepdim: true }).add(eps).rsqrt();
    let y = xd.sub(mean).mul(rstd).to(input.dtype);
    if (weight !== null) y = y.mul(weight);
    if (bias !== null) y = y.add(bias);
    return y;
  });
  recordOp('NativeLayerNormBackward0', [input, weight, bias], out, (save, needs) => {
    const sx = save(input);
    const sw = weight !== null ? save(weight) : null;
    return ([g]) => {
      const x = sx();
      const rstd = x.var(dims, { correction: 0, keepdim: true }).add(eps).rsqrt();
      const xhat = x.sub(x.mean(dims, { keepdim: true })).mul(rstd);
      let gradInput: Tensor | null = null;
      if (needs[0]) {
        const gw = sw ? g.mul(sw()) : g;
        gradInput = gw.sub(gw.mean(dims, { keepdim: true })).sub(xhat.mul(gw.mul(xhat).mean(dims, { keepdim: true }))).mul(rstd);
      }
      const reduceBatch = (t: Tensor): Tensor => (batchDims.length === 0 ? t : t.sum(batchDims));
      return [gradInput, needs[1] && reduceBatch(g.mul(xhat)), needs[2] && reduceBatch(g)];
    };
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Embedding
// ---------------------------------------------------------------------------------------------------------------

/**
 * torch.embedding: rows of a 2-D weight picked by integer indices of any shape. Rows equal to paddingIdx (>= 0)
 * take no gradient; with scaleGradByFreq each row's gradient is divided by its index's count in the batch.
 */
export function embedding(weight: Tensor, indices: Tensor, paddingIdx = -1, scaleGradByFreq = false): Tensor {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    const typeName = `torch.${scalarTypeName(indices.dtype)}Tensor`;
    throw new RuntimeError(
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${typeName} instead (while checking arguments for embedding)`,
    );
  }
  if (weight.ndim !== 2) throw new RuntimeError("'weight' must be 2-D");
  const [num, dim] = weight.shape;
  const flat = indices.reshape(-1).to('int64');
  for (const v of flat.toArray()) if (v < 0 || v >= num) throw new IndexError('index out of range in self');
  const out = own(noGrad(() => weight.indexSelect(0, flat).reshape([...indices.shape, dim])));
  recordOp('EmbeddingBackward0', [weight], out, () => {
    const counts = new Map<number, number>();
    const idx = flat.toArray();
    if (scaleGradByFreq) for (const v of idx) counts.set(v, (counts.get(v) ?? 0) + 1);
    return ([g]) => {
      let rows = g.reshape(-1, dim);
      if (paddingIdx >= 0) rows = rows.maskedFill(flat.eq(paddingIdx).unsqueeze(1), 0);
      if (scaleGradByFreq) {
        const scale = empty([idx.length, 1], rows.dtype);
        idx.forEach((v, i) => (scale._array[i] = 1 / (counts.get(v) as number)));
        rows = rows.mul(scale);
      }
      return [empty([num, dim], g.dtype).scatterAdd(0, flat.unsqueeze(1).expand(-1, dim), rows)];
    };
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Constant padding
// ---------------------------------------------------------------------------------------------------------------

/**
 * torch.constant_pad_nd (`F.pad` in constant mode): `pad` lists (before, after) amounts from the last dim
 * backwards; negative amounts crop. The gradient is the opposite padding of the output gradient.
 */
export function constantPadNd(input: Tensor, pad: readonly number[], value = 0): Tensor {
  if (pad.length % 2 !== 0) throw new RuntimeError('Padding length must be divisible by 2');
  if (pad.length / 2 > input.ndim) throw new RuntimeError('Padding length too large');
  const out = own(
    noGrad(() => {
      let r = input;
      for (let i = 0; i < pad.length / 2; i++) {
        const d = input.ndim - 1 - i;
        const [before, after] = [pad[2 * i], pad[2 * i + 1]];
        const size = r.shape[d];
        if (size + before + after < 0) {
          throw new RuntimeError(
            `The input size ${size}, plus negative padding ${before} and ${after} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`,
          );
        }
        const start = Math.max(-before, 0);
        const end = Math.max(size - Math.max(-after, 0), start);
        if (start > 0 || end < size) r = r.narrow(d, start, end - start);
        const block = (n: number): Tensor => full(r.shape.map((s, k) => (k === d ? n : s)), value, { dtype: input.dtype });
        const parts = [...(before > 0 ? [block(before)] : []), r, ...(after > 0 ? [block(after)] : [])];
        if (parts.length > 1) r = cat(parts, d);
      }
      return r === input ? input.clone() : r;
    }),
  );
  recordOp('ConstantPadNdBackward0', [input], out, () => ([g]) => [constantPadNd(g, pad.map((p) => -p), 0)]);
  return out;
}
