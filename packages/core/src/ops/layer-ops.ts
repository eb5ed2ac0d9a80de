/**
 * The nn building blocks PyTorch implements as single ATen ops (what `torch._C._nn` and `torch.batch_norm` reach):
 * addmm for linear layers, batch and layer normalisation, embedding and constant padding (the activations are in
 * nn-activations.ts). Each records one node under PyTorch's name; backwards are written with tensor ops, so they are
 * differentiable again (double backward) like every core op.
 */
import { scalarTypeName } from '../dtype.js';
import { IndexError, RuntimeError } from '../errors.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { empty, uninitialized } from './util.js';
import { getKernelBackend } from '../kernels/registry.js';
import type { FloatArray } from '../kernels/gemm.js';
import { cat } from './join.js';
import { isColumnMajor, mat1Grad, mat2Grad } from './linalg.js';
import { fromArray, full } from '../creation.js';

export { batchNorm, groupNorm, layerNorm } from './norm.js';

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
  if (input.dtype !== mat2.dtype) throw new RuntimeError('self and mat2 must have the same dtype');
  if (mat1.dtype !== mat2.dtype) throw new RuntimeError('mat1 and mat2 must have the same dtype');
  const inShape = input.shape;
  const out = noGrad(() => {
    const product = mat1.mm(mat2);
    const bias = input.expand(product.shape);
    // The product is this call's own: scaled and offset in place, the same values without another [M, N] array.
    if (alpha !== 1) product.mul_(alpha);
    // beta = 0 ignores input entirely (NaN and inf in it do not propagate), as BLAS does.
    return beta === 0 ? product : product.add_(beta === 1 ? bias : bias.mul(beta));
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
 * take no gradient; with scaleGradByFreq each row's gradient is divided by its index's count in the batch. Float
 * tables run on the kernel backend's embedding entries (integer ones, which take no gradient, through indexSelect).
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
  // A copy: the backward reads the indices of this call whatever happens to the tensor later.
  const flat = indices.reshape(-1).contiguous();
  const idx = flat._array.slice(flat._offset, flat._offset + flat.numel()) as Float64Array | Int32Array;
  for (let k = 0; k < idx.length; k++)
    if (!(idx[k] >= 0 && idx[k] < num)) throw new IndexError('index out of range in self');
  const outShape = [...indices.shape, dim];
  const floatTable = weight.dtype === 'float32' || weight.dtype === 'float64';
  let out: Tensor;
  if (floatTable) {
    const table = weight.contiguousArray() as FloatArray;
    out = uninitialized(outShape, weight.dtype);
    getKernelBackend().embeddingForward(table, num, dim, idx, idx.length, out._array as FloatArray);
  } else {
    out = own(noGrad(() => weight.indexSelect(0, flat.to('int64')).reshape(outShape)));
  }
  const padding = paddingIdx >= 0 ? paddingIdx : -1;
  recordOp('EmbeddingBackward0', [weight], out, () => {
    const counts = new Map<number, number>();
    if (scaleGradByFreq) for (const v of idx) counts.set(v, (counts.get(v) ?? 0) + 1);
    return ([g]) => {
      const gy = noGrad(() => {
        let rows = g.reshape(-1, dim);
        if (scaleGradByFreq) {
          const scale = empty([idx.length, 1], rows.dtype);
          idx.forEach((v, i) => (scale._array[i] = 1 / (counts.get(v) as number)));
          rows = rows.mul(scale);
        }
        return rows.contiguousArray() as FloatArray;
      });
      // (Only a float table takes a gradient.)
      const gw = uninitialized([num, dim], g.dtype);
      getKernelBackend().embeddingBackward(gy, idx, idx.length, num, dim, padding, gw._array as FloatArray);
      // Under createGraph the gradient is differentiated in turn: its derivative picks the rows back out, without
      // the frequency scaling, as PyTorch's embedding_dense_double_backward does.
      recordOp('EmbeddingDenseBackwardBackward0', [g], gw, () => ([gg]) => [
        pickRows(gg, idx, padding).reshape(g.shape),
      ]);
      return [gw];
    };
  });
  return out;
}

/** Rows idx[k] of a [num, dim] table, zero where idx[k] is `padding` (-1: none): the embedding gradient's adjoint. */
function pickRows(table: Tensor, idx: Float64Array | Int32Array, padding: number): Tensor {
  const indices = fromArray(idx, [idx.length], { dtype: idx instanceof Int32Array ? 'int32' : 'int64' });
  const picked = embedding(table, indices);
  if (padding < 0) return picked;
  const atPadding = fromArray(
    Uint8Array.from(idx, (v) => (v === padding ? 1 : 0)),
    [idx.length, 1],
    { dtype: 'bool' },
  );
  return picked.maskedFill(atPadding, 0);
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
