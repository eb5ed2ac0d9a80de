/**
 * `torch.readInto(t, out, offset)`: copies a tensor's values, in row-major order, into an existing typed array.
 *
 * Code that assembles many tensors into one buffer (a DataLoader batch, an image transform) can then fill a
 * single allocation instead of making a `toArray()` copy per tensor. The tensor is only read: its storage,
 * history and version counter are untouched. Values are stored as `out`'s element type (int64 tensors live in
 * Float64Arrays, bool tensors in Uint8Arrays).
 */
import type { TypedArray } from './dtype.js';
import { RuntimeError } from './errors.js';
import { copyStrided } from './kernels/strided.js';
import type { Tensor } from './tensor.js';

export function readInto(t: Tensor, out: TypedArray, offset = 0): void {
  const n = t.numel();
  if (!Number.isInteger(offset) || offset < 0 || offset + n > out.length) {
    throw new RuntimeError(
      `readInto: ${n} values do not fit into an array of length ${out.length} at offset ${offset}`,
    );
  }
  copyStrided(t._array, t._shape, t._strides, t._offset, out, offset);
}
