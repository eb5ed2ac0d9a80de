/**
 * PyTorch's `out=` argument: `torch.add(a, b, { out })` computes the result, writes it into `out` and returns
 * `out`, with PyTorch's rules — no autograd through it, a result type `out`'s dtype can hold, and an `out` of
 * another shape resized (with PyTorch's deprecation warning unless it had no elements).
 */
import { type DType, canCast, scalarTypeName } from '../dtype.js';
import { RuntimeError, TorchTypeError } from '../errors.js';
import { formatShape, shapesEqual } from '../shape.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { pyTypeName } from '../python-types.js';
import { warnOnce } from '../warnings.js';
import { Tensor } from '../tensor.js';
import { inplaceWrite } from './inplace.js';
import { checkMemoryOverlap } from './memory-overlap.js';
import { empty } from './util.js';

/** The trailing options of the `torch.*` functions that write into a given tensor. */
export interface OutOptions {
  out?: Tensor | null;
}

/**
 * Which dtypes `out` may have: one the result type can be cast to (elementwise ops, and `cat` with its own
 * message), or exactly the result's (the matrix products).
 */
export type OutDTypeRule = 'castable' | 'castable-inputs' | 'exact';

/** The C type PyTorch names in the matrix products' message ("Expected out tensor to have dtype float"). */
const C_TYPE: Record<DType, string> = {
  float32: 'float',
  float64: 'double',
  int32: 'int',
  int64: 'long int',
  bool: 'bool',
};

/** `compute()`, or its result written into `out` when one is given (then `out` is returned). */
export function withOut(
  name: string,
  out: Tensor | null | undefined,
  inputs: readonly unknown[],
  compute: () => Tensor,
  rule: OutDTypeRule = 'castable',
): Tensor {
  if (out === undefined || out === null) return compute();
  if (!(out instanceof Tensor))
    throw new TorchTypeError(`${name}(): argument 'out' must be Tensor, not ${pyTypeName(out)}`);
  if (isGradEnabled() && [...inputs, out].some((t) => t instanceof Tensor && t.requiresGrad)) {
    throw new RuntimeError(
      `${name}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`,
    );
  }
  // Elementwise ops and cat check the memory they write first, as PyTorch's TensorIterator and cat do; its
  // matrix products take care of an out on their operands themselves.
  if (rule !== 'exact')
    checkMemoryOverlap(
      out,
      inputs.flat().filter((t): t is Tensor => t instanceof Tensor),
    );
  const result = compute();
  if (rule === 'exact' && result.dtype !== out.dtype) {
    throw new RuntimeError(
      `Expected out tensor to have dtype ${C_TYPE[result.dtype]}, but got ${C_TYPE[out.dtype]} instead`,
    );
  }
  if (rule === 'castable-inputs' && !canCast(result.dtype, out.dtype)) {
    // stack writes through cat, so both say cat.
    throw new RuntimeError(
      `torch.cat(): input types can't be cast to the desired output type ${scalarTypeName(out.dtype)}`,
    );
  }
  if (!shapesEqual(out._shape, result._shape)) {
    if (out.numel() !== 0) {
      warnOnce(
        `An output with one or more elements was resized since it had shape ${formatShape(out._shape)}, which does not match the required output shape ` +
          `${formatShape(result._shape)}. This behavior is deprecated, and in a future PyTorch release outputs will not be resized unless they have zero ` +
          'elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).',
      );
    }
    out._replaceContents(empty(result._shape, out.dtype));
  }
  return inplaceWrite(out, result, true);
}
