/**
 * The activation functions torch.nn.functional reaches as single ATen ops (`torch._C._nn`): gelu, leaky_relu,
 * elu/selu/celu, silu, softplus, mish, hardtanh (relu6), hardsigmoid, hardswish, log_sigmoid, threshold,
 * hardshrink, softshrink, glu and prelu. Each records one node under PyTorch's name. Forwards take ATen's steps,
 * each rounded to the tensor's type as PyTorch's kernels round them (kernels/activation-formulas.ts, and for gelu
 * kernels/gelu.ts); backwards are written with tensor ops, so they are differentiable again (double backward)
 * like every core op.
 */
import { RuntimeError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import {
  atenGelu,
  atenGeluSlope,
  atenGeluTanh,
  atenGeluTanhSlope,
  dnnlGelu32,
  dnnlGeluSlope32,
} from '../kernels/gelu.js';
import { arithmeticOf } from '../kernels/fma.js';
import {
  eluForward,
  eluGradient,
  siluGradient,
  softplusGradient,
  hardsigmoidForward,
  hardswishForward,
  hardswishSlope,
  logSigmoidForward,
  logSigmoidSlope,
  mishForward,
  mishSlope,
  siluForward,
  softplusForward,
} from '../kernels/activation-formulas.js';
import { activation, FLAT } from './pointwise-activation.js';
import { UnaryOp } from '../kernels/contiguous.js';
import { where } from './binary.js';
import { checkFloat } from './util.js';
import { cat } from './join.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const GELU_BETA = Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5;
const GELU_KAPPA = 0.044715;

/**
 * gelu(x) = x Φ(x), or its tanh approximation 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))), computing what PyTorch's
 * CPU kernels compute (kernels/gelu.ts): for the exact form oneDNN's float32 kernel on a contiguous float32 tensor of
 * more than one element, otherwise, and for the approximation, ATen's formulas in the tensor's precision.
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh')
    throw new RuntimeError('approximate argument must be either none or tanh.');
  checkFloat(x, 'GeluKernelImpl');
  const float32 = x.dtype === 'float32';
  if (approximate === 'none') {
    // ATen's vectorised loop fuses the derivative's last multiply-add. A one-element tensor takes its scalar loop,
    // and so does a non-contiguous one in the backward, whose gradient and input then differ in layout.
    const several = x.numel() > 1;
    const vectorised = several && x.isContiguous();
    const oneDnn = float32 && vectorised;
    return activation(
      'Gelu',
      x,
      oneDnn ? dnnlGelu32 : (v) => atenGelu(v, float32),
      oneDnn ? dnnlGeluSlope32 : (v) => atenGeluSlope(v, float32, vectorised),
      // gelu'' = φ(x) (2 - x²)
      (v) => v.mul(v).mul(-0.5).exp().mul(INV_SQRT_2PI).mul(v.mul(v).neg().add(2)),
      // The kernels compute the contiguous, several-element case (oneDNN's float32, ATen's fused float64).
      { kernels: several ? { f: UnaryOp.gelu, d1: UnaryOp.geluDerivative } : undefined },
    );
  }
  return activation(
    'Gelu',
    x,
    (v) => atenGeluTanh(v, float32),
    (v) => atenGeluTanhSlope(v, float32),
    // With u = β (x + κ x³): gelu'' = (1 - t²) (u' + 0.5 x (u'' - 2 t u'²)), t = tanh u.
    (v) => {
      const t = v.add(v.mul(v).mul(v).mul(GELU_KAPPA)).mul(GELU_BETA).tanh();
      const du = v
        .mul(v)
        .mul(3 * GELU_KAPPA)
        .add(1)
        .mul(GELU_BETA);
      const ddu = v.mul(6 * GELU_BETA * GELU_KAPPA);
      return t
        .mul(t)
        .neg()
        .add(1)
        .mul(du.add(v.mul(0.5).mul(ddu.sub(t.mul(du).mul(du).mul(2)))));
    },
  );
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkFloat(x, 'leaky_relu_cpu');
  return activation(
    'LeakyRelu',
    x,
    (v) => (v > 0 ? v : v * negativeSlope),
    (v) => (v > 0 ? 1 : negativeSlope),
    null,
  );
}

/** elu (and selu through scale): x > 0 ? scale x : scale α (exp(inputScale x) - 1). */
export function elu(x: Tensor, alpha = 1, scale = 1, inputScale = 1): Tensor {
  checkFloat(x, 'elu_cpu');
  return eluNamed('Elu', x, alpha, scale, inputScale);
}

function eluNamed(name: string, x: Tensor, alpha: number, scale: number, inputScale: number): Tensor {
  const k = alpha * scale * inputScale;
  const r = arithmeticOf(x.dtype === 'float32').round;
  return activation(
    name,
    x,
    // x <= 0 ? exp branch : linear, as PyTorch's scalar loop; its vectorised loop, which most elements of a
    // tensor go through, tests x > 0 instead, and so gives NaN the exponential branch: that is the rule here.
    // exp(x) - 1 rather than expm1, as ATen computes it.
    eluForward(alpha, scale, inputScale, r),
    (v) => (v > 0 ? scale : k * Math.exp(v * inputScale)),
    (v) =>
      where(
        v.gt(0),
        0,
        v
          .mul(inputScale)
          .exp()
          .mul(k * inputScale),
      ),
    { gradient: eluGradient(alpha, scale, inputScale, r) },
  );
}

function sigmoidScalar(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** silu(x) = x sigmoid(x). */
export function silu(x: Tensor): Tensor {
  checkFloat(x, 'silu_cpu');
  const float32 = x.dtype === 'float32';
  return activation(
    'Silu',
    x,
    siluForward(arithmeticOf(float32).round),
    (v) => {
      const s = sigmoidScalar(v);
      return s * (1 + v * (1 - s));
    },
    // silu'' = s (1 - s) (2 + x (1 - 2 s))
    (v) => {
      const s = v.sigmoid();
      return s.mul(s.neg().add(1)).mul(v.mul(s.mul(-2).add(1)).add(2));
    },
    { gradient: siluGradient(arithmeticOf(float32).round, arithmeticOf(float32).madd) },
  );
}

/** softplus(x) = log(1 + exp(βx)) / β, and x itself where βx > threshold. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkFloat(x, 'softplus_cpu');
  const r = arithmeticOf(x.dtype === 'float32').round;
  return activation(
    'Softplus',
    x,
    softplusForward(beta, threshold, r),
    (v) => (v * beta > threshold ? 1 : sigmoidScalar(v * beta)),
    (v) => {
      const s = v.mul(beta).sigmoid();
      return where(v.mul(beta).gt(threshold), 0, s.mul(s.neg().add(1)).mul(beta));
    },
    { gradient: softplusGradient(beta, threshold, r) },
  );
}

/** celu(x) = max(0, x) + min(0, α (exp(x / α) - 1)): elu with its input scaled by 1/α (PyTorch's CeluBackward0). */
export function celu(x: Tensor, alpha = 1): Tensor {
  checkFloat(x, 'elu_cpu');
  if (alpha === 0) throw new RuntimeError('ZeroDivisionError');
  return eluNamed('Celu', x, alpha, 1, 1 / alpha);
}

/** hardtanh(x) = x clamped to [minVal, maxVal] (relu6 is hardtanh(x, 0, 6)); the gradient is 0 at and past the ends. */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (x.dtype === 'bool') throw new RuntimeError('"hardtanh_backward_cpu" not implemented for \'Bool\'');
  if (minVal > maxVal) throw new RuntimeError('min_val cannot be greater than max_val');
  return activation(
    'Hardtanh',
    x,
    (v) => (v < minVal ? minVal : v > maxVal ? maxVal : v),
    // Strictly inside, as PyTorch's vectorised loop tests it (a NaN gets no gradient; its scalar loop, which only
    // a tensor's last few elements go through, would pass it on).
    (v) => (v > minVal && v < maxVal ? 1 : 0),
    null,
    { zeroWhere: FLAT },
  );
}

const ONE_SIXTH_FLOAT = Math.fround(1 / 6);

/** hardsigmoid(x) = relu6(x + 3) / 6. */
export function hardsigmoid(x: Tensor): Tensor {
  checkFloat(x, 'hardsigmoid_cpu');
  return activation(
    'Hardsigmoid',
    x,
    hardsigmoidForward(arithmeticOf(x.dtype === 'float32').round),
    // PyTorch's kernel multiplies by 1.0f / 6.0f, a C float, for float64 too.
    (v) => (v > -3 && v < 3 ? ONE_SIXTH_FLOAT : 0),
    null,
    { zeroWhere: FLAT },
  );
}

/** hardswish(x) = x relu6(x + 3) / 6. */
export function hardswish(x: Tensor): Tensor {
  checkFloat(x, 'hardswish_cpu');
  const r = arithmeticOf(x.dtype === 'float32').round;
  return activation(
    'Hardswish',
    x,
    hardswishForward(r),
    hardswishSlope(r),
    (v) => where(v.gt(-3).logicalAnd(v.lt(3)), 1 / 3, 0),
    { zeroWhere: (v) => v.lt(-3) },
  );
}

/** mish(x) = x tanh(softplus(x)). */
export function mish(x: Tensor): Tensor {
  checkFloat(x, 'mish_cpu');
  const float32 = x.dtype === 'float32';
  const r = arithmeticOf(float32).round;
  return activation(
    'Mish',
    x,
    mishForward(r),
    mishSlope(r, arithmeticOf(float32).madd),
    // mish'' = s (1 - t²) (2 + x (1 - s - 2 t s)), s = sigmoid(x), t = tanh(softplus(x)).
    (v) => {
      const s = v.sigmoid();
      const t = softplus(v).tanh();
      const sech2 = t.mul(t).neg().add(1);
      return s.mul(sech2).mul(v.mul(s.neg().add(1).sub(t.mul(s).mul(2))).add(2));
    },
  );
}

/** log(sigmoid(x)), without overflow either way. */
export function logSigmoid(x: Tensor): Tensor {
  checkFloat(x, 'log_sigmoid_forward');
  const r = arithmeticOf(x.dtype === 'float32').round;
  return activation('LogSigmoid', x, logSigmoidForward(r), logSigmoidSlope(r), (v) => {
    const s = v.sigmoid();
    return s.mul(s.neg().add(1)).neg();
  });
}

/** threshold(x) = x where x > threshold, else `value`. */
export function threshold(x: Tensor, thresholdValue: number, value: number): Tensor {
  return activation(
    'Threshold',
    x,
    // x <= threshold is replaced, as PyTorch tests it: NaN stays, with its gradient.
    (v) => (v <= thresholdValue ? value : v),
    (v) => (v <= thresholdValue ? 0 : 1),
    null,
    { zeroWhere: FLAT },
  );
}

/** The shrinks' gradient: 1 outside [-λ, λ], as PyTorch's vectorised loop tests it (so 0 for NaN). */
function shrinkSlope(v: number, lambd: number): number {
  return v < -lambd || v > lambd ? 1 : 0;
}

/** hardshrink(x) = x where |x| > λ, else 0. */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  checkFloat(x, 'hardshrink_cpu');
  return activation(
    'Hardshrink',
    x,
    (v) => (v >= -lambd && v <= lambd ? 0 : v),
    (v) => shrinkSlope(v, lambd),
    null,
    { zeroWhere: FLAT },
  );
}

