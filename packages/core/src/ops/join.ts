/** Joining tensors: torch.cat and torch.stack, hstack and vstack (cat after atleast_1d/2d), and meshgrid. */
import { promoteTypes } from '../dtype.js';
import { RuntimeError, TorchTypeError } from '../errors.js';
import { formatShape, normalizeDim } from '../shape.js';
import { scatterStrided } from '../kernels/strided.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import { Tensor } from '../tensor.js';
import { uninitialized } from './util.js';
import { pyTypeName } from '../python-types.js';
import { warnOnce } from '../warnings.js';

/** PyTorch's errors for what is not a list of tensors. */
function checkTensorList(tensors: unknown, op: string): asserts tensors is readonly Tensor[] {
  if (!Array.isArray(tensors))
    throw new TorchTypeError(
      `${op}(): argument 'tensors' (position 1) must be tuple of Tensors, not ${pyTypeName(tensors)}`,
    );
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw new TorchTypeError(`expected Tensor as element ${i} in argument 0, but got ${pyTypeName(t)}`);
  });
}

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList(tensors, 'cat');
  if (tensors.length === 0) throw new RuntimeError('torch.cat(): expected a non-empty list of Tensors');
  // Legacy rule kept by PyTorch: 1-D empty tensors are skipped, though their dtypes still take part in the
  // result's, and each still gets an (empty) gradient.
  const skipped = (t: Tensor): boolean => t.ndim === 1 && t.numel() === 0;
  const parts = tensors.filter((t) => !skipped(t));
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const ref = parts[0] ?? tensors[0];
  const d = normalizeDim(dim, ref.ndim);
  let size = 0;
  parts.forEach((t, i) => {
    if (t.ndim !== ref.ndim) {
      throw new RuntimeError(`Tensors must have same number of dimensions: got ${ref.ndim} and ${t.ndim}`);
    }
    for (let k = 0; k < ref.ndim; k++) {
      if (k !== d && t._shape[k] !== ref._shape[k]) {
        throw new RuntimeError(
          `Sizes of tensors must match except in dimension ${d}. Expected size ${ref._shape[k]} but got size ${t._shape[k]} for tensor number ${i} in the list.`,
        );
      }
    }
    size += t._shape[d];
  });
  const shape = [...ref._shape];
  shape[d] = size;
  const out = uninitialized(shape, dtype);
  let start = 0;
  for (const t of parts) {
    const region = out.narrow(d, start, t._shape[d]);
    const src = t.dtype === dtype ? t : t.to(dtype);
    scatterStrided(src.contiguousArray(), 0, out._array, region._shape, region._strides, region._offset);
    start += t._shape[d];
  }
  out._version.value = 0;
  const sizes = parts.map((t) => t._shape[d]);
  recordOp('CatBackward0', tensors, out, (_save, needs) => ([g]) => {
    const pieces = g.split(sizes, d);
    let next = 0;
    return tensors.map((t, i) => {
      const grad = skipped(t) ? null : pieces[next++];
      return needs[i] && (grad ?? g.newZeros([0]));
    });
  });
  return out;
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList(tensors, 'stack');
  if (tensors.length === 0) throw new RuntimeError('stack expects a non-empty TensorList');
  const ref = tensors[0];
  tensors.forEach((t, i) => {
    if (t._shape.length !== ref._shape.length || t._shape.some((s, k) => s !== ref._shape[k])) {
      throw new RuntimeError(
        `stack expects each tensor to be equal size, but got ${formatShape(ref._shape)} at entry 0 and ${formatShape(t._shape)} at entry ${i}`,
      );
    }
  });
  const d = normalizeDim(dim, ref.ndim + 1);
  const out = noGrad(() =>
    cat(
      tensors.map((t) => t.unsqueeze(d)),
      d,
    ),
  );
  recordOp(
    'StackBackward0',
    tensors,
    out,
    (_save, needs) =>
      ([g]) =>
        g.unbind(d).map((p, i) => needs[i] && p),
  );
  return out;
}

/** The tensors joined along dim 1 (dim 0 for vectors), 0-d ones counted as vectors: `torch.hstack`. */
export function hstack(tensors: readonly Tensor[]): Tensor {
  checkTensorList(tensors, 'hstack');
  if (tensors.length === 0) throw new RuntimeError('hstack expects a non-empty TensorList');
  const rows = tensors.map((t) => (t.ndim === 0 ? t.reshape(1) : t));
  return cat(rows, rows[0].ndim === 1 ? 0 : 1);
}

/** The tensors joined along dim 0, vectors (and 0-d ones) as rows: `torch.vstack`. */
export function vstack(tensors: readonly Tensor[]): Tensor {
  checkTensorList(tensors, 'vstack');
  if (tensors.length === 0) throw new RuntimeError('vstack expects a non-empty TensorList');
  return cat(
    tensors.map((t) => (t.ndim >= 2 ? t : t.reshape(1, -1))),
    0,
  );
}

/**
 * The coordinate grids of 1-D (or 0-d) tensors: output k holds tensor k's values along dim k, repeated along the
 * others (`indexing: 'ij'`, PyTorch's default, with its warning when not given); `'xy'` swaps the first two dims,
 * as NumPy's meshgrid. Each grid is an expanded view.
 */
export function meshgrid(tensors: readonly Tensor[], indexing?: 'ij' | 'xy'): Tensor[] {
  checkTensorList(tensors, 'meshgrid');
  if (tensors.length === 0) throw new RuntimeError('meshgrid expects a non-empty TensorList');
  if (indexing === undefined) {
    warnOnce('torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.');
  } else if (indexing !== 'ij' && indexing !== 'xy') {
    throw new RuntimeError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${String(indexing)}`);
  }
  for (const t of tensors) {
    if (t.ndim > 1)
      throw new RuntimeError(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${t.ndim}-D tensor`);
  }
  const swap = indexing === 'xy' && tensors.length >= 2;
  const inputs = swap ? [tensors[1], tensors[0], ...tensors.slice(2)] : [...tensors];
  const shape = inputs.map((t) => t.numel());
  const grids = inputs.map((t, k) => t.view(shape.map((n, d) => (d === k ? n : 1))).expand(shape));
  return swap ? [grids[1], grids[0], ...grids.slice(2)] : grids;
}
