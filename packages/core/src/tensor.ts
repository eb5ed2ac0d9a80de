/**
 * The Tensor: storage (a typed array shared by views), shape/strides/offset, dtype, and the autograd fields.
 * Its methods are thin: each forwards to the op that defines it (ops/*), where forward and backward live. The class
 * holds the state and what touches it; the methods are written by family in tensor-methods/* and merged in below.
 */
import { type DType, type TypedArray, allocateFor } from './dtype.js';
import { RuntimeError, TorchTypeError } from './errors.js';
import { Size } from './size.js';
import { contiguousStrides } from './shape.js';
import { VersionCounter } from './storage.js';
import { AccumulateGrad, accumulateInto } from './autograd/accumulate.js';
import type { Node } from './autograd/node.js';
import { setZerosFactory } from './autograd/record.js';
import { isGradEnabled } from './autograd/grad-mode.js';
import { MULTI_OUTPUT_VIEW, viewGradFn } from './autograd/copy-slices.js';
import * as V from './ops/view.js';
import * as A from './autograd/tensor-autograd.js';
import * as C from './ops/convert.js';
import { ArithmeticMethods } from './tensor-methods/arithmetic.js';
import { AutogradMethods } from './tensor-methods/autograd.js';
import { ConversionMethods } from './tensor-methods/conversion.js';
import { InPlaceMethods } from './tensor-methods/in-place.js';
import { LinalgMethods } from './tensor-methods/linalg.js';
import { MetadataMethods } from './tensor-methods/metadata.js';
import { NnMethods } from './tensor-methods/nn.js';
import { ReductionMethods } from './tensor-methods/reductions.js';
import { ShapeMethods } from './tensor-methods/shape.js';
import type { UnaryMethods } from './tensor-methods/unary.js';

export type {
  BackwardOptions,
  Dims,
  HookHandle,
  NestedArray,
  ReduceOptions,
  Scalar,
  TensorLike,
  VarOptions,
} from './tensor-types.js';

