/**
 * Graph nodes (`gradFn`). A node holds the edges to the nodes of its inputs, the metadata of those inputs (to
 * validate the gradients it returns), the hooks registered on the tensors it produced, and the saved values its
 * backward needs, each remembered with the version it had when saved.
 */
import type { DType } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { mayShareStorage } from '../storage-pool.js';

export interface Edge {
  node: Node;
  inputNr: number;
}

export interface TensorMeta {
  shape: readonly number[];
  dtype: DType;
}

export type TensorHook = (grad: Tensor) => Tensor | void | undefined | null;

let sequence = 0;

export abstract class Node {
  /** Order of creation; the engine runs later nodes first among those ready, as PyTorch's does. */
  readonly sequenceNr: number;
  readonly nextEdges: (Edge | null)[];
  readonly inputMeta: (TensorMeta | null)[];
  readonly outputMeta: TensorMeta[];
  /** Made on first use: most nodes never get a hook, and a node is made for every recorded op. */
  private _tensorHooks: Map<number, Map<number, TensorHook>> | null = null;
  private _retainGradHooks: Map<number, (grad: Tensor) => void> | null = null;
  /** The forward op's stack when anomaly mode was on. */
  anomalyTrace: string | null = null;
  /** @internal the engine's bookkeeping for the backward run `_runId` (autograd/engine.ts) */
  _runId = 0;
  /** @internal edges of that run still to deliver a gradient here */
  _pending = 0;
  /** @internal gradients delivered so far in that run, one slot per output */
  _inputBuffer: (Tensor | null)[] | null = null;

  constructor(
    nextEdges: (Edge | null)[],
    inputMeta: (TensorMeta | null)[],
    outputMeta: TensorMeta[],
    sequenceNr?: number,
  ) {
    this.sequenceNr = sequenceNr ?? sequence++;
    this.nextEdges = nextEdges;
    this.inputMeta = inputMeta;
    this.outputMeta = outputMeta;
  }

  /** Hooks registered with `registerHook` on the tensors this node produced, per output number. */
  get tensorHooks(): Map<number, Map<number, TensorHook>> {
    return (this._tensorHooks ??= new Map());
  }

  /** `retainGrad()` hooks per output number; they run after the tensor hooks. */
  get retainGradHooks(): Map<number, (grad: Tensor) => void> {
    return (this._retainGradHooks ??= new Map());
  }

  /** Whether any tensor or retain-grad hook was ever registered here (without making the maps). */
  get hasHooks(): boolean {
    return (
      (this._tensorHooks !== null && this._tensorHooks.size > 0) ||
      (this._retainGradHooks !== null && this._retainGradHooks.size > 0)
    );
  }

  /**
   * Whether output `i` of `apply` is a tensor nobody else holds, so a leaf's AccumulateGrad may keep it as
   * `.grad` instead of copying it (PyTorch steals a gradient whose use count is 1). Only the built-in formulas
   * can promise this; see FunctionNode.
   */
  ownsGradient(
    _outputs: readonly (Tensor | null)[],
    _i: number,
    _grads: readonly (Tensor | null)[],
    _ownedGrads: readonly boolean[],
  ): boolean {
    return false;
  }

  /**
   * Whether `apply` keeps no reference to the gradients it is given beyond the tensors it returns, so that the
   * engine may reuse a gradient's storage once it ran (built-in formulas; not a user's Function).
   */
  get keepsNoGradients(): boolean {
    return false;
  }

  abstract name(): string;

  /** Gradients of the inputs, one per next edge, from the gradients of the outputs. */
  abstract apply(grads: (Tensor | null)[]): (Tensor | null)[];

  /** Frees saved values after a backward pass that does not retain the graph. */
  release(): void {}

  /** PyTorch's `grad_fn.next_functions`: `[node, inputNr]` per input, `[null, 0]` where no gradient flows. */
  get nextFunctions(): [Node | null, number][] {
    return this.nextEdges.map((e) => (e ? [e.node, e.inputNr] : [null, 0]));
  }

