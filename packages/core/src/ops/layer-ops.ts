/**
 * The nn building blocks PyTorch implements as single ATen ops (what `torch._C._nn` and `torch.batch_norm` reach):
 * activations, addmm for linear layers, batch and layer normalisation, embedding and constant padding. Each
 * records one node under PyTorch's name. Forwards run on detached inputs (elementwise ones in double precision,
 * rounded once); backwards are written with tensor ops, so they are differentiable again (double backward) like
 * every core op.
 */
import { scalarTypeName } from '../dtype.js';
import { IndexError, RuntimeError } from '../errors.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { erfcScalar } from '../kernels/erf.js';
import { unaryForward } from './unary-forward.js';
import { UnaryOp } from '../kernels/contiguous.js';
import { where } from './binary.js';
import { checkFloat, empty } from './util.js';
import { cat } from './join.js';
import { isColumnMajor, mat1Grad, mat2Grad } from './linalg.js';
import { full } from '../creation.js';

export { batchNorm, layerNorm } from './norm.js';

/** A result computed under noGrad as a tensor of its own (not a view), so in-place ops on it are recorded normally. */
export function own(t: Tensor): Tensor {
  return t._base === null ? t : t.clone();
}

/** PyTorch's refusal of a gradient it does not define (raised at the call, and only while grad mode is on). */
export function checkNoRequiresGrad(t: Tensor | null | undefined, arg: string, fn: string): void {
  if (t && t.requiresGrad && isGradEnabled()) {
    throw new RuntimeError(
      `The function '${fn}' is not differentiable with respect to argument '${arg}'. This input cannot have requires_grad True.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Activations
// ---------------------------------------------------------------------------------------------------------------

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const GELU_BETA = Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5;
const GELU_KAPPA = 0.044715;

/**
 * A pointwise activation: its value f and derivative f' computed in double precision in one pass each; the
 * derivative is an op of its own (`<Name>BackwardBackward0`) whose gradient, f'', is written with tensor ops, so
 * double backward works while the first-order backward stays one pass over the input.
 */
function activation(
  name: string,
  x: Tensor,
  f: (v: number) => number,
  d1: (v: number) => number,
  d2: (x: Tensor) => Tensor,
  kernels?: { f: number; d1: number },
): Tensor {
  const out = unaryForward(x, f, true, undefined, kernels?.f);
  recordOp(`${name}Backward0`, [x], out, (save) => {
    const sx = save(x);
    return ([g]) => {
      const v = sx();
      const slope = unaryForward(v, d1, true, undefined, kernels?.d1);
      recordOp(`${name}BackwardBackward0`, [v], slope, (save2) => {
        const sv = save2(v);
        return ([gg]) => [gg.mul(d2(sv()))];
      });
      return [g.mul(slope)];
    };
  });
  return out;
}

function tanhGeluParts(v: number): { t: number; du: number } {
  return { t: Math.tanh(GELU_BETA * (v + GELU_KAPPA * v * v * v)), du: GELU_BETA * (1 + 3 * GELU_KAPPA * v * v) };
}

/** gelu(x) = x Φ(x), or its tanh approximation 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))). */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh')
    throw new RuntimeError('approximate argument must be either none or tanh.');
  checkFloat(x, 'GeluKernelImpl');
  if (approximate === 'none') {
    return activation(
      'Gelu',
      x,
      (v) => 0.5 * v * erfcScalar(-v * SQRT1_2),
      (v) => 0.5 * erfcScalar(-v * SQRT1_2) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI,
      // gelu'' = φ(x) (2 - x²)
      (v) => v.mul(v).mul(-0.5).exp().mul(INV_SQRT_2PI).mul(v.mul(v).neg().add(2)),
      { f: UnaryOp.gelu, d1: UnaryOp.geluDerivative },
    );
  }
  return activation(
    'Gelu',
    x,
    (v) => 0.5 * v * (1 + tanhGeluParts(v).t),
    (v) => {
      const { t, du } = tanhGeluParts(v);
      return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du;
    },
    // With u = β (x + κ x³): gelu'' = (1 - t²) (u' + 0.5 x (u'' - 2 t u'²)), t = tanh u.
    (v) => {
      const t = v.add(v.mul(v).mul(v).mul(GELU_KAPPA)).mul(GELU_BETA).tanh();
      const du = v
        .mul(v)
        .mul(3 * GELU_KAPPA)
        .add(1)
        .mul(GELU_BETA);
      const ddu = v.mul(6 * GELU_BETA * GELU_KAPPA);
      return t
        .mul(t)
        .neg()
        .add(1)
        .mul(du.add(v.mul(0.5).mul(ddu.sub(t.mul(du).mul(du).mul(2)))));
    },
  );
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkFloat(x, 'leaky_relu_cpu');
  return activation(
    'LeakyRelu',
    x,
    (v) => (v > 0 ? v : v * negativeSlope),
    (v) => (v > 0 ? 1 : negativeSlope),
    (v) => v.mul(0),
  );
}

/** elu (and selu/celu through scale and inputScale): x > 0 ? scale x : scale α (exp(inputScale x) - 1). */
export function elu(x: Tensor, alpha = 1, scale = 1, inputScale = 1): Tensor {
  checkFloat(x, 'elu_cpu');
  const k = alpha * scale * inputScale;
  return activation(
    'Elu',
    x,
    (v) => (v > 0 ? v * scale : alpha * scale * Math.expm1(v * inputScale)),
    (v) => (v > 0 ? scale : k * Math.exp(v * inputScale)),
    (v) =>
      where(
        v.gt(0),
        0,
        v
          .mul(inputScale)
          .exp()
          .mul(k * inputScale),
      ),
  );
}

function sigmoidScalar(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** silu(x) = x sigmoid(x). */
export function silu(x: Tensor): Tensor {
  checkFloat(x, 'silu_cpu');
  return activation(
    'Silu',
    x,
    (v) => v / (1 + Math.exp(-v)),
    (v) => {
      const s = sigmoidScalar(v);
      return s * (1 + v * (1 - s));
    },
    // silu'' = s (1 - s) (2 + x (1 - 2 s))
    (v) => {
      const s = v.sigmoid();
      return s.mul(s.neg().add(1)).mul(v.mul(s.mul(-2).add(1)).add(2));
    },
  );
}

/** softplus(x) = log(1 + exp(βx)) / β, and x itself where βx > threshold. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkFloat(x, 'softplus_cpu');
  return activation(
    'Softplus',
    x,
    (v) => (v * beta > threshold ? v : Math.log1p(Math.exp(v * beta)) / beta),
    (v) => (v * beta > threshold ? 1 : sigmoidScalar(v * beta)),
    (v) => {
      const s = v.mul(beta).sigmoid();
      return where(v.mul(beta).gt(threshold), 0, s.mul(s.neg().add(1)).mul(beta));
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// addmm (linear layers)
// ---------------------------------------------------------------------------------------------------------------

/** torch.addmm: beta * input + alpha * (mat1 @ mat2), input broadcast to the product's shape. */
export function addmm(
  input: Tensor,
  mat1: Tensor,
  mat2: Tensor,
  options: { beta?: number; alpha?: number } = {},
): Tensor {
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
    const mat1ColumnMajor = isColumnMajor(mat1);
    const mat2ColumnMajor = isColumnMajor(mat2);
    return ([g]) => [
      needs[0] && (beta === 1 ? g : g.mul(beta)).sumToSize(inShape),
      s2 && scaleBy(mat1Grad(g, s2(), mat1ColumnMajor), alpha),
      s1 && scaleBy(mat2Grad(g, s1(), mat2ColumnMajor), alpha),
    ];
  });
  return out;
}

function scaleBy(t: Tensor, k: number): Tensor {
  return k === 1 ? t : t.mul(k);
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
        const block = (n: number): Tensor =>
          full(
            r.shape.map((s, k) => (k === d ? n : s)),
            value,
            { dtype: input.dtype },
          );
        const parts = [...(before > 0 ? [block(before)] : []), r, ...(after > 0 ? [block(after)] : [])];
        if (parts.length > 1) r = cat(parts, d);
      }
      return r === input ? input.clone() : r;
    }),
  );
  recordOp('ConstantPadNdBackward0', [input], out, () => ([g]) => [
    constantPadNd(
      g,
      pad.map((p) => -p),
      0,
    ),
  ]);
  return out;
}
