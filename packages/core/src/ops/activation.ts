/** Activations and the softmax family, with numerically stable forwards; and logit, the sigmoid's inverse. */
import { isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { aroundDims, broadcastShapes, normalizeDim } from '../shape.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { unaryForward } from './unary-forward.js';
import { UnaryOp } from '../kernels/contiguous.js';
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { resultDType, uninitialized, worthABackendCall } from './util.js';
import { binaryForward, binaryOnBackend, where } from './binary.js';
import { sigmoidGradF32, sigmoidGradF64, tanhGradF32, tanhGradF64 } from '../kernels/activation-formulas.js';

export function relu(x: Tensor): Tensor {
  if (x.dtype === 'bool') throw new RuntimeError('"clamp_min_cpu" not implemented for \'Bool\'');
  // PyTorch's clamp_min(0): NaN and -0 pass through.
  const out = unaryForward(x, (v) => (v < 0 ? 0 : v), false, undefined, UnaryOp.relu);
  recordOp('ReluBackward0', [x], out, (save) => {
    const so = save(out);
    return ([g]) => [reluGrad(g, so())];
  });
  return out;
}

/**
 * relu's input gradient from its output y: PyTorch's threshold_backward, `y <= 0 ? 0 : g` (a NaN output passes
 * the gradient through). A backend kernel in a plain backward; tensor ops when the backward is recorded.
 */
function reluGrad(g: Tensor, y: Tensor): Tensor {
  if (!isGradEnabled() && g.dtype === y.dtype && worthABackendCall(y.numel())) {
    const shape = broadcastShapes(g._shape, y._shape);
    const out = uninitialized(shape, y.dtype);
    if (binaryOnBackend('reluBackward', g, y, shape, out._array, 0, 1)) return out;
  }
  return where(y.le(0), 0, g);
}

/**
 * The activations' backward ops from the gradient g and the activation's output y, one kernel each as in PyTorch
 * (tanh_backward, sigmoid_backward), and differentiable again with PyTorch's formulas for the output's gradient.
 */
const ACTIVATION_BACKWARD = {
  tanhBackward: {
    node: 'TanhBackwardBackward0',
    f32: tanhGradF32,
    f64: tanhGradF64,
    outputGrad: (gg: Tensor, g: Tensor, y: Tensor) => gg.mul(y.mul(-2).mul(g)),
  },
  sigmoidBackward: {
    node: 'SigmoidBackwardBackward0',
    f32: sigmoidGradF32,
    f64: sigmoidGradF64,
    outputGrad: (gg: Tensor, g: Tensor, y: Tensor) => gg.mul(g).mul(y.mul(-2).add(1)),
  },
} as const;

function activationBackward(op: keyof typeof ACTIVATION_BACKWARD, g: Tensor, y: Tensor): Tensor {
  const k = ACTIVATION_BACKWARD[op];
  const dtype = resultDType(g, y);
  const out = binaryForward(g, y, dtype, dtype === 'float32' ? k.f32 : k.f64, op);
  recordOp(k.node, [g, y], out, (save, needs) => {
    const sy = save(y);
    const sg = needs[1] ? save(g) : null;
    return ([gg]) => [needs[0] && activationBackward(op, gg, sy()), sg && k.outputGrad(gg, sg(), sy())];
  });
  return out;
}

export function tanhBackward(g: Tensor, y: Tensor): Tensor {
  return activationBackward('tanhBackward', g, y);
}

export function sigmoidBackward(g: Tensor, y: Tensor): Tensor {
  return activationBackward('sigmoidBackward', g, y);
}

function softmaxInput(x: Tensor, dim: number): { input: Tensor; d: number } {
  const d = normalizeDim(dim, x.ndim);
  if (!isFloatingPoint(x.dtype)) {
    throw new RuntimeError(`"softmax_lastdim_kernel_impl" not implemented for '${scalarTypeName(x.dtype)}'`);
  }
  return { input: x, d };
}

/** softmax or log_softmax along d on the backend: max-shifted, sums in double, exact for large logits. */
function softmaxForward(x: Tensor, d: number, log: boolean): Tensor {
  const xc = x.contiguous();
  const out = uninitialized(x._shape, x.dtype);
  const [outer, size, inner] = aroundDims(x._shape, d);
  getKernelBackend().softmax(xc._array as FloatArray, xc._offset, out._array as FloatArray, outer, size, inner, log);
  return out;
}

/**
 * The input gradient of softmax (log_softmax) from its output y: a backend kernel in a plain backward, the same
 * formula as tensor ops when the backward itself is recorded (createGraph), so that it can be differentiated.
 */
function softmaxGrad(y: Tensor, g: Tensor, d: number, log: boolean): Tensor {
  if (isGradEnabled()) {
    return log ? g.sub(y.exp().mul(g.sum(d, { keepdim: true }))) : y.mul(g.sub(g.mul(y).sum(d, { keepdim: true })));
  }
  const yc = y.contiguous();
  const gc = g.to(y.dtype).contiguous();
  const gx = uninitialized(y._shape, y.dtype);
  const [outer, size, inner] = aroundDims(y._shape, d);
  getKernelBackend().softmaxBackward(
    yc._array.subarray(yc._offset) as FloatArray,
    gc._array.subarray(gc._offset) as FloatArray,
    gx._array as FloatArray,
    outer,
    size,
    inner,
    log,
  );
  return gx;
}

/** log_softmax: x - max - log(sum(exp(x - max))), exact for large logits. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return softmaxOp(x, dim, true);
}

export function softmax(x: Tensor, dim: number): Tensor {
  return softmaxOp(x, dim, false);
}

/** softmax, or log_softmax when `log`: one node (SoftmaxBackward0 / LogSoftmaxBackward0) saving its output. */
function softmaxOp(x: Tensor, dim: number, log: boolean): Tensor {
  const { input, d } = softmaxInput(x, dim);
  const out = softmaxForward(input, d, log);
  recordOp(log ? 'LogSoftmaxBackward0' : 'SoftmaxBackward0', [x], out, (save) => {
    const so = save(out);
    return ([g]) => [softmaxGrad(so(), g, d, log)];
  });
  return out;
}

/**
 * `log(x / (1 - x))`, the inverse of the sigmoid; with `eps`, x clamped to [eps, 1 - eps] first (and the gradient
 * 0 outside), else NaN outside [0, 1]. Integers become float32.
 */
export function logit(x: Tensor, eps: number | null = null): Tensor {
  // The bounds in the result's precision, as PyTorch's kernel holds them.
  const round = x.dtype === 'float64' ? (v: number) => v : Math.fround;
  const lo = eps === null ? 0 : round(eps);
  const hi = eps === null ? 1 : round(1 - lo);
  const clamped = eps === null ? (v: number) => v : (v: number) => (v < lo ? lo : v > hi ? hi : v);
  const out = unaryForward(
    x,
    (v) => {
      const z = clamped(v);
      return Math.log(z / (1 - z));
    },
    true,
  );
  recordOp('LogitBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => {
      const v = sx();
      const outside = v.lt(lo).logicalOr(v.gt(hi));
      return [where(outside, eps === null ? NaN : 0, g.div(v.mul(v.neg().add(1))))];
    };
  });
  return out;
}