  toString(): string {
    return `<${this.name()} object>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A node's C++ name, as PyTorch's messages write it (its engine's own nodes carry their namespace). */
function cppName(node: Node): string {
  const name = node.name();
  return name === 'CopySlices' ? `torch::autograd::${name}` : name;
}

/**
 * A saved value, checked against in-place changes and against use after the graph was freed. As in PyTorch,
 * the error names the node that produced the tensor: for an output of the saving node, that node; for an
 * input, the tensor's grad_fn at the time of the error (an in-place op has replaced it); none for a leaf.
 * (Where an in-place op wrote into a view, PyTorch names the view's regenerated AsStridedBackward0 while that
 * node is still alive, and the saving node once it has been freed; Kindling always names the saving node.)
 */
export class SavedTensor {
  private tensor: Tensor | null;
  private version: number;
  private readonly outputNr: number;
  /** Set for an output of the saving node: PyTorch does not keep the output's own grad_fn. */
  private readonly savedFor: Node | null;

  constructor(tensor: Tensor, savingNode: Node | null = null) {
    this.tensor = tensor;
    this.version = tensor.version;
    this.outputNr = tensor.outputNr;
    this.savedFor = savingNode !== null && tensor.gradFn === savingNode ? savingNode : null;
  }

  get(): Tensor {
    const t = this.tensor;
    if (t === null) {
      throw new RuntimeError(
        'Trying to backward through the graph a second time (or directly access saved tensors after they have ' +
          'already been freed). Saved intermediate values of the graph are freed when you call .backward() or ' +
          'autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or ' +
          'if you need to access saved tensors after calling backward.',
      );
    }
    if (t.version !== this.version) {
      const desc = `[${legacyTypeName(t.dtype)} [${t.shape.join(', ')}]]`;
      const producer = this.savedFor ?? t.gradFn;
      const origin = producer ? `, which is output ${this.outputNr} of ${cppName(producer)},` : '';
      throw new RuntimeError(
        'one of the variables needed for gradient computation has been modified by an inplace operation: ' +
          `${desc}${origin} is at version ${t.version}; expected version ${this.version} instead. Hint: enable ` +
          'anomaly detection to find the operation that failed to compute its gradient, with ' +
          'torch.autograd.set_detect_anomaly(True).',
      );
    }
    return t;
  }

  release(): void {
    this.tensor = null;
  }

  /** Whether `t` shares storage with the saved value. */
  holds(t: Tensor): boolean {
    return this.tensor !== null && mayShareStorage(this.tensor._array, t._array);
  }

  /** An in-place op saved its result, which now lives in `to`: check `to` from its current version on. */
  rebind(from: Tensor, to: Tensor): void {
    if (this.tensor !== from) return;
    this.tensor = to;
    this.version = to.version;
  }
}

function legacyTypeName(dtype: DType): string {
  const names: Record<DType, string> = {
    float32: 'torch.FloatTensor',
    float64: 'torch.DoubleTensor',
    int32: 'torch.IntTensor',
    int64: 'torch.LongTensor',
    bool: 'torch.BoolTensor',
  };
  return names[dtype];
}

/** Gradients of the inputs from the gradients of the outputs (`grads` has zeros where nothing arrived). */
export type BackwardFn = (grads: Tensor[]) => readonly (Tensor | null | undefined | false)[];

/** What an op's setup gets: `save` keeps a tensor for backward; `needs[i]` says whether input i wants a gradient. */
export type Save = (t: Tensor) => () => Tensor;

/** The node of a differentiable op or a user-defined Function. */
export class FunctionNode extends Node {
  private backwardFn: BackwardFn | null;
  private readonly saved: SavedTensor[];
  private readonly opName: string;
  private readonly zeros: (meta: TensorMeta) => Tensor;
  /** false for a user-defined Function, whose backward may return tensors it keeps elsewhere. */
  private readonly builtIn: boolean;

  constructor(
    opName: string,
    edges: (Edge | null)[],
    inputMeta: (TensorMeta | null)[],
    outputMeta: TensorMeta[],
    saved: SavedTensor[],
    /** null until `setBackward`: an op's formula is made after its node, which its saved values refer to */
    backwardFn: BackwardFn | null,
    zeros: (meta: TensorMeta) => Tensor,
    builtIn = true,
  ) {
    super(edges, inputMeta, outputMeta);
    this.opName = opName;
    this.saved = saved;
    this.backwardFn = backwardFn;
    this.zeros = zeros;
    this.builtIn = builtIn;
  }

  name(): string {
    return this.opName;
  }

  /** @internal */
  setBackward(fn: BackwardFn): void {
    this.backwardFn = fn;
  }

  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    const full = new Array<Tensor>(grads.length);
    for (let i = 0; i < grads.length; i++) full[i] = grads[i] ?? this.zeros(this.outputMeta[i]);
    const out = (this.backwardFn as BackwardFn)(full);
    const n = this.nextEdges.length;
    const result = new Array<Tensor | null>(n);
    for (let i = 0; i < n; i++) result[i] = out[i] || null;
    return result;
  }

  /**
   * A built-in formula's result is fresh unless it passes a gradient through (AddBackward returns its input
   * gradient, to both inputs), shares storage with another of its results, or holds one of the values it saved.
   * A view is fresh when it spans its whole storage and that storage is a temporary of the formula or an incoming
   * gradient only this run held (`ownedGrads`, consumed here): mm's backward hands a column-major operand, such as
   * Linear's `weight.t()`, the transpose of a fresh product, and the transpose's backward hands that on to the weight.
   */
  override ownsGradient(
    outputs: readonly (Tensor | null)[],
    i: number,
    grads: readonly (Tensor | null)[],
    ownedGrads: readonly boolean[],
  ): boolean {
    if (!this.builtIn) return false;
    const g = outputs[i] as Tensor;
    const view = g._base !== null;
    if (view && (g._offset !== 0 || g._array.length !== g.numel())) return false;
    for (let j = 0; j < outputs.length; j++) {
      const other = outputs[j];
      if (j !== i && other !== null && mayShareStorage(other._array, g._array)) return false;
    }
    for (let k = 0; k < grads.length; k++) {
      const incoming = grads[k];
      if (incoming !== null && mayShareStorage(incoming._array, g._array) && !(view && ownedGrads[k])) return false;
    }
    for (const s of this.saved) if (s.holds(g)) return false;
    return true;
  }

  override get keepsNoGradients(): boolean {
    return this.builtIn;
  }

  /** After an in-place op: saved references to its result now point at the tensor written into. */
  rebindSaved(from: Tensor, to: Tensor): void {
    for (const s of this.saved) s.rebind(from, to);
  }

  /** Frees the saved values; a node that saved nothing can run again, as in PyTorch. */
  override release(): void {
    for (const s of this.saved) s.release();
  }
}
