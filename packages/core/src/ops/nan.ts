/** The NaN-aware ops: `nansum` and `nanmean` (NaN counted as absent) and `nanToNum` (NaN and infinities replaced). */
import { type DType, isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { FLOAT32_MAX } from '../random.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Dims, ReduceOptions, Tensor } from '../tensor.js';
import { where } from './binary.js';
import { parseArgs, reduceDims, unsqueezeDims } from './reduce.js';

/** x with its NaNs made 0 (integers have none). */
function nanAsZero(x: Tensor): Tensor {
  return isFloatingPoint(x.dtype) ? where(x.isnan(), 0, x) : x;
}

/** The sum of all elements, or along `dim`, NaN counted as zero (integers give int64). */
export function nansum(
  x: Tensor,
  dimOrOptions?: Dims | ReduceOptions | null,
  options?: (ReduceOptions & { dtype?: DType }) | boolean,
): Tensor {
  const { dim, keepdim, opts } = parseArgs(dimOrOptions, options);
  const dtype = (opts as { dtype?: DType } | undefined)?.dtype;
  const dims = reduceDims(x, dim);
  const out = noGrad(() => nanAsZero(x).sum(dim === null ? null : dims, { keepdim, dtype }));
  const inShape = x.shape;
  recordOp('NansumBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => [unsqueezeDims(g, dims, inShape.length, keepdim).mul(sx().isnan().logicalNot())];
  });
  return out;
}

/**
 * The mean of the elements that are not NaN, in all or along `dim` (floating-point tensors only): NaN where every
 * element is. As in PyTorch, the nansum divided by the count, so its node is `DivBackward0`.
 */
export function nanmean(
  x: Tensor,
  dimOrOptions?: Dims | ReduceOptions | null,
  options?: ReduceOptions | boolean,
): Tensor {
  if (!isFloatingPoint(x.dtype)) {
    throw new RuntimeError(`nanmean(): expected input to have floating point dtype but got ${scalarTypeName(x.dtype)}`);
  }
  const { dim, keepdim } = parseArgs(dimOrOptions, options);
  const dims = dim === null ? null : reduceDims(x, dim);
  const count = noGrad(() => x.isnan().logicalNot().sum(dims, { keepdim }));
  return nansum(x, dims, { keepdim }).div(count);
}

/** What `nanToNum` puts in place of NaN, +∞ and -∞ (the dtype's largest and lowest values by default). */
export interface NanToNumOptions {
  nan?: number;
  posinf?: number | null;
  neginf?: number | null;
}

/**
 * A copy with NaN replaced by `nan` (0), +∞ by `posinf` and -∞ by `neginf` (the dtype's largest and lowest finite
 * values); integer tensors are copied as they are.
 */
export function nanToNum(x: Tensor, options: NanToNumOptions = {}): Tensor {
  const largest = x.dtype === 'float32' ? FLOAT32_MAX : Number.MAX_VALUE;
  const nan = options.nan ?? 0;
  const posinf = options.posinf ?? largest;
  const neginf = options.neginf ?? -largest;
  const out = noGrad(() => {
    if (!isFloatingPoint(x.dtype)) return x.clone();
    const finite = where(x.isnan(), nan, x);
    return where(finite.isposinf(), posinf, where(finite.isneginf(), neginf, finite));
  });
  recordOp('NanToNumBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => [g.mul(sx().isfinite())];
  });
  return out;
}