/**
 * An n-dimensional array with PyTorch's semantics: a dtype, a shape, views sharing storage, and autograd history.
 * Make one with the creation functions (`torch.tensor`, `torch.zeros`, `torch.arange`, ...).
 *
 * @example
 * ```ts
 * const x = torch.tensor([[1, 2], [3, 4]], { dtype: 'float32', requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * console.log(y);
 * console.log(x.grad);
 * ```
 * ```text
 * tensor(30., grad_fn=<SumBackward0>)
 * tensor([[2., 4.],
 *         [6., 8.]])
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the interface at the end adds the unary methods
export class Tensor {
  /** @internal storage shared with views */
  _array: TypedArray;
  /** @internal */
  _shape: number[];
  /** @internal */
  _strides: number[];
  /** @internal */
  _offset: number;
  /** @internal shared with views and detach(), not with `.data` */
  _version: VersionCounter;
  /**
   * The element type: `'float32'`, `'float64'`, `'int32'`, `'int64'` or `'bool'` (PyTorch's `torch.float32`, ...).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2]).dtype, torch.tensor([1.5]).dtype, torch.tensor([true]).dtype);
   * ```
   * ```text
   * int64 float32 bool
   * ```
   */
  dtype: DType;
  private _viewOf: Tensor | null = null;
  /** The version when this view's history was last set; a newer one means its base changed in place. */
  private _viewVersion = 0;
  /** @internal views made while grad mode was off may not be modified in place while it is on */
  _viewCreatedInNoGrad = false;
  /**
   * @internal an output of a function that returns several views (split, chunk, unbind), or a view of one: it may
   * not be modified in place, nor keep its history once its base is
   */
  _viewOfMultiOutput = false;
  /** @internal a 0-d tensor made from a JavaScript number by an op: it never decides the result's dtype width */
  _wrappedNumber = false;
  /** @internal the id of the backward run whose engine alone holds this gradient (engine.ts); 0 for any other */
  _ownedByRun = 0;

  private _requiresGrad = false;
  private _grad: Tensor | null = null;
  /** `.grad` is held by this tensor alone (see rawGrad) */
  private _gradPrivate = false;
  private _gradFn: Node | null = null;
  private _outputNr = 0;
  private _accumulator: AccumulateGrad | null = null;
  private _retainsGrad = false;

  /** A tensor on `source`'s storage and version counter, without its history (what nn's Parameter builds on). */
  constructor(source: Tensor);
  /** @internal use the creation functions (`torch.tensor`, `torch.zeros`, ...) */
  constructor(
    array: TypedArray,
    shape: number[],
    dtype: DType,
    strides?: number[],
    offset?: number,
    version?: VersionCounter,
  );
  /**
   * `new Tensor(t)` makes a tensor on t's storage and version counter without its history (what subclasses such
   * as nn's Parameter build on, like PyTorch's `_make_subclass`); the array form is internal.
   */
  constructor(
    source: TypedArray | Tensor,
    shape?: number[],
    dtype?: DType,
    strides?: number[],
    offset = 0,
    version?: VersionCounter,
  ) {
    if (source instanceof Tensor) {
      this._array = source._array;
      this._shape = source._shape.slice();
      this._strides = source._strides.slice();
      this._offset = source._offset;
      this.dtype = source.dtype;
      this._version = source._version;
      return;
    }
    this._array = source;
    this._shape = shape as number[];
    this._strides = strides ?? contiguousStrides(this._shape);
    this._offset = offset;
    this.dtype = dtype as DType;
    this._version = version ?? new VersionCounter();
  }

  /** @internal the tensor this one is a view of (set once, by the view ops) */
  get _base(): Tensor | null {
    return this._viewOf;
  }
  /** @internal */
  set _base(base: Tensor | null) {
    this._viewOf = base;
    this._viewVersion = this._version.value;
    this._viewCreatedInNoGrad = !isGradEnabled();
  }

  // ---- metadata ----
  /**
   * The dims as a `torch.Size`: an array of numbers that prints as `torch.Size([2, 3])`, as in PyTorch.
   *
   * @example
   * ```ts
   * const x = torch.zeros(2, 3);
   * console.log(x.shape);
   * console.log(x.shape[1]);
   * ```
   * ```text
   * torch.Size([2, 3])
   * 3
   * ```
   */
  get shape(): Size {
    return Size.fromDims(this._shape);
  }
  /**
   * The number of dims (`dim()`).
   *
   * @example
   * ```ts
   * console.log(torch.zeros(2, 3, 4).ndim);
   * ```
   * ```text
   * 3
   * ```
   */
  get ndim(): number {
    return this._shape.length;
  }
  /** The device the tensor lives on: always `'cpu'` for now. */
  get device(): 'cpu' {
    return 'cpu';
  }
  /** The in-place version counter, shared with views. */
  get version(): number {
    return this._version.value;
  }
  /** All dims reversed (a view). */
  get T(): Tensor {
    return V.permute(this, [...this._shape.keys()].reverse());
  }
  /** The last two dims swapped (a view): a batch of matrices transposed. */
  get mT(): Tensor {
    return V.transpose(this, -2, -1);
  }

  // ---- autograd state ----
  /**
   * Whether autograd records operations on this tensor (`requires_grad`); settable on leaves only.
   *
   * @example
   * ```ts
   * const w = torch.ones(2);
   * console.log(w.requiresGrad);
   * w.requiresGrad = true;
   * console.log(w.mul(2).requiresGrad);
   * ```
   * ```text
   * false
   * true
   * ```
   */
  get requiresGrad(): boolean {
    return this._requiresGrad || this.gradFn !== null;
  }
  set requiresGrad(flag: boolean) {
    A.setRequiresGrad(this, flag, 'setter');
  }
  /** @internal sets the leaf flag after the checks in setRequiresGrad */
  _setLeafRequiresGrad(flag: boolean): void {
    this._requiresGrad = flag;
  }
  /**
   * The graph node that made this tensor (`grad_fn`), or `null` for a leaf.
   *
   * @example
   * ```ts
   * const x = torch.ones(2, { requiresGrad: true });
   * const y = x.mul(2).sum();
   * console.log(y.gradFn?.name());
   * console.log(x.gradFn);
   * ```
   * ```text
   * SumBackward0
   * null
   * ```
   */
  get gradFn(): Node | null {
    if (this._viewOf !== null && this._version.value !== this._viewVersion) this._refreshViewHistory();
    return this._gradFn;
  }
  /**
   * Whether the tensor has no `gradFn` (`is_leaf`): a user-made tensor, or one made by ops that did not record.
   *
   * @example
   * ```ts
   * const x = torch.ones(2, { requiresGrad: true });
   * console.log(x.isLeaf, x.mul(2).isLeaf);
   * ```
   * ```text
   * true false
   * ```
   */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** @internal the history as last set, without regenerating a view's (PyTorch's grad_fn_ field) */
  get _storedGradFn(): Node | null {
    return this._gradFn;
  }
  /** @internal a view whose base changed in place takes `AsStridedBackward0` over the base's new history */
  _refreshViewHistory(): void {
    const base = this._viewOf as Tensor;
    if (this._viewOfMultiOutput && this._gradFn !== null) {
      throw new RuntimeError(
        `Output ${this._outputNr} of ${this._gradFn.name()} is a view and its base or another view of its base has ` +
          `been modified inplace. ${MULTI_OUTPUT_VIEW}`,
      );
    }
    this._viewVersion = this._version.value;
    if (this._viewCreatedInNoGrad || !base.requiresGrad) return;
    this._gradFn = viewGradFn(this);
    this._outputNr = 0;
    this._accumulator = null;
  }
  /** @internal which output of its gradFn this tensor is */
  get outputNr(): number {
    return this._outputNr;
  }
  /** @internal attaches the node that produced this tensor */
  setHistory(node: Node | null, outputNr = 0): void {
    this._gradFn = node;
    this._outputNr = outputNr;
    this._viewVersion = this._version.value;
    if (node !== null) this._accumulator = null;
  }
  /** @internal an in-place op's node becomes this tensor's history; `retainGrad()` follows it, as in PyTorch */
  _rebaseHistory(node: Node | null, outputNr: number): void {
    const old = this._gradFn;
    const hook = old?.hasHooks ? old.retainGradHooks.get(this._outputNr) : undefined;
    if (old && hook) old.retainGradHooks.delete(this._outputNr);
    this.setHistory(node, outputNr);
    if (node && hook) node.retainGradHooks.set(outputNr, hook);
  }
  /** @internal the AccumulateGrad node of a leaf, made once and reused so `nextFunctions` stay stable */
  gradAccumulator(): AccumulateGrad {
    if (this._accumulator === null) this._accumulator = new AccumulateGrad(this);
    return this._accumulator;
  }
  /**
   * The gradient accumulated by `backward()` (leaves, and tensors that `retainGrad()`), or `null`; settable.
   *
   * @example
   * ```ts
   * const x = torch.tensor([1, 2, 3], { requiresGrad: true });
   * x.pow(2).sum().backward();
   * console.log(x.grad);
   * ```
   * ```text
   * tensor([2., 4., 6.])
   * ```
   */
  get grad(): Tensor | null {
    if (this._grad === null && !this._retainsGrad && !this.isLeaf) A.warnNonLeafGrad();
    // Whoever reads it may keep it: its storage is no longer this tensor's alone.
    this._gradPrivate = false;
    return this._grad;
  }
  set grad(g: Tensor | null) {
    A.checkGradAssignment(this, g);
    this._storeGrad(g, false);
  }
  /**
   * `.grad` for code that uses it and lets it go (Kindling's optimizers, `zeroGrad`, gradient clipping): no
   * non-leaf warning, and the gradient stays this tensor's alone, so that dropping it (`p.grad = null`)
   * returns its storage for the next backward pass to reuse. Keeping it means reading `.grad`.
   */
  get rawGrad(): Tensor | null {
    return this._grad;
  }
  /** @internal sets `.grad`; `isPrivate`: nothing else holds g (AccumulateGrad's store of a gradient it made or was given) */
  _storeGrad(g: Tensor | null, isPrivate: boolean): void {
    const old = this._grad;
    if (this._gradPrivate && old !== null && old !== g) A.releaseGradStorage(old);
    this._grad = g;
    this._gradPrivate = isPrivate && g !== null;
  }
  /** Whether `retainGrad()` was called on this non-leaf tensor (`retains_grad`). */
  get retainsGrad(): boolean {
    return this._retainsGrad;
  }
  /**
   * Makes `backward()` fill `.grad` on this non-leaf tensor too (`retain_grad()`).
   *
   * @example
   * ```ts
   * const x = torch.tensor([1, 2], { requiresGrad: true });
   * const y = x.mul(3);
   * y.retainGrad();
   * y.sum().backward();
   * console.log(y.grad);
   * ```
   * ```text
   * tensor([1., 1.])
   * ```
   */
  retainGrad(): void {
    if (!this.requiresGrad) throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
    if (this.isLeaf) return;
    if (this._retainsGrad) return;
    this._retainsGrad = true;
    (this.gradFn as Node).retainGradHooks.set(this._outputNr, (g) => accumulateInto(this, g));
  }
  /** Cuts this tensor from the graph in place: it becomes a leaf that does not require grad. */
  detach_(): this {
    A.checkDetachInPlace(this);
    this._gradFn = null;
    this._requiresGrad = false;
    return this;
  }
  /** A tensor sharing this one's storage, without history and with a version counter of its own. */
  get data(): Tensor {
    return new Tensor(this._array, this._shape.slice(), this.dtype, this._strides.slice(), this._offset);
  }
  /** Swaps this tensor's contents for `value`'s (sharing its storage); history and version counter stay. */
  set data(value: Tensor) {
    A.setData(this, value);
  }
  /** @internal */
  _replaceContents(value: Tensor): void {
    this._array = value._array;
    this._shape = value._shape.slice();
    this._strides = value._strides.slice();
    this._offset = value._offset;
    this.dtype = value.dtype;
  }

  /** `Number(t)`, `t > 0.5`, `${t}`: a one-element tensor as its value, a 0-d tensor in a template as Python's f'{t}'. */
  [Symbol.toPrimitive](hint: 'number' | 'string' | 'default'): number | string {
    return C.toPrimitive(this, hint);
  }

  /** `for (const row of t)`, `[...t]`, `const [a, b] = t`: the sub-tensors along dim 0, as PyTorch's `unbind(0)`. */
  *[Symbol.iterator](): Iterator<Tensor> {
    if (this._shape.length === 0) throw new TorchTypeError('iteration over a 0-d tensor');
    yield* this.unbind(0);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** The method families written beside the class (tensor-methods/*), in the order they are installed. */
const METHOD_FAMILIES = [
  MetadataMethods,
  AutogradMethods,
  ArithmeticMethods,
  InPlaceMethods,
  ReductionMethods,
  LinalgMethods,
  ShapeMethods,
  NnMethods,
  ConversionMethods,
] as const;

/** `A & B & ...` of the instance types of a tuple of classes. */
type InstancesOf<Classes> = Classes extends readonly [new () => infer First, ...infer Rest]
  ? First & InstancesOf<Rest>
  : unknown;

/**
 * The families' methods, and the one-tensor elementwise ops (`t.exp()`, `t.sin()`, ...) from the table in
 * ops/unary.ts (tensor-methods/unary.ts installs those).
 */
// A class and an interface of one name merge: the interface adds the families' methods to the class's type.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see above
export interface Tensor extends InstancesOf<typeof METHOD_FAMILIES>, UnaryMethods {}

// Each family's methods become Tensor.prototype's own, as if written in the class body.
for (const family of METHOD_FAMILIES) {
  for (const name of Object.getOwnPropertyNames(family.prototype)) {
    if (name === 'constructor') continue;
    const method = Object.getOwnPropertyDescriptor(family.prototype, name) as PropertyDescriptor;
    Object.defineProperty(Tensor.prototype, name, method);
  }
}

setZerosFactory((meta) => new Tensor(allocateFor(meta.shape, meta.dtype), [...meta.shape], meta.dtype));
