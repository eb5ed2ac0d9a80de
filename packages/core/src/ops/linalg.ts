/** Matrix products: mm, bmm, dot, mv and matmul with batch broadcasting, all on the blocked GEMM kernel. */
import { type DType, isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { checkTensorArg, empty, uninitialized } from './util.js';
import { squeeze, unsafeView } from './view.js';

function checkSameDType(a: Tensor, b: Tensor): DType {
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(`expected scalar type ${scalarTypeName(a.dtype)} but found ${scalarTypeName(b.dtype)}`);
  }
  if (a.dtype === 'bool') throw new RuntimeError('"addmm_impl_cpu_" not implemented for \'Bool\'');
  return a.dtype;
}

/**
 * How GEMM reads a 2-D strided operand: in place when its layout is one BLAS can describe (unit stride along one
 * dim, and a leading dimension that keeps rows, or columns, apart), else from a contiguous copy. Expanded operands
 * (stride 0 along a dim of size > 1) and other overlapping layouts are copied: a leading dimension smaller than the
 * row length would make GEMM read past the storage.
 */
function operand(
  t: Tensor,
  rowStride: number,
  colStride: number,
  offset: number,
  rows: number,
  cols: number,
  like: FloatArray,
): { array: FloatArray; off: number; ld: number; trans: boolean } {
  // Backends take A, B and C of one array type; int32 and int64 products run in a Float64Array.
  const isFloatArray = t._array.constructor === like.constructor;
  if (isFloatArray && (colStride === 1 || cols === 1) && (rows === 1 || rowStride >= cols)) {
    return { array: t._array as FloatArray, off: offset, ld: Math.max(rowStride, cols, 1), trans: false };
  }
  if (isFloatArray && (rowStride === 1 || rows === 1) && (cols === 1 || colStride >= rows)) {
    return { array: t._array as FloatArray, off: offset, ld: Math.max(colStride, rows, 1), trans: true };
  }
  const copy = like instanceof Float32Array ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) copy[i * cols + j] = t._array[offset + i * rowStride + j * colStride];
  return { array: copy, off: 0, ld: Math.max(cols, 1), trans: false };
}

/** out[batch] = a[batch] @ b[batch] for 3-D strided a (B,n,k), b (B,k,m) into a contiguous (B,n,m). */
function batchedGemm(a: Tensor, b: Tensor, out: Tensor): void {
  const [B, n, k] = a._shape;
  const m = b._shape[2];
  const integral = !isFloatingPoint(out.dtype);
  const target = integral ? new Float64Array(B * n * m) : (out._array as FloatArray);
  const operands = (i: number) => [
    operand(a, a._strides[1], a._strides[2], a._offset + i * a._strides[0], n, k, target),
    operand(b, b._strides[1], b._strides[2], b._offset + i * b._strides[0], k, m, target),
  ];
  const [A0, B0] = operands(0);
  if (B > 1 && A0.array === a._array && B0.array === b._array) {
    // Read in place, every product of the batch has the first one's layout: one call, which the backend may share
    // out across the batch.
    getKernelBackend().gemmBatched(
      A0.trans,
      B0.trans,
      B,
      n,
      m,
      k,
      1,
      A0.array,
      A0.off,
      a._strides[0],
      A0.ld,
      B0.array,
      B0.off,
      b._strides[0],
      B0.ld,
      0,
      target,
      0,
      n * m,
      m,
    );
  } else {
    for (let i = 0; i < B; i++) {
      const [A, Bm] = i === 0 ? [A0, B0] : operands(i);
      getKernelBackend().gemm(
        A.trans,
        Bm.trans,
        n,
        m,
        k,
        1,
        A.array,
        A.off,
        A.ld,
        Bm.array,
        Bm.off,
        Bm.ld,
        0,
        target,
        i * n * m,
        m,
      );
    }
  }
  if (integral) out._array.set(target);
}

