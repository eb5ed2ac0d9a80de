/**
 * The optimizers' fused per-parameter updates: one backend kernel per parameter instead of a chain of in-place
 * tensor ops, with the same numbers (PyTorch's float32 rounding, step for step). Each returns false, touching
 * nothing, when the tensors do not qualify (a dtype other than float32/float64, a view, mixed dtypes or shapes,
 * shared storage); the optimizer then takes the tensor-op path.
 */
import { overlaps } from '../kernels/argument-checks.js';
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** A type, not an interface: @kindling/optim extends it into its parameter-group record. */
export type SgdHyper = {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
};

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW's decoupled weight decay. */
  decoupled: boolean;
  amsgrad: boolean;
  maximize: boolean;
  /** The step count after this step's increment (1 on the first step). */
  step: number;
}

/** Contiguous float tensors of one dtype and shape on storages of their own, each with its array span. */
function spans(tensors: readonly (Tensor | null)[]): FloatArray[] | null {
  const first = tensors[0] as Tensor;
  if (first.dtype !== 'float32' && first.dtype !== 'float64') return null;
  const arrays: FloatArray[] = [];
  const storages: FloatArray[] = [];
  for (const t of tensors) {
    if (t === null) continue;
    if (t.dtype !== first.dtype || !t.isContiguous() || !shapesEqual(t._shape, first._shape)) return null;
    if (storages.some((a) => overlaps(a, 0, a.length, t._array, 0, t._array.length))) return null;
    storages.push(t._array as FloatArray);
    arrays.push(t._array.subarray(t._offset, t._offset + t.numel()) as FloatArray);
  }
  return arrays;
}

/**
 * SGD's update of `param` from its gradient, in place. `momentumBuffer` is required when momentum is not 0;
 * `firstStep` says it holds nothing yet (it is then set to the gradient, as PyTorch's clone).
 */
export function _fusedSgdUpdate_(
  param: Tensor,
  grad: Tensor,
  momentumBuffer: Tensor | null,
  hyper: SgdHyper,
  firstStep: boolean,
): boolean {
  const buf = hyper.momentum !== 0 ? momentumBuffer : null;
  if (hyper.momentum !== 0 && buf === null) return false;
  const arrays = spans([param, grad, buf]);
  if (arrays === null) return false;
  const [p, g, b] = arrays;
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = hyper;
  getKernelBackend().sgdUpdate(
    p,
    g,
    b ?? null,
    p.length,
    lr,
    momentum,
    dampening,
    weightDecay,
    nesterov,
    maximize,
    firstStep,
  );
  param._version.bump();
  buf?._version.bump();
  return true;
}

/** Adam's (AdamW's, with `decoupled`) update of `param` and its moment estimates, in place. */
export function _fusedAdamUpdate_(
  param: Tensor,
  grad: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  maxExpAvgSq: Tensor | null,
  hyper: AdamHyper,
): boolean {
  const arrays = spans([param, grad, expAvg, expAvgSq, hyper.amsgrad ? maxExpAvgSq : null]);
  if (arrays === null || (hyper.amsgrad && maxExpAvgSq === null)) return false;
  const [p, g, m, v, vmax] = arrays;
  const { lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize, step } = hyper;
  getKernelBackend().adamUpdate(
    p,
    g,
    m,
    v,
    vmax ?? null,
    p.length,
    lr,
    beta1,
    beta2,
    eps,
    weightDecay,
    decoupled,
    amsgrad,
    maximize,
    step,
  );
  for (const t of [param, expAvg, expAvgSq, amsgrad ? maxExpAvgSq : null]) t?._version.bump();
  return true;
}

export interface AdadeltaHyper {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** Adadelta's update of `param` and its running averages, in place. */
export function _fusedAdadeltaUpdate_(
  param: Tensor,
  grad: Tensor,
  squareAvg: Tensor,
  accDelta: Tensor,
  hyper: AdadeltaHyper,
): boolean {
  const arrays = spans([param, grad, squareAvg, accDelta]);
  if (arrays === null) return false;
  const [p, g, s, d] = arrays;
  getKernelBackend().adadeltaUpdate(
    p,
    g,
    s,
    d,
    p.length,
    hyper.lr,
    hyper.rho,
    hyper.eps,
    hyper.weightDecay,
    hyper.maximize,
  );
  for (const t of [param, squareAvg, accDelta]) t._version.bump();
  return true;
}
