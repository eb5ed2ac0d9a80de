/** The autograd entry points behind Tensor's methods: requires-grad rules, `.grad`/`.data` setters, backward. */
import { isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { formatShape, shapesEqual } from '../shape.js';
import { Tensor, type BackwardOptions, type HookHandle } from '../tensor.js';
import type { Node, TensorHook } from './node.js';
import { runBackward } from './engine.js';
import { gradientEdge } from './record.js';
import { accumulateInto, ownsItsStorage } from './accumulate.js';
import { poolable, releaseStorage } from '../storage-pool.js';

/**
 * How the flag is being set, which decides PyTorch's wording for an integer tensor: the factory functions
 * (`torch.tensor([1], requires_grad=True)`), the attribute (`t.requires_grad = True`) or `t.requires_grad_()`.
 */
export type RequiresGradVia = 'factory' | 'setter' | 'method';

const INTEGER_REQUIRES_GRAD: Record<RequiresGradVia, string> = {
  factory: 'Only Tensors of floating point and complex dtype can require gradients',
  setter: 'only Tensors of floating point and complex dtype can require gradients',
  method: 'only Tensors of floating point dtype can require gradients',
};

export function setRequiresGrad(t: Tensor, flag: boolean, via: RequiresGradVia = 'setter'): void {
  if (!t.isLeaf) {
    if (flag) return;
    throw new RuntimeError(
      "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
    );
  }
  if (flag && !isFloatingPoint(t.dtype)) throw new RuntimeError(INTEGER_REQUIRES_GRAD[via]);
  t._setLeafRequiresGrad(flag);
}

export function checkGradAssignment(t: Tensor, g: Tensor | null): void {
  if (g === null) return;
  if (!(g instanceof Tensor)) throw new RuntimeError('assigned grad expected to be a Tensor or None');
  if (g.dtype !== t.dtype) {
    throw new RuntimeError(`assigned grad has data of a different type`);
  }
  if (!shapesEqual(g._shape, t._shape)) throw new RuntimeError('assigned grad has data of a different size');
}

export function setData(t: Tensor, value: Tensor): void {
  if (!(value instanceof Tensor)) throw new RuntimeError('Variable data has to be a tensor, but got ' + typeof value);
  t._replaceContents(value);
}

function asList(x: Tensor | readonly Tensor[] | undefined): Tensor[] | undefined {
  return x === undefined ? undefined : x instanceof Tensor ? [x] : [...x];
}

/** `torch.autograd.backward(tensors, grads, ...)` and `t.backward(...)`. */
export function backwardMany(
  tensors: readonly Tensor[],
  grads: readonly (Tensor | null)[],
  options: BackwardOptions,
): void {
  const roots = tensors.map((t, i) => {
    if (!t.requiresGrad) {
      throw new RuntimeError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    return gradientEdge(t);
  });
  const rootGrads = tensors.map((t, i) => makeGrad(t, grads[i] ?? null));
  const inputs = asList(options.inputs);
  if (inputs && inputs.length === 0) throw new RuntimeError("'inputs' argument to backward() cannot be empty.");
  const inputEdges = inputs?.map((x) => {
    if (!x.requiresGrad) throw new RuntimeError('One of the differentiated Tensors does not require grad');
    return gradientEdge(x);
  });
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  // With `inputs`, gradients still accumulate into .grad of those inputs (leaves or retained non-leaves).
  const captured = runBackward(roots, rootGrads, { retainGraph, createGraph, inputs: inputEdges, capture: false });
  inputs?.forEach((x, i) => {
    const g = captured[i];
    if (!x.isLeaf && g) accumulateInto(x, g);
  });
}

export function backward(t: Tensor, gradient: Tensor | null, options: BackwardOptions): void {
  backwardMany([t], [gradient], options);
}

/** The gradient a root starts with: the one given, or 1 for a scalar. */
export function makeGrad(t: Tensor, g: Tensor | null): Tensor {
  if (g === null) {
    if (t.numel() !== 1) throw new RuntimeError('grad can be implicitly created only for scalar outputs');
    if (!isFloatingPoint(t.dtype)) {
      throw new RuntimeError(
        `grad can be implicitly created only for real scalar outputs but got ${scalarTypeName(t.dtype)}`,
      );
    }
    const one = new Tensor(new (t._array.constructor as Float32ArrayConstructor)(1), t.shape, t.dtype);
    one._array[0] = 1;
    return one;
  }
  if (!shapesEqual(g._shape, t._shape)) {
    throw new RuntimeError(
      `Mismatch in shape: grad_output[0] has a shape of torch.Size(${formatShape(g._shape)}) and output[0] has a shape of torch.Size(${formatShape(t._shape)}).`,
    );
  }
  // The engine casts a root's gradient to the root's dtype, as it does every gradient (validate_outputs).
  return g.dtype === t.dtype ? g : g.to(t.dtype);
}

let warnedNonLeafGrad = false;

/** PyTorch's warning on reading `.grad` of a non-leaf that does not retain it (once, as Python's filter does). */
/** Returns a dropped `.grad` that its tensor alone held to the storage pool (when it owns all of a large buffer). */
export function releaseGradStorage(g: Tensor): void {
  if (poolable(g._array) && ownsItsStorage(g)) releaseStorage(g._array);
}

export function warnNonLeafGrad(): void {
  if (warnedNonLeafGrad) return;
  warnedNonLeafGrad = true;
  console.warn(
    "UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead.",
  );
}

let nextHookId = 0;

/** `t.registerHook(hook)`: on the node that produced t (its AccumulateGrad for a leaf), for t's output number. */
export function registerHook(t: Tensor, hook: TensorHook): HookHandle {
  if (!t.requiresGrad) throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
  const history = t.gradFn;
  const node: Node = history ?? t.gradAccumulator();
  const nr = history ? t.outputNr : 0;
  const hooks = node.tensorHooks.get(nr) ?? new Map<number, TensorHook>();
  node.tensorHooks.set(nr, hooks);
  const id = nextHookId++;
  hooks.set(id, hook);
  return { remove: () => void hooks.delete(id) };
}

export function checkDetachInPlace(t: Tensor): void {
  if (t._base === null) return;
  throw new RuntimeError(
    "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, " +
      'and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be ' +
      'called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in ' +
      'torch/optim/optimizer.py as the solution.',
  );
}
