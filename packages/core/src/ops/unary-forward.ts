/** The forward loop every one-tensor elementwise op shares. */
import { type DType, isFloatingPoint } from '../dtype.js';
import { contiguousUnary, unaryKernel, type UnaryFn } from '../kernels/elementwise.js';
import type { FloatArray } from '../kernels/gemm.js';
import { getKernelBackend } from '../kernels/registry.js';
import type { Tensor } from '../tensor.js';
import { to } from './convert.js';
import { strided, uninitialized, worthABackendCall } from './util.js';

/**
 * Applies f elementwise; `floatResult` ops (exp, log, ...) turn integer inputs into float32 first. Ops with a
 * backend kernel (`kernel`, a UnaryOp code) run it on contiguous float inputs. `f32`, where given, is f for float32
 * inputs: the steps PyTorch rounds to float32 (f computes in double and rounds once).
 */
export function unaryForward(
  x: Tensor,
  f: UnaryFn,
  floatResult: boolean,
  outDType?: DType,
  kernel?: number,
  f32?: UnaryFn,
): Tensor {
  const src = floatResult && !isFloatingPoint(x.dtype) ? to(x, 'float32', false, false) : x;
  if (f32 !== undefined && src.dtype === 'float32') f = f32;
  const out = uninitialized(x._shape, outDType ?? src.dtype);
  const n = out._array.length;
  if (src.isContiguous()) {
    if (
      kernel !== undefined &&
      worthABackendCall(n) &&
      out.dtype === src.dtype &&
      (src.dtype === 'float32' || src.dtype === 'float64')
    ) {
      getKernelBackend().unary(kernel, src._array as FloatArray, src._offset, out._array as FloatArray, 0, n);
    } else contiguousUnary(src._array, src._offset, out._array, 0, n, f);
    return out;
  }
  unaryKernel(strided(src), src._shape, out._array, f);
  return out;
}
