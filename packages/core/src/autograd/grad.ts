/** `torch.autograd.grad` and `torch.autograd.backward`. */
import { RuntimeError, TorchTypeError } from '../errors.js';
import { trailingOptions } from '../python-args.js';
import type { Tensor } from '../tensor.js';
import { runBackward } from './engine.js';
import { gradientEdge } from './record.js';
import { backwardMany, makeGrad } from './tensor-autograd.js';

export interface GradOptions {
  gradOutputs?: Tensor | readonly (Tensor | null)[] | null;
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
}

function list<T>(x: T | readonly T[]): T[] {
  return Array.isArray(x) ? [...(x as readonly T[])] : [x as T];
}

/** Python's parameters of `grad` after `inputs`, in order (`only_inputs` is ignored, as PyTorch now ignores it). */
const GRAD_ORDER = ['gradOutputs', 'retainGraph', 'createGraph', 'onlyInputs', 'allowUnused'] as const;

/**
 * The gradients of `outputs` with respect to `inputs`, returned rather than accumulated into `.grad`; the options
 * may also come in PyTorch's positional order: `grad(y, [x], g, true, true)`.
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options?: GradOptions,
): (Tensor | null)[];
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  gradOutputs?: GradOptions['gradOutputs'],
  retainGraph?: boolean,
  createGraph?: boolean,
  onlyInputs?: boolean,
  allowUnused?: boolean,
): (Tensor | null)[];
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  ...rest: unknown[]
): (Tensor | null)[] {
  const options = trailingOptions<GradOptions & { onlyInputs?: boolean }>('grad', GRAD_ORDER, rest, 2, 2);
  const outs = list(outputs);
  const ins = list(inputs);
  const gradOutputs = options.gradOutputs == null ? outs.map(() => null) : list(options.gradOutputs);
  if (gradOutputs.length !== outs.length) {
    throw new RuntimeError(
      `grad requires one gradient per output: got ${gradOutputs.length} gradients for ${outs.length} outputs`,
    );
  }
  const roots = outs.map((t, i) => {
    if (!t.requiresGrad)
      throw new RuntimeError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    return gradientEdge(t);
  });
  const inputEdges = ins.map((t) => {
    if (!t.requiresGrad) throw new RuntimeError('One of the differentiated Tensors does not require grad');
    return gradientEdge(t);
  });
  const createGraph = options.createGraph ?? false;
  const result = runBackward(
    roots,
    outs.map((t, i) => makeGrad(t, gradOutputs[i] ?? null)),
    {
      retainGraph: options.retainGraph ?? createGraph,
      createGraph,
      inputs: inputEdges,
      capture: true,
    },
  );
  result.forEach((g, i) => {
    if (g === null && !options.allowUnused) {
      throw new RuntimeError(
        'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
      );
    }
    if (g !== null && !createGraph) result[i] = g.detach();
  });
  return result;
}

/** `backward`'s options after the gradients. */
export interface AutogradBackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  inputs?: Tensor | readonly Tensor[];
}

/**
 * `torch.autograd.backward(tensors, gradTensors?, options?)`, or with the options in PyTorch's positional order:
 * `backward([y], [g], true)` retains the graph.
 */
export function backward(
  tensors: Tensor | readonly Tensor[],
  gradTensors?: Tensor | readonly (Tensor | null)[] | null,
  options?: AutogradBackwardOptions,
): void;
export function backward(
  tensors: Tensor | readonly Tensor[],
  gradTensors: Tensor | readonly (Tensor | null)[] | null | undefined,
  retainGraph?: boolean,
  createGraph?: boolean,
): void;
export function backward(
  tensors: Tensor | readonly Tensor[],
  gradTensors?: Tensor | readonly (Tensor | null)[] | null,
  ...rest: unknown[]
): void {
  const names = ['retainGraph', 'createGraph', 'gradVariables', 'inputs'] as const;
  const options = trailingOptions<AutogradBackwardOptions & { gradVariables?: unknown }>('backward', names, rest, 2, 1);
  if (options.gradVariables != null)
    throw new TorchTypeError("backward: 'grad_variables' is deprecated; pass gradTensors");
  const ts = list(tensors);
  const gs = gradTensors == null ? ts.map(() => null) : list(gradTensors);
  backwardMany(ts, gs, options);
}
