/** `Tensor.norm` / `torch.norm` over all elements or along dims: PyTorch 1.13's forms and its NormBackward1. */
import { isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { normalizeDims } from '../shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Dims, Tensor } from '../tensor.js';
import { where } from './binary.js';

export type NormOrder = number | 'fro';

export interface NormOptions {
  p?: NormOrder;
  dim?: Dims | null;
  keepdim?: boolean;
}

/** norm(p = 'fro', dim = null, keepdim = false), positionally or as an options object. */
export function norm(
  x: Tensor,
  pOrOptions?: NormOrder | NormOptions | null,
  dimArg?: Dims | null,
  keepdimArg?: boolean,
): Tensor {
  const o: NormOptions =
    typeof pOrOptions === 'object' && pOrOptions !== null
      ? pOrOptions
      : { p: pOrOptions ?? undefined, dim: dimArg, keepdim: keepdimArg };
  const p = o.p ?? 'fro';
  const keepdim = o.keepdim ?? false;
  if (!isFloatingPoint(x.dtype)) {
    throw new RuntimeError(
      `norm(): input dtype should be either floating point or complex. Got ${scalarTypeName(x.dtype)} instead.`,
    );
  }
  if (p !== 'fro' && typeof p !== 'number')
    throw new RuntimeError(`norm(): p must be a number or 'fro', got ${String(p)}`);
  const dims = normalizeDims(o.dim ?? null, x.ndim);
  const order = p === 'fro' ? 2 : p;
  const out = noGrad(() => {
    const a = x.abs();
    if (order === Infinity) return a.amax(dims, { keepdim });
    if (order === -Infinity) return a.amin(dims, { keepdim });
    if (order === 0) return x.ne(0).sum(dims, { keepdim }).to(x.dtype);
    if (order === 1) return a.sum(dims, { keepdim });
    if (order === 2) return x.mul(x).sum(dims, { keepdim }).sqrt();
    return a
      .pow(order)
      .sum(dims, { keepdim })
      .pow(1 / order);
  });
  const full = dims.length === 0 ? [] : dims;
  recordOp('NormBackward1', [x], out, (save) => {
    const sx = save(x);
    const so = save(out);
    // The 0-norm counts nonzeros: PyTorch's backward gives no gradient at all (x.grad stays None).
    return ([g]) => [order === 0 ? null : normBackward(g, sx(), so(), order, full, keepdim)];
  });
  return out;
}

/** PyTorch's norm_backward: the gradient where the norm is 0 is 0, and ties of the infinity norm share it. */
function normBackward(g: Tensor, x: Tensor, n: Tensor, p: number, dims: number[], keepdim: boolean): Tensor {
  // The reduced dims back as size 1, so the norm and its gradient broadcast over x.
  const expand = (t: Tensor): Tensor =>
    keepdim || x.ndim === 0 ? t : dims.length === 0 ? t.reshape(x.shape.map(() => 1)) : unsqueezeAll(t, dims);
  const gk = expand(g);
  const nk = expand(n);
  if (p === 1) return x.sign().mul(gk);
  if (p === Infinity || p === -Infinity) {
    const mask = x.abs().eq(nk).to(x.dtype);
    const count = dims.length === 0 ? mask.sum() : mask.sum(dims, { keepdim: true });
    return x.sign().mul(mask).mul(gk.div(count));
  }
  const scale = p === 2 ? gk.div(nk) : gk.div(nk.pow(p - 1));
  const grad = p === 2 ? x.mul(scale) : x.mul(x.abs().pow(p - 2)).mul(scale);
  return where(nk.eq(0), 0, grad);
}

function unsqueezeAll(t: Tensor, dims: number[]): Tensor {
  let out = t;
  for (const d of [...dims].sort((a, b) => a - b)) out = out.unsqueeze(d);
  return out;
}
