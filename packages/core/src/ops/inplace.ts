/**
 * In-place ops. Each is its out-of-place op plus a write back into the tensor's storage: the result is computed
 * (from a private copy of the old values when a graph is being recorded, so saved values stay valid), written
 * through the tensor's strides, the shared version counter moves, and the tensor takes the new node as its
 * history. Without recording, the tensor keeps the history it had (PyTorch's `b.mul_(2)` under no_grad).
 */
import { canCast, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { broadcastShapes, formatShape, shapesEqual } from '../shape.js';
import { scatterStrided } from '../kernels/strided.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { needsRecording, recordOp } from '../autograd/record.js';
import { FunctionNode } from '../autograd/node.js';
import { checkViewInplace, rebaseViewHistory } from '../autograd/copy-slices.js';
import { Tensor } from '../tensor.js';
import { checkMemoryOverlap } from './memory-overlap.js';
import { checkTensorArg, toTensor } from './util.js';
import { zerosLike } from '../creation.js';

export function checkInplace(self: Tensor): void {
  if (!isGradEnabled()) return;
  if (self.isLeaf && self.requiresGrad) {
    throw new RuntimeError('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  const base = self._base;
  if (base !== null && base.isLeaf && base.requiresGrad) {
    throw new RuntimeError('a view of a leaf Variable that requires grad is being used in an in-place operation.');
  }
}

/** Runs `compute` as the in-place version of an op on `self`; `others` are the op's other operands. */
export function inplace<T extends Tensor>(self: T, compute: (s: Tensor) => Tensor, ...others: unknown[]): T {
  return runInplace(self, compute, true, others);
}

/**
 * `inplace` for fill_ and masked_fill_, which PyTorch lets write an expanded tensor (every element on a memory
 * location takes the same value).
 */
export function inplaceFill<T extends Tensor>(self: T, compute: (s: Tensor) => Tensor, ...others: unknown[]): T {
  return runInplace(self, compute, true, others, true);
}

/**
 * `inplace` for an op whose backward never reads self's old values (add and sub; relu, sigmoid and tanh, which
 * save their result): recorded on self itself, without the private copy of the old values.
 */
export function inplaceSavingNoInput<T extends Tensor>(
  self: T,
  compute: (s: Tensor) => Tensor,
  ...others: unknown[]
): T {
  return runInplace(self, compute, false, others);
}

function runInplace<T extends Tensor>(
  self: T,
  compute: (s: Tensor) => Tensor,
  mayReadOldValues: boolean,
  others: unknown[],
  mayOverlapItself = false,
): T {
  const tensors = others.filter((o): o is Tensor => o instanceof Tensor);
  // PyTorch's order: how a view was made, then whether it or its base is a leaf.
  if (self._base !== null) checkViewInplace(self, tensors);
  checkInplace(self);
  checkMemoryOverlap(self, tensors, mayOverlapItself);
  if (!needsRecording([self, ...tensors])) {
    const result = noGrad(() => compute(self));
    return inplaceWrite(self, result, true);
  }
  let input: Tensor = self;
  if (mayReadOldValues) {
    input = new Tensor(self.contiguousArray().slice(), self.shape, self.dtype);
    input.setHistory(self.gradFn, self.outputNr);
  }
  const result = compute(input);
  inplaceWrite(self, result, true);
  // A node that saved its own output (exp_, sigmoid_, ...) checks the tensor written into from now on.
  if (result.gradFn instanceof FunctionNode) result.gradFn.rebindSaved(result, self);
  // Through a view, the base's history is rebased (CopySlices); otherwise the tensor takes the op's node.
  if (self._base !== null) rebaseViewHistory(self, result);
  else self._rebaseHistory(result.gradFn, result.outputNr);
  return self;
}

/** Writes `values` (broadcast to self's shape when `exactShape` is false) into self's storage; bumps the version. */
export function inplaceWrite<T extends Tensor>(self: T, values: Tensor, exactShape = false): T {
  if (!shapesEqual(values._shape, self._shape)) {
    const b = broadcastShapes(self._shape, values._shape);
    if (exactShape || !shapesEqual(b, self._shape)) {
      throw new RuntimeError(
        `output with shape ${formatShape(self._shape)} doesn't match the broadcast shape ${formatShape(b)}`,
      );
    }
    values = values.expand(self._shape);
  }
  if (!canCast(values.dtype, self.dtype)) {
    throw new RuntimeError(
      `result type ${scalarTypeName(values.dtype)} can't be cast to the desired output type ${scalarTypeName(self.dtype)}`,
    );
  }
  const src = values.dtype === self.dtype ? values : values.to(self.dtype);
  // A contiguous result is read where it lies, at its offset; any other is gathered first.
  const [from, at] = src.isContiguous() ? [src._array, src._offset] : [src.contiguousArray(), 0];
  scatterStrided(from, at, self._array, self._shape, self._strides, self._offset);
  self._version.bump();
  return self;
}

/**
 * `fill_(value)`, or `zero_()` when `zero` is set: PyTorch's nodes are `ZeroBackward0`, `FillBackward2` (a number) and
 * `FillBackward3` (a 0-d tensor, whose gradient is the sum); the filled tensor's gradient is zeros, whatever the
 * incoming one holds.
 */
export function fill_<T extends Tensor>(self: T, value: number | boolean | Tensor, zero = false): T {
  const v = toTensor(value);
  if (v._shape.length !== 0) {
    throw new RuntimeError(
      `fill_ only supports 0-dimension value tensor but got tensor with ${v._shape.length} dimensions.`,
    );
  }
  const byTensor = value instanceof Tensor;
  return inplaceFill(
    self,
    (s) => {
      const out = noGrad(() => v.to(s.dtype, { copy: true }).expand(s._shape).contiguous());
      if (byTensor)
        recordOp('FillBackward3', [s, v], out, (_save, needs) => ([g]) => [
          needs[0] && g.newZeros(g.shape),
          needs[1] && g.sum(),
        ]);
      else recordOp(zero ? 'ZeroBackward0' : 'FillBackward2', [s], out, () => ([g]) => [g.newZeros(g.shape)]);
      return out;
    },
    v,
  );
}

export function copy_<T extends Tensor>(self: T, other: Tensor | number | boolean): T {
  const src = typeof other === 'number' || typeof other === 'boolean' ? toTensor(other) : other;
  checkTensorArg(src, 'copy_', 'other', 1);
  return inplace(
    self,
    (s) => {
      const b = broadcastShapes(s._shape, src._shape);
      if (!shapesEqual(b, s._shape)) {
        throw new RuntimeError(
          `output with shape ${formatShape(s._shape)} doesn't match the broadcast shape ${formatShape(b)}`,
        );
      }
      // Without a graph, a source of s's dtype goes straight into s (inplaceWrite): a source on part of s's memory
      // was refused above, and one that is not contiguous is gathered first.
      if (!isGradEnabled() && src.dtype === s.dtype) return src.expand(s._shape);
      const out = noGrad(() => src.to(s.dtype, { copy: true }).expand(s._shape).contiguous());
      recordOp('CopyBackwards', [s, src], out, (_save, needs) => ([g]) => [needs[0] && zerosLike(g), needs[1] && g]);
      return out;
    },
    src,
  );
}
