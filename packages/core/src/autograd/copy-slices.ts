/**
 * In-place ops on views, as PyTorch records them. Writing through a view changes its base, so the base's
 * history is rebased: the base gets a `CopySlices` node whose backward takes the gradient of the base, runs
 * the in-place op's backward on the region the view covers, and writes the result back into that region; the
 * view's own history becomes `AsStridedBackward0` over the base's new history.
 *
 *   x = a.clone(); x[0].mul_(2)     →  x.grad_fn is <CopySlices>, x[0]'s is <AsStridedBackward0>
 *
 * A view whose base changed in place gets that `AsStridedBackward0` history again the next time its `gradFn`
 * is read (PyTorch regenerates a view's grad_fn when the shared version counter has moved).
 */
import { allocate } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { numel } from '../shape.js';
import { copyStrided, scatterStrided } from '../kernels/strided.js';
import { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { type Edge, Node, type TensorMeta } from './node.js';
import { gradientEdge, makeNode, recordOp } from './record.js';

interface Geometry {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

/** Where a base and one of its views lie in their shared storage. */
interface Layout {
  storageSize: number;
  base: Geometry;
  view: Geometry;
}

function layoutOf(base: Tensor, view: Tensor): Layout {
  return {
    storageSize: base._array.length,
    base: { shape: base.shape, strides: base.stride(), offset: base.storageOffset() },
    view: { shape: view.shape, strides: view.stride(), offset: view.storageOffset() },
  };
}

/** Whether a geometry reads some memory location more than once (an expanded view). */
function overlaps(g: Geometry): boolean {
  return g.shape.some((size, i) => size > 1 && g.strides[i] === 0);
}

/**
 * Reads `from`-shaped `src` into a storage-sized scratch array laid out as `from`, then reads `to` out of it.
 * With `sum`, values that `from` puts on one location are summed (as_strided_backward's rule for an expanded view).
 */
function relayout(src: Tensor, storageSize: number, from: Geometry, to: Geometry, sum = false): Tensor {
  const scratch = allocate(src.dtype, storageSize);
  scatterStrided(src.contiguousArray(), 0, scratch, from.shape, from.strides, from.offset, sum && overlaps(from));
  const out = new Tensor(allocate(src.dtype, numel(to.shape)), [...to.shape], src.dtype);
  copyStrided(scratch, to.shape, to.strides, to.offset, out._array);
  return out;
}

/** The view's region of a base-shaped tensor (`as_strided`), differentiable. */
function viewRegion(g: Tensor, layout: Layout): Tensor {
  const out = relayout(g, layout.storageSize, layout.base, layout.view);
  recordOp('AsStridedBackward0', [g], out, () => ([gg]) => [embedRegion(gg, layout)]);
  return out;
}

/** A base-shaped tensor of zeros with `s` written into the view's region (`as_strided_backward`), differentiable. */
function embedRegion(s: Tensor, layout: Layout): Tensor {
  const out = relayout(s, layout.storageSize, layout.view, layout.base, true);
  recordOp('AsStridedBackwardBackward0', [s], out, () => ([gg]) => [viewRegion(gg, layout)]);
  return out;
}

/** A base-shaped bool tensor, true where the view lies. */
function regionMask(layout: Layout): Tensor {
  const ones = new Tensor(allocate('bool', numel(layout.view.shape)).fill(1), [...layout.view.shape], 'bool');
  return relayout(ones, layout.storageSize, layout.view, layout.base);
}

/** The base's node after an in-place op through one of its views. */
export class CopySlices extends Node {
  private readonly fn: Node;
  private readonly layout: Layout;

  constructor(baseEdge: Edge | null, baseMeta: TensorMeta, fn: Node, layout: Layout) {
    super([baseEdge, ...fn.nextEdges.slice(1)], [baseEdge ? baseMeta : null, ...fn.inputMeta.slice(1)], [baseMeta]);
    this.fn = fn;
    this.layout = layout;
  }

  name(): string {
    return 'CopySlices';
  }

  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    const g = grads[0] as Tensor;
    // The in-place op's backward sees the gradient of the view's region; what it returns for the view's old
    // values goes back into that region (zeros where it returns none), the rest of the base's gradient as is.
    const res = this.fn.apply([viewRegion(g, this.layout)]);
    const mask = regionMask(this.layout);
    const own = res[0];
    const baseGrad = own ? embedRegion(own, this.layout).where(mask, g) : g.where(mask.logicalNot(), 0);
    return [baseGrad, ...res.slice(1)];
  }

  override release(): void {
    this.fn.release();
  }
}

/** A view's history over its base: the gradient of the view lands in its region of the base's gradient. */
export function viewGradFn(view: Tensor): Node {
  const base = view._base as Tensor;
  const layout = layoutOf(base, view);
  return makeNode('AsStridedBackward0', [base], view, ([g]) => [embedRegion(g, layout)]);
}

/** The end of PyTorch's messages for a view from a function that returns several views. */
export const MULTI_OUTPUT_VIEW =
  'This view is the output of a function that returns multiple views. Such functions do not allow the output views ' +
  'to be modified inplace. You should replace the inplace operation by an out-of-place one.';

/**
 * PyTorch's checks before an in-place op on a view, while grad mode is on: outputs of a function that returns
 * several views may not be changed in place; nor may a view made under noGrad whose change would be recorded
 * (its base requires grad, or an operand does), since whether to track it is ambiguous.
 */
export function checkViewInplace(view: Tensor, operands: readonly Tensor[]): void {
  const base = view._base;
  if (base === null || !isGradEnabled()) return;
  // The history as it was set: reading gradFn would regenerate it, and raise for a base changed since.
  const node = view._storedGradFn;
  if (view._viewOfMultiOutput && node !== null) {
    throw new RuntimeError(
      `Output ${view.outputNr} of ${node.name()} is a view and is being modified inplace. ${MULTI_OUTPUT_VIEW}`,
    );
  }
  if (view._viewCreatedInNoGrad && (base.requiresGrad || operands.some((t) => t.requiresGrad))) {
    throw new RuntimeError(
      'A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use ' +
        'case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the ' +
        "inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if " +
        'you want the inplace to be tracked).',
    );
  }
}

/**
 * After `result` (recorded from the view's old values) was written into the view: the base takes a
 * `CopySlices` node around result's node, and the view takes `AsStridedBackward0` over it.
 */
export function rebaseViewHistory(view: Tensor, result: Tensor): void {
  const base = view._base as Tensor;
  const fn = result.gradFn as Node;
  const baseEdge = base.requiresGrad ? gradientEdge(base) : null;
  base.setHistory(new CopySlices(baseEdge, { shape: base.shape, dtype: base.dtype }, fn, layoutOf(base, view)), 0);
  view._refreshViewHistory();
}
