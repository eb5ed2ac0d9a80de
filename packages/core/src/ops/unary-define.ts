/**
 * How an entry of the one-tensor elementwise table (ops/unary.ts) is made: its forward over every layout and
 * dtype, its autograd node, and PyTorch's `out=`.
 */
import type { UnaryFn } from '../kernels/elementwise.js';
import { recordOp } from '../autograd/record.js';
import type { Tensor } from '../tensor.js';
import { unaryForward } from './unary-forward.js';
import { type OutOptions, withOut } from './out.js';
import { zerosLike } from '../creation.js';

/** A table entry: `op(t)`, or `op(t, { out })` to write the result into `out` (PyTorch's `out=`). */
export type UnaryFunction = (x: Tensor, options?: OutOptions) => Tensor;

/** The function form of `op`, taking PyTorch's `out=` as a trailing option. */
export function withOutOption(name: string, op: (x: Tensor) => Tensor): UnaryFunction {
  return (x, options) => (options?.out == null ? op(x) : withOut(name, options.out, [x], () => op(x)));
}

/** An op's gradient: the output gradient `g`, and the input and the result for the op that saved them. */
export type UnaryGrad = (g: Tensor, x: () => Tensor, out: () => Tensor) => Tensor;

/** What a differentiable entry computes besides its per-element function. */
export interface UnarySpec {
  /** Integer and bool inputs become float32 first (exp, log, the trigonometric functions). */
  floatResult?: boolean;
  /** What the backward reads: the input, the result, or neither. */
  saves: 'input' | 'output' | 'none';
  grad: UnaryGrad;
  /** The backend's UnaryOp code, where it has a kernel for the op. */
  kernel?: number;
  /** The per-element function for float32 inputs, where PyTorch rounds its steps to float32 (sigmoid). */
  f32?: UnaryFn;
  /** PyTorch's error for a dtype the op does not take (`"frac_cpu" not implemented for 'Long'`). */
  check?: (x: Tensor) => void;
}

/** A differentiable op: `f` per element, recording the node `node` whose backward is `spec.grad`. */
export function define(name: string, node: string, f: UnaryFn, spec: UnarySpec): UnaryFunction {
  const { floatResult = false, saves, grad, kernel, check, f32 } = spec;
  return withOutOption(name, (x) => {
    check?.(x);
    const out = unaryForward(x, f, floatResult, undefined, kernel, f32);
    recordOp(node, [x], out, (save) => {
      const sx = saves === 'input' ? save(x) : null;
      const so = saves === 'output' ? save(out) : null;
      return ([g]) => [
        grad(
          g,
          () => (sx as () => Tensor)(),
          () => (so as () => Tensor)(),
        ),
      ];
    });
    return out;
  });
}

/** An op whose result is a bool tensor (no gradient). */
export function predicate(name: string, f: UnaryFn): UnaryFunction {
  return withOutOption(name, (x) => unaryForward(x, f, false, 'bool'));
}

/**
 * The gradient of a piecewise-constant op (floor, trunc, sign, ...): zeros, as PyTorch's zeros_like(grad), even
 * where the incoming gradient is infinite or NaN.
 */
export const zeroGrad: UnaryGrad = (g) => zerosLike(g);