export function mm(a: Tensor, b: Tensor): Tensor {
  checkTensorArg(a, 'mm', 'input', 1);
  checkTensorArg(b, 'mm', 'mat2', 1);
  if (a.ndim !== 2) throw new RuntimeError('self must be a matrix');
  if (b.ndim !== 2) throw new RuntimeError('mat2 must be a matrix');
  if (a._shape[1] !== b._shape[0]) {
    throw new RuntimeError(
      `mat1 and mat2 shapes cannot be multiplied (${a._shape[0]}x${a._shape[1]} and ${b._shape[0]}x${b._shape[1]})`,
    );
  }
  const out = uninitialized([a._shape[0], b._shape[1]], checkSameDType(a, b));
  batchedGemm(a.unsqueeze(0), b.unsqueeze(0), out);
  recordOp('MmBackward0', [a, b], out, (save, needs) => {
    const sa = needs[1] ? save(a) : null;
    const sb = needs[0] ? save(b) : null;
    const aColumnMajor = isColumnMajor(a);
    const bColumnMajor = isColumnMajor(b);
    return ([g]) => [sb && mat1Grad(g, sb(), aColumnMajor), sa && mat2Grad(g, sa(), bColumnMajor)];
  });
  return out;
}

/** Whether a matrix is stored column by column (a transposed contiguous matrix, as Linear's weight.t() is). */
export function isColumnMajor(t: Tensor): boolean {
  return t._strides[0] === 1 && t._strides[1] === t._shape[0];
}

/**
 * The gradient of mat1 in mat1 @ mat2, in mat1's own layout as PyTorch's mm_mat1_backward makes it: computed
 * transposed when mat1 was column-major, so that the view's backward hands its base a contiguous gradient (which
 * the base's AccumulateGrad can then keep without a copy).
 */
export function mat1Grad(g: Tensor, mat2: Tensor, mat1ColumnMajor: boolean): Tensor {
  return mat1ColumnMajor ? mat2.mm(g.t()).t() : g.mm(mat2.t());
}

/** The gradient of mat2 in mat1 @ mat2, in mat2's own layout (PyTorch's mm_mat2_backward): see mat1Grad. */
export function mat2Grad(g: Tensor, mat1: Tensor, mat2ColumnMajor: boolean): Tensor {
  return mat2ColumnMajor ? g.t().mm(mat1).t() : mat1.t().mm(g);
}

export function bmm(a: Tensor, b: Tensor): Tensor {
  checkTensorArg(a, 'bmm', 'input', 1);
  checkTensorArg(b, 'bmm', 'mat2', 1);
  if (a.ndim !== 3) throw new RuntimeError(`batch1 must be a 3D tensor`);
  if (b.ndim !== 3) throw new RuntimeError(`batch2 must be a 3D tensor`);
  if (b._shape[0] !== a._shape[0] || b._shape[1] !== a._shape[2]) {
    throw new RuntimeError(
      `Expected size for first two dimensions of batch2 tensor to be: [${a._shape[0]}, ${a._shape[2]}] but got: [${b._shape[0]}, ${b._shape[1]}].`,
    );
  }
  const out = uninitialized([a._shape[0], a._shape[1], b._shape[2]], checkSameDType(a, b));
  batchedGemm(a, b, out);
  recordOp('BmmBackward0', [a, b], out, (save, needs) => {
    const sa = needs[1] ? save(a) : null;
    const sb = needs[0] ? save(b) : null;
    return ([g]) => [sb && g.bmm(sb().transpose(1, 2)), sa && sa().transpose(1, 2).bmm(g)];
  });
  return out;
}

