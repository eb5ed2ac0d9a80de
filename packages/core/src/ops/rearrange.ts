/** Copies that move or mask elements and keep the shape: `roll`, `tril` and `triu`. */
import { IndexError, RuntimeError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { cat } from './join.js';
import { checkIntArg } from './util.js';

/** `x` shifted by `shift` along dim `d`, wrapping around: the last `shift` slices come first. */
function rollDim(x: Tensor, shift: number, d: number): Tensor {
  const n = x.shape[d];
  const k = n === 0 ? 0 : ((shift % n) + n) % n;
  return k === 0 ? x.clone() : cat([x.narrow(d, n - k, k), x.narrow(d, 0, n - k)], d);
}

/**
 * `roll(shifts, dims?)`: elements shifted along each dim of `dims` by the matching shift, wrapping around; without
 * dims, over the flattened tensor, shape kept.
 */
export function roll(
  self: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[] | null,
): Tensor {
  const s = typeof shifts === 'number' ? [shifts] : [...shifts];
  const ds = dims === undefined || dims === null ? [] : typeof dims === 'number' ? [dims] : [...dims];
  s.forEach((v) => checkIntArg(v, 'roll', 'shifts', 2));
  if (ds.length === 0 ? s.length !== 1 : s.length !== ds.length)
    throw new RuntimeError(`shifts and dimensions must align. shifts: ${s.length}, dims:${ds.length}`);
  const normalized = ds.map((d) => normalizeDim(d, self.ndim));
  const out = noGrad(() =>
    normalized.length === 0
      ? rollDim(self.flatten(), s[0], 0).view(self.shape)
      : s.reduce((y, shift, i) => rollDim(y, shift, normalized[i]), self),
  );
  const back = s.map((v) => -v);
  recordOp('RollBackward0', [self], out, () => ([g]) => [roll(g, back, ds.length === 0 ? null : normalized)]);
  return out;
}

/** The matrices of the last two dims with the elements on one side of diagonal `diagonal` zeroed. */
function triangle(self: Tensor, diagonal: number, lower: boolean): Tensor {
  const name = lower ? 'tril' : 'triu';
  checkIntArg(diagonal, name, 'diagonal', 2);
  // PyTorch's IndexErrors for fewer than two dims
  if (self.ndim === 0) throw new IndexError('Dimension specified as -2 but tensor has no dimensions');
  normalizeDim(-2, self.ndim);
  const out = noGrad(() => self.contiguous().clone());
  const [rows, cols] = self.shape.slice(-2);
  const a = out._array;
  for (let base = 0; base < a.length; base += rows * cols) {
    for (let i = 0; i < rows; i++) {
      // tril keeps j - i <= diagonal, triu keeps j - i >= diagonal
      const from = lower ? Math.max(0, i + diagonal + 1) : 0;
      const to = lower ? cols : Math.min(cols, Math.max(0, i + diagonal));
      a.fill(0, base + i * cols + from, base + i * cols + Math.max(from, to));
    }
  }
  recordOp(lower ? 'TrilBackward0' : 'TriuBackward0', [self], out, () => ([g]) => [triangle(g, diagonal, lower)]);
  return out;
}

/** `tril(diagonal = 0)`: the lower triangle of the last two dims, on and below `diagonal`; zeros above. */
export function tril(self: Tensor, diagonal = 0): Tensor {
  return triangle(self, diagonal, true);
}

/** `triu(diagonal = 0)`: the upper triangle of the last two dims, on and above `diagonal`; zeros below. */
export function triu(self: Tensor, diagonal = 0): Tensor {
  return triangle(self, diagonal, false);
}