/** softshrink(x) = x - λ above λ, x + λ below -λ, else 0. */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  checkFloat(x, 'softshrink_cpu');
  if (lambd < 0) throw new RuntimeError(`lambda must be greater or equal to 0, but found to be ${lambd}.`);
  return activation(
    'Softshrink',
    x,
    (v) => (v > lambd ? v - lambd : v < -lambd ? v + lambd : 0),
    (v) => shrinkSlope(v, lambd),
    null,
    { zeroWhere: FLAT },
  );
}

/** glu(x, dim) = a sigmoid(b), where a and b are the halves of x along `dim`. */
export function glu(x: Tensor, dim = -1): Tensor {
  checkFloat(x, 'glu_cpu');
  if (x.ndim === 0) throw new RuntimeError('glu does not support scalars because halving size must be even');
  const d = normalizeDim(dim, x.ndim);
  const size = x.shape[d];
  if (size % 2 !== 0) throw new RuntimeError(`Halving dimension must be even, but dimension ${d} is size ${size}`);
  const half = size / 2;
  const out = noGrad(() => x.narrow(d, 0, half).mul(x.narrow(d, half, half).sigmoid()));
  recordOp('GluBackward0', [x], out, (save) => {
    const sx = save(x);
    return ([g]) => {
      const [a, s] = [sx().narrow(d, 0, half), sx().narrow(d, half, half).sigmoid()];
      return [cat([g.mul(s), g.mul(a).mul(s).mul(s.neg().add(1))], d)];
    };
  });
  return out;
}

/** prelu(x, weight) = x where x > 0, else weight · x, with one weight for all channels or one per channel (dim 1). */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  checkFloat(x, 'prelu_cpu');
  const count = weight.numel();
  const channels = x.ndim >= 2 ? x.shape[1] : 1;
  if (count !== 1 && count !== channels) {
    throw new RuntimeError(
      `Mismatch of parameter numbers and input channel size. Found parameter numbers = ${count} and channel size = ${channels}.`,
    );
  }
  const shape = x.ndim >= 2 && count > 1 ? x.shape.map((n, i) => (i === 1 ? n : 1)) : [];
  const w = (t: Tensor): Tensor => t.reshape(shape);
  const out = noGrad(() => where(x.gt(0), x, w(weight).mul(x)));
  const wShape = weight.shape;
  recordOp('PreluBackward0', [x, weight], out, (save, needs) => {
    const [sx, sw] = [save(x), save(weight)];
    return ([g]) => {
      const positive = sx().gt(0);
      return [
        needs[0] && where(positive, g, g.mul(w(sw()))),
        needs[1] && where(positive, 0, g.mul(sx())).sumToSize(shape).reshape(wShape),
      ];
    };
  });
  return out;
}