export function dot(a: Tensor, b: Tensor): Tensor {
  checkTensorArg(a, 'dot', 'input', 1);
  checkTensorArg(b, 'dot', 'tensor', 1);
  if (a.ndim !== 1 || b.ndim !== 1)
    throw new RuntimeError(`1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a._shape[0] !== b._shape[0]) {
    throw new RuntimeError(
      `inconsistent tensor size, expected tensor [${a._shape[0]}] and src [${b._shape[0]}] to have the same number of elements, but got ${a._shape[0]} and ${b._shape[0]} elements respectively`,
    );
  }
  const out = empty([], checkSameDType(a, b));
  batchedGemm(a.reshape(1, 1, -1), b.reshape(1, -1, 1), out);
  recordOp('DotBackward0', [a, b], out, (save, needs) => {
    const sa = needs[1] ? save(a) : null;
    const sb = needs[0] ? save(b) : null;
    return ([g]) => [sb && sb().mul(g), sa && sa().mul(g)];
  });
  return out;
}

export function mv(a: Tensor, v: Tensor): Tensor {
  checkTensorArg(a, 'mv', 'input', 1);
  checkTensorArg(v, 'mv', 'vec', 1);
  if (a.ndim !== 2 || v.ndim !== 1 || a._shape[1] !== v._shape[0]) {
    throw new RuntimeError(
      `size mismatch, got input (${a._shape[0]}), mat (${a._shape.join('x')}), vec (${v._shape[0]})`,
    );
  }
  const out = empty([a._shape[0]], checkSameDType(a, v));
  batchedGemm(a.unsqueeze(0), v.reshape(1, -1, 1), out);
  recordOp('MvBackward0', [a, v], out, (save, needs) => {
    const sa = needs[1] ? save(a) : null;
    const sv = needs[0] ? save(v) : null;
    return ([g]) => [sv && g.unsqueeze(1).mul(sv().unsqueeze(0)), sa && sa().t().mv(g)];
  });
  return out;
}

/**
 * Whether matmul folds t1's batch dims into its rows and uses one mm/mv (PyTorch's should_fold): t1 is 3-D or more
 * and the other operand 1-D or 2-D, unless t1 is a 3-D batch of transposed matrices, which bmm reads directly.
 */
function shouldFold(t1: Tensor, otherNdim: number): boolean {
  if (t1.ndim < 3 || (otherNdim !== 1 && otherNdim !== 2)) return false;
  const [s, st] = [t1._shape, t1._strides];
  return !(t1.ndim === 3 && otherNdim === 2 && st[2] !== 1 && st[0] === s[1] * s[2]);
}

/**
 * torch.matmul, case by case as PyTorch 1.13 computes it (so the graph has the same nodes): dot, mv, mm, a folded
 * mm/mv when one side is a batch and the other a matrix or vector, else bmm over the broadcast batch dims.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensorArg(a, 'matmul', 'input', 1);
  checkTensorArg(b, 'matmul', 'other', 1);
  const da = a.ndim;
  const db = b.ndim;
  if (da === 0 || db === 0) {
    throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  }
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 1) return mv(a, b);
  if (da === 1 && db === 2) return squeeze(mm(a.unsqueeze(0), b), 0, 'SqueezeBackward3');
  if (da === 2 && db === 2) return mm(a, b);
  const foldB = shouldFold(b, da);
  if (shouldFold(a, db) || foldB) {
    // Fold the batch of the larger operand into rows; with b the batch, compute (b^T a^T)^T.
    const t1 = foldB ? b.transpose(-2, -1) : a;
    const t2 = !foldB ? b : da === 2 ? a.t() : a;
    const outShape = t1._shape.slice(0, -1);
    const k = t1._shape[t1.ndim - 1];
    const folded = t1.reshape(
      outShape.reduce((x, y) => x * y, 1),
      k,
    );
    if (t2.ndim === 1) return unsafeView(mv(folded, t2), outShape);
    const out = unsafeView(mm(folded, t2), [...outShape, t2._shape[1]]);
    return foldB ? out.transpose(-2, -1).contiguous() : out;
  }
  const [n, m1] = a._shape.slice(-2);
  const [m2, p] = b._shape.slice(-2);
  const batch = broadcastShapes(a._shape.slice(0, -2), b._shape.slice(0, -2));
  const B = batch.reduce((x, y) => x * y, 1);
  const ae = a.expand([...batch, n, m1]).reshape(B, n, m1);
  const be = b.expand([...batch, m2, p]).reshape(B, m2, p);
  return unsafeView(bmm(ae, be), [...batch, n, p]);
}

/** The outer product of two vectors, `a[i] * b[j]`: as PyTorch composes it, a column times a row (`MulBackward0`). */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensorArg(a, 'outer', 'input', 1);
  checkTensorArg(b, 'outer', 'vec2', 2);
  if (a.ndim !== 1) throw new RuntimeError(`outer: Expected 1-D argument self, but got ${a.ndim}-D`);
  if (b.ndim !== 1) throw new RuntimeError(`outer: Expected 1-D argument vec2, but got ${b.ndim}-D`);
  return a.reshape(-1, 1).mul(b);
}

/** The sum of a matrix's main diagonal (integers give int64). */
export function trace(x: Tensor): Tensor {
  if (x.ndim !== 2) throw new RuntimeError(`trace: expected a matrix, but got tensor with dim ${x.ndim}`);
  const out = noGrad(() => x.diagonal().sum());
  const inShape = x.shape;
  recordOp('TraceBackward0', [x], out, () => ([g]) => {
    const gx = g.newZeros(inShape);
    const diagonal = gx.diagonal();
    diagonal.copy_(g.expand(diagonal.shape));
    return [gx];
  });
  return out;
}
