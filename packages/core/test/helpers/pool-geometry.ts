// Square pooling geometry for the kernel tests: the same kernel size, stride, padding and dilation along both axes.
import { type PoolGeometry, poolOutputSize } from '../../src/kernels/pool.js';

/** `planes` planes of H x W pooled by k x k windows (stride s, padding p, dilation d), output sizes as PyTorch's. */
export function squarePool(
  planes: number,
  H: number,
  W: number,
  k: number,
  s: number,
  p: number,
  d: number,
  ceil: boolean,
): PoolGeometry {
  return {
    planes,
    H,
    W,
    kh: k,
    kw: k,
    sh: s,
    sw: s,
    ph: p,
    pw: p,
    dh: d,
    dw: d,
    OH: poolOutputSize(H, k, p, s, d, ceil),
    OW: poolOutputSize(W, k, p, s, d, ceil),
  };
}
