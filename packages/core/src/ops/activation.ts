/** Activations and the softmax family, with numerically stable forwards. */
import { isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { unaryForward } from './unary.js';
import { where } from './binary.js';

export function relu(x: Tensor): Tensor {
  if (x.dtype === 'bool') throw new RuntimeError('"clamp_min_cpu" not implemented for \'Bool\'');
  const out = unaryForward(x, (v) => (v > 0 || v !== v ? v : 0), false);
  recordOp('ReluBackward0', [x], out, (save) => {
    const so = save(out);
    return ([g]) => [where(so().gt(0), g, 0)];
  });
  return out;
}

export function sigmoid(x: Tensor): Tensor {
  const out = unaryForward(x, (v) => 1 / (1 + Math.exp(-v)), true);
  recordOp('SigmoidBackward0', [x], out, (save) => {
    const so = save(out);
    return ([g]) => [g.mul(so().neg().add(1).mul(so()))];
  });
  return out;
}

export function tanh(x: Tensor): Tensor {
  const out = unaryForward(x, Math.tanh, true);
  recordOp('TanhBackward0', [x], out, (save) => {
    const so = save(out);
    return ([g]) => [g.mul(so().mul(so()).neg().add(1))];
  });
  return out;
}

function softmaxInput(x: Tensor, dim: number): { input: Tensor; d: number } {
  const d = normalizeDim(dim, x.ndim);
  if (!isFloatingPoint(x.dtype)) {
    throw new RuntimeError(`"softmax_lastdim_kernel_impl" not implemented for '${scalarTypeName(x.dtype)}'`);
  }
  return { input: x, d };
}

/** log_softmax: x - max - log(sum(exp(x - max))), exact for large logits. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const { input, d } = softmaxInput(x, dim);
  const det = input.detach();
  const shifted = det.sub(det.amax(d, { keepdim: true }).detach());
  const out = shifted.sub(shifted.exp().sum(d, { keepdim: true }).log());
  recordOp('LogSoftmaxBackward0', [x], out, (save) => {
    const so = save(out);
    return ([g]) => [g.sub(so().exp().mul(g.sum(d, { keepdim: true })))];
  });
  return out;
}

export function softmax(x: Tensor, dim: number): Tensor {
  const { input, d } = softmaxInput(x, dim);
  const det = input.detach();
  const e = det.sub(det.amax(d, { keepdim: true })).exp();
  const out = e.div(e.sum(d, { keepdim: true }));
  recordOp('SoftmaxBackward0', [x], out, (save) => {
    const so = save(out);
    return ([g]) => {
      const y = so();
      return [y.mul(g.sub(g.mul(y).sum(d, { keepdim: true })))];
    };
  });
  return out;
}
