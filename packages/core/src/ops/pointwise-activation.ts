/**
 * The pointwise activation op of ops/nn-activations.ts: its forward over every layout, and a backward that is
 * one pass over the input (PyTorch's order of operations where its kernel multiplies the gradient in first) and
 * differentiable again.
 */
import { isGradEnabled } from '../autograd/grad-mode.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { unaryForward } from './unary-forward.js';
import { binaryForward, where } from './binary.js';
import { zerosLike } from '../creation.js';

/**
 * A pointwise activation: its value f and derivative f' per element in one pass each (ATen's steps in the
 * tensor's type: kernels/activation-formulas.ts); the derivative is an op of its own (`<Name>BackwardBackward0`)
 * whose gradient, f'', is written with tensor ops, so double backward works while the first-order backward stays
 * one pass over the input.
 */
export function activation(
  name: string,
  x: Tensor,
  f: (v: number) => number,
  d1: (v: number) => number,
  /** The second derivative as a tensor op, or null where it is 0 (a piecewise-linear activation). */
  d2: ((x: Tensor) => Tensor) | null,
  options: {
    /** Backend kernels for f and f'. */
    kernels?: { f: number; d1: number };
    /**
     * Where PyTorch's backward selects 0 rather than multiplying by a zero slope, as a mask of the input (and the
     * slope): there an infinite or NaN gradient stops.
     */
    zeroWhere?: (x: Tensor, slope: Tensor) => Tensor;
    /**
     * PyTorch's input gradient per element from g and x, where its backward kernel multiplies g in first rather
     * than by a slope (elu's, silu's, softplus's): a plain backward computes it so, in PyTorch's order of
     * operations. A recorded backward (createGraph) multiplies by the slope, so that it can be differentiated.
     */
    gradient?: (g: number, v: number) => number;
  } = {},
): Tensor {
  const { kernels, zeroWhere, gradient } = options;
  const out = unaryForward(x, f, true, undefined, kernels?.f);
  recordOp(`${name}Backward0`, [x], out, (save) => {
    const sx = save(x);
    return ([g]) => {
      const v = sx();
      if (gradient !== undefined && !isGradEnabled() && g.dtype === v.dtype) {
        return [binaryForward(g, v, v.dtype, gradient)];
      }
      const slope = unaryForward(v, d1, true, undefined, kernels?.d1);
      recordOp(`${name}BackwardBackward0`, [v], slope, (save2) => {
        const sv = save2(v);
        // PyTorch's zeros_like(grad) where the slope is piecewise constant: 0 even for an infinite or NaN gg.
        return ([gg]) => [d2 === null ? zerosLike(gg) : gg.mul(d2(sv()))];
      });
      const stops = zeroWhere ? zeroWhere(v, slope) : null;
      // Outside a recorded backward nothing else holds the slope: the product can overwrite it (no new buffer).
      const gx = isGradEnabled() ? g.mul(slope) : slope.mul_(g);
      return [stops === null ? gx : where(stops, 0, gx)];
    };
  });
  return out;
}

/** The piecewise-linear activations select 0 wherever their slope is 0. */
export const FLAT = (_x: Tensor, slope: Tensor): Tensor => slope.eq(0);
