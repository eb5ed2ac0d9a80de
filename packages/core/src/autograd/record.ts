/**
 * Recording ops into the graph. Every differentiable op computes its result with kernels, then calls
 * `recordOp` with its inputs, its outputs and a setup function that saves what the backward needs and returns
 * the backward formula; the formula sits beside the forward in the op's file. Nothing is recorded (and setup
 * never runs) when grad mode is off or no input requires grad.
 */
import type { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { isAnomalyEnabled } from './anomaly.js';
import { type BackwardFn, type Edge, FunctionNode, Node, SavedTensor, type Save, type TensorMeta } from './node.js';

export type Setup = (save: Save, needs: readonly boolean[]) => BackwardFn;

/** Whether an op over these inputs must record a node. */
export function needsRecording(inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

export function gradientEdge(t: Tensor): Edge {
  return t.gradFn ? { node: t.gradFn, inputNr: t.outputNr } : { node: t.gradAccumulator(), inputNr: 0 };
}

export function recordOp(
  name: string,
  inputs: readonly (Tensor | null | undefined)[],
  outputs: Tensor | readonly Tensor[],
  setup: Setup,
  /** false for user-defined Functions: their gradients may be held elsewhere, so leaves copy them. */
  builtIn = true,
): void {
  if (!needsRecording(inputs)) return;
  const n = inputs.length;
  const needs = new Array<boolean>(n);
  const edges = new Array<Edge | null>(n);
  const inputMeta = new Array<TensorMeta | null>(n);
  for (let i = 0; i < n; i++) {
    const t = inputs[i];
    const need = !!t && t.requiresGrad;
    needs[i] = need;
    edges[i] = need ? gradientEdge(t) : null;
    inputMeta[i] = need ? metaOf(t) : null;
  }
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  const saved: SavedTensor[] = [];
  const node = new FunctionNode(name, edges, inputMeta, outs.map(metaOf), saved, null, zerosFor, builtIn);
  if (isAnomalyEnabled()) node.anomalyTrace = new Error().stack ?? null;
  for (let i = 0; i < outs.length; i++) outs[i].setHistory(node, i);
  node.setBackward(
    setup((t) => {
      const s = new SavedTensor(t, node);
      saved.push(s);
      return () => s.get();
    }, needs),
  );
}

/**
 * A node for `output` over `inputs`, made whatever the grad mode: a view's history regenerated over its base
 * after the base changed in place (autograd/copy-slices.ts).
 */
export function makeNode(name: string, inputs: readonly Tensor[], output: Tensor, backward: BackwardFn): Node {
  const needs = inputs.map((t) => t.requiresGrad);
  const edges = inputs.map((t, i) => (needs[i] ? gradientEdge(t) : null));
  const inputMeta = inputs.map((t, i) => (needs[i] ? metaOf(t) : null));
  return new FunctionNode(name, edges, inputMeta, [metaOf(output)], [], backward, zerosFor);
}

function metaOf(t: Tensor): TensorMeta {
  return { shape: t.shape, dtype: t.dtype };
}

let zerosFactory: ((meta: TensorMeta) => Tensor) | null = null;

/** Installed by the tensor module: how a node makes zeros for an output that received no gradient. */
export function setZerosFactory(f: (meta: TensorMeta) => Tensor): void {
  zerosFactory = f;
}

function zerosFor(meta: TensorMeta): Tensor {
  return (zerosFactory as (meta: TensorMeta) => Tensor)(meta);
}

export { Node };
