/**
 * The Tensor: storage (a typed array shared by views), shape/strides/offset, dtype, and the autograd fields.
 * Its methods are thin: each forwards to the op that defines it (ops/*), where forward and backward live.
 */
import { type DType, type TypedArray, allocateFor, isFloatingPoint } from './dtype.js';
import { RuntimeError, TorchTypeError } from './errors.js';
import { trailingOptions } from './python-args.js';
import { Size } from './size.js';
import { contiguousStrides, isContiguous, numel } from './shape.js';
import { VersionCounter } from './storage.js';
import { AccumulateGrad, accumulateInto } from './autograd/accumulate.js';
import type { Node, TensorHook } from './autograd/node.js';
import { setZerosFactory } from './autograd/record.js';
import { isGradEnabled } from './autograd/grad-mode.js';
import { viewGradFn } from './autograd/copy-slices.js';
import * as E from './ops/elementwise.js';
import * as R from './ops/reduce.js';
import * as X from './ops/extremes.js';
import * as V from './ops/view.js';
import * as Re from './ops/rearrange.js';
import * as Md from './ops/median.js';
import * as Cu from './ops/cumulative.js';
import * as Nan from './ops/nan.js';
import * as Count from './ops/counting.js';
import * as BM from './ops/binary-math.js';
import * as S from './ops/subscript.js';
import * as L from './ops/linalg.js';
import * as I from './ops/indexing.js';
import * as N from './ops/activation.js';
import * as A from './autograd/tensor-autograd.js';
import * as C from './ops/convert.js';
import * as F from './ops/inplace-fast.js';
import * as VN from './ops/vector-norm.js';
import * as Cr from './creation.js';
import { type SizeArgs, type TensorOptions, withDefaultDType } from './creation.js';
import type { NormOptions, NormOrder } from './ops/vector-norm.js';
import type { Generator } from './random.js';
import type { UnaryMethods } from './tensor-unary-methods.js';

import type {
  BackwardOptions,
  Dims,
  HookHandle,
  NestedArray,
  ReduceOptions,
  TensorLike,
  VarOptions,
} from './tensor-types.js';

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
   * The shape as a `torch.Size`, or the size of one dim (negative dims count from the end).
   *
   * @example
   * ```ts
   * const x = torch.zeros(2, 3);
   * console.log(x.size());
   * console.log(x.size(-1));
   * ```
   * ```text
   * torch.Size([2, 3])
   * 3
   * ```
   */
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    return dim === undefined ? this.shape : this._shape[V.dimIndex(dim, this._shape.length)];
  }
  /**
   * The strides (elements to step in storage per index of each dim), or the stride of one dim.
   *
   * @example
   * ```ts
   * console.log(torch.zeros(2, 3).stride());
   * console.log(torch.zeros(2, 3).t().stride());
   * ```
   * ```text
   * [ 3, 1 ]
   * [ 1, 3 ]
   * ```
   */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    return dim === undefined ? this._strides.slice() : this._strides[V.dimIndex(dim, this._shape.length)];
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
  /** The number of dims, as `ndim`. */
  dim(): number {
    return this._shape.length;
  }
  /**
   * The number of elements.
   *
   * @example
   * ```ts
   * console.log(torch.zeros(2, 3, 4).numel());
   * ```
   * ```text
   * 24
   * ```
   */
  numel(): number {
    return numel(this._shape);
  }
  /** The device the tensor lives on: always `'cpu'` for now. */
  get device(): 'cpu' {
    return 'cpu';
  }
  /** The index of the first element in the storage (`storage_offset()`). */
  storageOffset(): number {
    return this._offset;
  }
  /**
   * Whether the elements lie in storage in row-major order without gaps (`is_contiguous()`).
   *
   * @example
   * ```ts
   * const x = torch.zeros(2, 3);
   * console.log(x.isContiguous(), x.t().isContiguous());
   * ```
   * ```text
   * true false
   * ```
   */
  isContiguous(): boolean {
    return isContiguous(this._shape, this._strides);
  }
  /** Whether the dtype is a floating-point one (`is_floating_point()`). */
  isFloatingPoint(): boolean {
    return isFloatingPoint(this.dtype);
  }
  /** The in-place version counter, shared with views. */
  get version(): number {
    return this._version.value;
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
  /**
   * Sets `requiresGrad` in place and returns this tensor (`requires_grad_()`).
   *
   * @example
   * ```ts
   * const w = torch.zeros(3).requiresGrad_();
   * console.log(w);
   * ```
   * ```text
   * tensor([0., 0., 0.], requires_grad=True)
   * ```
   */
  requiresGrad_(flag = true): this {
    A.setRequiresGrad(this, flag, 'method');
    return this;
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
  /** @internal a view whose base changed in place takes `AsStridedBackward0` over the base's new history */
  _refreshViewHistory(): void {
    this._viewVersion = this._version.value;
    const base = this._viewOf as Tensor;
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
  /**
   * Registers `hook(grad)`, called with this tensor's gradient during backward; it may return a replacement (`register_hook`).
   *
   * @example
   * ```ts
   * const x = torch.tensor([1, 2], { requiresGrad: true });
   * const handle = x.registerHook((g) => g.mul(10));
   * x.sum().backward();
   * console.log(x.grad);
   * handle.remove();
   * ```
   * ```text
   * tensor([10., 10.])
   * ```
   */
  registerHook(hook: TensorHook): HookHandle {
    return A.registerHook(this, hook);
  }
  /**
   * `backward()`, `backward(gradient, { retainGraph, createGraph, inputs })`, or `backward({ retainGraph })`; or in
   * PyTorch's positional order, `backward(gradient, retainGraph, createGraph)`.
   *
   * @example
   * ```ts
   * const x = torch.tensor([2, 3], { requiresGrad: true });
   * const y = x.mul(x).sum();
   * y.backward();
   * console.log(x.grad);
   * ```
   * ```text
   * tensor([4., 6.])
   * ```
   */
  backward(gradient?: Tensor | BackwardOptions | null, options?: BackwardOptions): void;
  backward(gradient: Tensor | null | undefined, retainGraph?: boolean, createGraph?: boolean): void;
  backward(gradient?: Tensor | BackwardOptions | null, ...rest: unknown[]): void {
    const names = ['retainGraph', 'createGraph', 'inputs'] as const;
    const options = trailingOptions<BackwardOptions>('Tensor.backward', names, rest, 2, 1);
    if (gradient != null && !(gradient instanceof Tensor)) A.backward(this, null, { ...gradient, ...options });
    else A.backward(this, gradient ?? null, options);
  }
  /**
   * A tensor sharing this one's storage, cut from the graph (`requiresGrad` false).
   *
   * @example
   * ```ts
   * const x = torch.ones(2, { requiresGrad: true });
   * console.log(x.mul(2).detach());
   * ```
   * ```text
   * tensor([2., 2.])
   * ```
   */
  detach(): Tensor {
    return V.detach(this);
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

  // ---- arithmetic ----
  /**
   * Adds `other` (a tensor, broadcast, or a number), scaled by `alpha` if given: `this + alpha * other`.
   *
   * @example
   * ```ts
   * const a = torch.tensor([1, 2, 3]);
   * console.log(a.add(10));
   * console.log(a.add(torch.tensor([1, 1, 1]), { alpha: 2 }));
   * ```
   * ```text
   * tensor([11, 12, 13])
   * tensor([3, 4, 5])
   * ```
   */
  add(other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.add(this, other, options);
  }
  /**
   * Subtracts `other`, scaled by `alpha` if given: `this - alpha * other`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([5.5, 6]).sub(torch.tensor([1, 2])));
   * ```
   * ```text
   * tensor([4.5000, 4.0000])
   * ```
   */
  sub(other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.sub(this, other, options);
  }
  /**
   * Multiplies elementwise, broadcasting (`*`).
   *
   * @example
   * ```ts
   * const a = torch.tensor([[1, 2], [3, 4]]);
   * console.log(a.mul(torch.tensor([10, 100])));
   * ```
   * ```text
   * tensor([[ 10, 200],
   *         [ 30, 400]])
   * ```
   */
  mul(other: TensorLike): Tensor {
    return E.mul(this, other);
  }
  /**
   * Divides elementwise (true division, so integers give floats); `roundingMode: 'trunc' | 'floor'` rounds.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([7, -7]).div(2));
   * console.log(torch.tensor([7, -7]).div(2, { roundingMode: 'floor' }));
   * ```
   * ```text
   * tensor([ 3.5000, -3.5000])
   * tensor([ 3, -4])
   * ```
   */
  div(other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    return E.div(this, other, options);
  }
  /**
   * Raises each element to `exponent` (`**`).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3]).pow(2));
   * console.log(torch.tensor([4]).pow(0.5));
   * ```
   * ```text
   * tensor([1, 4, 9])
   * tensor([2.])
   * ```
   */
  pow(exponent: TensorLike): Tensor {
    return E.pow(this, exponent);
  }
  /** The elementwise maximum of this tensor and `other`. */
  maximum(other: TensorLike): Tensor {
    return E.maximum(this, other);
  }
  /** The elementwise minimum of this tensor and `other`. */
  minimum(other: TensorLike): Tensor {
    return E.minimum(this, other);
  }
  /** The angle of the point (other, this), elementwise: `torch.atan2`. */
  atan2(other: Tensor): Tensor {
    return E.atan2(this, other);
  }
  /** The remainder of `this / other`, with the sign of this tensor (C's fmod). */
  fmod(other: TensorLike): Tensor {
    return E.fmod(this, other);
  }
  /** The remainder of `this / other`, with the sign of `other` (Python's `%`). */
  remainder(other: TensorLike): Tensor {
    return E.remainder(this, other);
  }
  /** `sqrt(this² + other²)`, elementwise. */
  hypot(other: Tensor): Tensor {
    return E.hypot(this, other);
  }
  /** `log(exp(this) + exp(other))`, elementwise, without overflow. */
  logaddexp(other: Tensor): Tensor {
    return E.logaddexp(this, other);
  }
  /** `log2(2^this + 2^other)`, elementwise, without overflow. */
  logaddexp2(other: Tensor): Tensor {
    return E.logaddexp2(this, other);
  }
  /** `this * log(other)`, 0 where this is 0: `torch.xlogy`. */
  xlogy(other: TensorLike): Tensor {
    return E.xlogy(this, other);
  }
  /** The magnitude of this tensor with the sign of `other`. */
  copysign(other: TensorLike): Tensor {
    return E.copysign(this, other);
  }
  /**
   * Where this tensor is within `atol + rtol * |other|` of `other` (NaNs equal with `equalNan`), as a bool tensor:
   * `isclose(other, rtol, atol, equalNan)` or `isclose(other, { rtol, atol, equalNan })`.
   */
  isclose(other: Tensor, options?: BM.CloseOptions): Tensor;
  isclose(other: Tensor, rtol?: number, atol?: number, equalNan?: boolean): Tensor;
  isclose(other: Tensor, ...args: unknown[]): Tensor {
    return BM.isclose(this, other, closeOptions('isclose', args));
  }
  /**
   * Whether every element is close to `other`'s, as {@link Tensor.isclose} decides.
   *
   * @example
   * ```ts
   * const x = torch.tensor([1, 2], { dtype: 'float32' });
   * console.log(x.allclose(x.add(1e-7)), x.allclose(x.add(1e-3)));
   * ```
   * ```text
   * true false
   * ```
   */
  allclose(other: Tensor, options?: BM.CloseOptions): boolean;
  allclose(other: Tensor, rtol?: number, atol?: number, equalNan?: boolean): boolean;
  allclose(other: Tensor, ...args: unknown[]): boolean {
    return BM.allclose(this, other, closeOptions('allclose', args));
  }
  /** `log(x / (1 - x))` of each element, the sigmoid's inverse; with `eps`, x clamped to [eps, 1 - eps] first. */
  logit(eps: number | null = null): Tensor {
    return N.logit(this, eps);
  }
  /** This tensor in `other`'s dtype (itself when it already is). */
  typeAs(other: Tensor): Tensor {
    return this.to(other.dtype);
  }
  /**
   * How often each value 0..max occurs in this 1-D tensor of non-negative integers, or the sum of `weights` there:
   * `bincount(weights, minlength)` or `bincount({ weights, minlength })`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 3, 1, 0]).bincount());
   * ```
   * ```text
   * tensor([1, 2, 0, 1])
   * ```
   */
  bincount(options?: Count.BincountOptions): Tensor;
  bincount(weights?: Tensor | null, minlength?: number): Tensor;
  bincount(...args: unknown[]): Tensor {
    return Count.bincount(
      this,
      trailingOptions<Count.BincountOptions>('bincount', ['weights', 'minlength'], args, 1, 1),
    );
  }
  /** A histogram of `bins` equal bins over [min, max] (the data's range when both are 0). */
  histc(bins = 100, min = 0, max = 0): Tensor {
    return Count.histc(this, bins, min, max);
  }
  /**
   * The distinct values, ascending; `[values, inverse?, counts?]` with `returnInverse` / `returnCounts`.
   *
   * @example
   * ```ts
   * const [values, counts] = torch.tensor([3, 1, 3, 2, 3]).unique({ returnCounts: true }) as torch.Tensor[];
   * console.log(values, counts);
   * ```
   * ```text
   * tensor([1, 2, 3]) tensor([1, 1, 3])
   * ```
   */
  unique(options?: Count.UniqueOptions): Tensor | Tensor[] {
    return Count.unique(this, options);
  }
  /** This tensor where `condition` holds, `other` elsewhere (`torch.where(condition, self, other)`). */
  where(condition: Tensor, other: TensorLike): Tensor {
    return E.where(condition, this, other);
  }
  /**
   * Negative elements set to zero.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([-1.5, 0, 2]).relu());
   * ```
   * ```text
   * tensor([0., 0., 2.])
   * ```
   */
  relu(): Tensor {
    return N.relu(this);
  }
  /**
   * Each element limited to `[min, max]` (either bound may be `null`).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([-2, 0.5, 3]).clamp(0, 1));
   * console.log(torch.tensor([-2, 0.5, 3]).clamp(null, 1));
   * ```
   * ```text
   * tensor([0.0000, 0.5000, 1.0000])
   * tensor([-2.0000,  0.5000,  1.0000])
   * ```
   */
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    return E.clamp(this, min ?? null, max ?? null);
  }
  /** `clamp` under its other name. */
  clip(min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    return E.clamp(this, min ?? null, max ?? null);
  }
  /** Every element at least `min` (`clamp_min`; node `ClampMinBackward0`). */
  clampMin(min: number): Tensor {
    return E.clampBound(this, min, 'min');
  }
  /** Every element at most `max` (`clamp_max`; node `ClampMaxBackward0`). */
  clampMax(max: number): Tensor {
    return E.clampBound(this, max, 'max');
  }
  /**
   * Elementwise `==`, as a bool tensor.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3]).eq(2));
   * ```
   * ```text
   * tensor([False,  True, False])
   * ```
   */
  eq(other: TensorLike): Tensor {
    return E.compare('eq', this, other);
  }
  /** `torch.equal(self, other)`: the same sizes and values. */
  equal(other: Tensor): boolean {
    return E.equal(this, other);
  }
  /** Elementwise `!=`, as a bool tensor. */
  ne(other: TensorLike): Tensor {
    return E.compare('ne', this, other);
  }
  /** Elementwise `<`, as a bool tensor. */
  lt(other: TensorLike): Tensor {
    return E.compare('lt', this, other);
  }
  /** Elementwise `<=`, as a bool tensor. */
  le(other: TensorLike): Tensor {
    return E.compare('le', this, other);
  }
  /**
   * Elementwise `>`, as a bool tensor.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3]).gt(torch.tensor([2, 2, 2])));
   * ```
   * ```text
   * tensor([False, False,  True])
   * ```
   */
  gt(other: TensorLike): Tensor {
    return E.compare('gt', this, other);
  }
  /** Elementwise `>=`, as a bool tensor. */
  ge(other: TensorLike): Tensor {
    return E.compare('ge', this, other);
  }
  /** Elementwise logical and, as a bool tensor (`logical_and`). */
  logicalAnd(other: TensorLike): Tensor {
    return E.logicalAnd(this, other);
  }
  /** Elementwise logical or, as a bool tensor (`logical_or`). */
  logicalOr(other: TensorLike): Tensor {
    return E.logicalOr(this, other);
  }

  // ---- in place ----
  /**
   * In-place `add`: `this += alpha * other`.
   *
   * @example
   * ```ts
   * const x = torch.zeros(3);
   * x.add_(1).add_(torch.tensor([1, 2, 3]), { alpha: 10 });
   * console.log(x);
   * ```
   * ```text
   * tensor([11., 21., 31.])
   * ```
   */
  add_(other: TensorLike, options?: { alpha?: number }): this {
    return F.add_(this, other, options);
  }
  /** In-place `sub`: `this -= alpha * other`. */
  sub_(other: TensorLike, options?: { alpha?: number }): this {
    return F.sub_(this, other, options);
  }
  /**
   * In-place `mul`.
   *
   * @example
   * ```ts
   * const x = torch.tensor([1.5, 2]);
   * x.mul_(2);
   * console.log(x);
   * ```
   * ```text
   * tensor([3., 4.])
   * ```
   */
  mul_(other: TensorLike): this {
    return F.mul_(this, other);
  }
  /** In-place `div`. */
  div_(other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): this {
    return E.inplace(this, (s) => E.div(s, other, options), other);
  }
  /** In-place `pow`. */
  pow_(exponent: TensorLike): this {
    return E.inplace(this, (s) => E.pow(s, exponent), exponent);
  }
  /** In-place `neg`. */
  neg_(): this {
    return E.inplace(this, E.neg);
  }
  /** In-place `abs`. */
  abs_(): this {
    return E.inplace(this, E.abs);
  }
  /** In-place `exp`. */
  exp_(): this {
    return E.inplace(this, E.exp);
  }
  /** In-place `log`. */
  log_(): this {
    return E.inplace(this, E.log);
  }
  /** In-place `sqrt`. */
  sqrt_(): this {
    return E.inplace(this, E.sqrt);
  }
  /** In-place `relu`. */
  relu_(): this {
    return F.relu_(this);
  }
  /** In-place `sigmoid`. */
  sigmoid_(): this {
    return E.inplaceSavingNoInput(this, E.sigmoid);
  }
  /** In-place `tanh`. */
  tanh_(): this {
    return E.inplaceSavingNoInput(this, E.tanh);
  }
  /** In-place `clamp`. */
  clamp_(min?: number | Tensor | null, max?: number | Tensor | null): this {
    return E.inplace(this, (s) => E.clamp(s, min ?? null, max ?? null));
  }
  /**
   * Fills with zeros in place.
   *
   * @example
   * ```ts
   * const x = torch.ones(2, 2);
   * x.zero_();
   * console.log(x);
   * ```
   * ```text
   * tensor([[0., 0.],
   *         [0., 0.]])
   * ```
   */
  zero_(): this {
    return F.filled_(this, 0);
  }
  /**
   * Fills with `value` in place.
   *
   * @example
   * ```ts
   * console.log(torch.empty(3).fill_(7));
   * ```
   * ```text
   * tensor([7., 7., 7.])
   * ```
   */
  fill_(value: number | boolean | Tensor): this {
    return F.filled_(this, value);
  }
  /**
   * Copies `src`'s values into this tensor in place (broadcasting and converting dtype).
   *
   * @example
   * ```ts
   * const x = torch.zeros(2, 3);
   * x.copy_(torch.tensor([1, 2, 3]));
   * console.log(x);
   * ```
   * ```text
   * tensor([[1., 2., 3.],
   *         [1., 2., 3.]])
   * ```
   */
  copy_(src: Tensor | number | boolean): this {
    return E.copy_(this, src);
  }
  /** In-place `maskedFill` (`masked_fill_`). */
  maskedFill_(mask: Tensor, value: number | Tensor): this {
    return E.inplace(this, (s) => I.maskedFill(s, mask, value), value);
  }
  /** Fills in place with samples uniform in `[from, to)`. */
  uniform_(from = 0, to = 1, options?: { generator?: Generator }): this {
    return C.uniform_(this, from, to, options?.generator);
  }
  /** Fills in place with samples from the normal distribution `N(mean, std²)`. */
  normal_(mean = 0, std = 1, options?: { generator?: Generator }): this {
    return C.normal_(this, mean, std, options?.generator);
  }
  /** Fills in place with samples from the exponential distribution of rate `lambd` (mean 1 / λ). */
  exponential_(lambd = 1, options?: { generator?: Generator }): this {
    return C.exponential_(this, lambd, options?.generator);
  }
  /** Fills in place with 1 (probability `p`) or 0. */
  bernoulli_(p = 0.5, options?: { generator?: Generator }): this {
    return C.bernoulli_(this, p, options?.generator);
  }
  /** In-place `addcmul`: `this += value * t1 * t2`. */
  addcmul_(t1: Tensor, t2: Tensor, options?: { value?: number }): this {
    return F.addcmul_(this, t1, t2, options?.value);
  }
  /** In-place `addcdiv`: `this += value * t1 / t2`. */
  addcdiv_(t1: Tensor, t2: Tensor, options?: { value?: number }): this {
    return F.addcdiv_(this, t1, t2, options?.value);
  }
  /** `this + value * t1 * t2`. */
  addcmul(t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor {
    return E.addcmul(this, t1, t2, options?.value ?? 1);
  }
  /** `this + value * t1 / t2`. */
  addcdiv(t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor {
    return E.addcdiv(this, t1, t2, options?.value ?? 1);
  }
  /**
   * The linear interpolation `this + weight * (end - this)`, `weight` a number or a tensor, rounded as PyTorch's
   * kernel.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2]).float().lerp(torch.tensor([3, -2]).float(), 0.25));
   * ```
   * ```text
   * tensor([1.5000, 1.0000])
   * ```
   */
  lerp(end: Tensor, weight: number | Tensor): Tensor {
    return E.lerp(this, end, weight);
  }
  /** Moves toward `end` in place (`this.lerp_(end, weight)`: an exponential moving average's update). */
  lerp_(end: Tensor, weight: number | Tensor): this {
    return E.inplace(this, (s) => E.lerp(s, end, weight), end, weight);
  }

  // ---- reductions ----
  /**
   * The sum of all elements, or along `dim` (a number or numbers), keeping reduced dims with `keepdim`.
   *
   * @example
   * ```ts
   * const x = torch.tensor([[1, 2], [3, 4]]);
   * console.log(x.sum());
   * console.log(x.sum(0));
   * console.log(x.sum(1, { keepdim: true }));
   * ```
   * ```text
   * tensor(10)
   * tensor([4, 6])
   * tensor([[3],
   *         [7]])
   * ```
   */
  sum(dim?: Dims | ReduceOptions | null, options?: (ReduceOptions & { dtype?: DType }) | boolean): Tensor {
    return R.sum(this, dim, options);
  }
  /**
   * The mean of all elements, or along `dim`, keeping reduced dims with `keepdim`; floating-point tensors only.
   *
   * @example
   * ```ts
   * const x = torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' });
   * console.log(x.mean());
   * console.log(x.mean(1));
   * ```
   * ```text
   * tensor(2.5000)
   * tensor([1.5000, 3.5000])
   * ```
   */
  mean(dim?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return R.mean(this, dim, options);
  }
  /** The product of all elements, or along `dim`. */
  prod(dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return R.prod(this, dim, options);
  }
  /** Also PyTorch's positional `var(dim, unbiased, keepdim)`. */
  var(dim?: Dims | VarOptions | null, options?: VarOptions | boolean, keepdim?: boolean): Tensor {
    return R.variance(this, dim, options, false, keepdim);
  }
  /**
   * The standard deviation (Bessel-corrected unless `correction: 0` / `unbiased: false`), of all elements or along `dim`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3, 4], { dtype: 'float32' }).std());
   * ```
   * ```text
   * tensor(1.2910)
   * ```
   */
  std(dim?: Dims | VarOptions | null, options?: VarOptions | boolean, keepdim?: boolean): Tensor {
    return R.variance(this, dim, options, true, keepdim);
  }
  /** `log(sum(exp(x)))` along `dim`, computed without overflow. */
  logsumexp(dim: Dims | ReduceOptions, options?: ReduceOptions | boolean): Tensor {
    return R.logsumexp(this, dim, options);
  }
  /**
   * The largest element; along `dim`, `{ values, indices }`; with a tensor, the elementwise maximum.
   *
   * @example
   * ```ts
   * const x = torch.tensor([[1, 5], [7, 3]]);
   * console.log(x.max());
   * const { values, indices } = x.max(1);
   * console.log(values, indices);
   * ```
   * ```text
   * tensor(7)
   * tensor([5, 7]) tensor([1, 0])
   * ```
   */
  max(): Tensor;
  max(dim: number | ReduceOptions, options?: ReduceOptions | boolean): R.ValuesIndices;
  max(other: Tensor): Tensor;
  max(arg?: number | ReduceOptions | Tensor, options?: ReduceOptions | boolean): Tensor | R.ValuesIndices {
    return X.maxOrMin('max', this, arg, options);
  }
  /**
   * The median (the lower of the two middle values, as PyTorch's); along `dim`, `{ values, indices }`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([4, 1, 3, 2]).median());
   * ```
   * ```text
   * tensor(2)
   * ```
   */
  median(): Tensor;
  median(dim: number | ReduceOptions, options?: ReduceOptions | boolean): R.ValuesIndices;
  median(dim?: number | ReduceOptions, options?: ReduceOptions | boolean): Tensor | R.ValuesIndices {
    return Md.median(this, dim, options);
  }
  /** The k-th smallest element (from 1) along `dim` (default the last), as `{ values, indices }`. */
  kthvalue(k: number, dim = -1, keepdim = false): R.ValuesIndices {
    return Md.kthvalue(this, k, dim, keepdim);
  }
  /** The smallest element; along `dim`, `{ values, indices }`; with a tensor, the elementwise minimum. */
  min(): Tensor;
  min(dim: number | ReduceOptions, options?: ReduceOptions | boolean): R.ValuesIndices;
  min(other: Tensor): Tensor;
  min(arg?: number | ReduceOptions | Tensor, options?: ReduceOptions | boolean): Tensor | R.ValuesIndices {
    return X.maxOrMin('min', this, arg, options);
  }
  /** The largest values along `dim` (or of all elements), without indices. */
  amax(dim?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return X.amaxAmin('max', this, dim, options);
  }
  /** The smallest values along `dim` (or of all elements), without indices. */
  amin(dim?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return X.amaxAmin('min', this, dim, options);
  }
  /**
   * The index of the largest element (of the flattened tensor, or along `dim`).
   *
   * @example
   * ```ts
   * const logits = torch.tensor([[0.1, 2.5, 0.3], [1.2, 0.4, 0.9]]);
   * console.log(logits.argmax(1));
   * ```
   * ```text
   * tensor([1, 0])
   * ```
   */
  argmax(dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return X.argMaxMin('max', this, dim, options);
  }
  /** The index of the smallest element (of the flattened tensor, or along `dim`). */
  argmin(dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return X.argMaxMin('min', this, dim, options);
  }
  /** Whether any element is nonzero, overall or along `dim`. */
  any(dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return R.anyAll('any', this, dim, options);
  }
  /** Whether every element is nonzero, overall or along `dim`. */
  all(dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return R.anyAll('all', this, dim, options);
  }
  /**
   * The cumulative sum along `dim`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3, 4]).cumsum(0));
   * ```
   * ```text
   * tensor([ 1,  3,  6, 10])
   * ```
   */
  cumsum(dim: number): Tensor {
    return Cu.cumsum(this, dim);
  }
  /** The cumulative product along `dim` (`alphasCumprod = alphas.cumprod(0)`). */
  cumprod(dim: number): Tensor {
    return Cu.cumprod(this, dim);
  }
  /** The running maximum along `dim` and where each was found: `{ values, indices }` (NaN, once met, stays). */
  cummax(dim: number): R.ValuesIndices {
    return Cu.cummax(this, dim);
  }
  /** The running minimum along `dim` and where each was found: `{ values, indices }` (NaN, once met, stays). */
  cummin(dim: number): R.ValuesIndices {
    return Cu.cummin(this, dim);
  }
  /**
   * The `n`-th differences of neighbours along `dim`: `diff(n, dim, prepend, append)` or `diff({ n, dim, prepend,
   * append })` (default once, along the last dim).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 4, 9, 16]).diff());
   * ```
   * ```text
   * tensor([3, 5, 7])
   * ```
   */
  diff(options?: Cu.DiffOptions): Tensor;
  diff(n?: number, dim?: number, prepend?: Tensor | null, append?: Tensor | null): Tensor;
  diff(...args: unknown[]): Tensor {
    return Cu.diff(this, trailingOptions<Cu.DiffOptions>('diff', ['n', 'dim', 'prepend', 'append'], args, 1, 1));
  }
  /** The sum, in all or along `dim`, with NaN counted as zero: as {@link Tensor.sum}. */
  nansum(dim?: Dims | ReduceOptions | null, options?: (ReduceOptions & { dtype?: DType }) | boolean): Tensor {
    return Nan.nansum(this, dim, options);
  }
  /** The mean of the elements that are not NaN, in all or along `dim`: as {@link Tensor.mean}. */
  nanmean(dim?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor {
    return Nan.nanmean(this, dim, options);
  }
  /**
   * A copy with NaN, +∞ and -∞ replaced (by 0 and the dtype's largest and lowest values unless given):
   * `nanToNum(nan, posinf, neginf)` or `nanToNum({ nan, posinf, neginf })`.
   */
  nanToNum(options?: Nan.NanToNumOptions): Tensor;
  nanToNum(nan?: number, posinf?: number | null, neginf?: number | null): Tensor;
  nanToNum(...args: unknown[]): Tensor {
    return Nan.nanToNum(
      this,
      trailingOptions<Nan.NanToNumOptions>('nan_to_num', ['nan', 'posinf', 'neginf'], args, 1, 1),
    );
  }
  /** `norm(p='fro', dim=None, keepdim=False)`: positionally or as `{ p, dim, keepdim }`. */
  norm(p?: NormOrder | NormOptions | null, dim?: Dims | null, keepdim?: boolean): Tensor {
    return VN.norm(this, p, dim, keepdim);
  }
  /** @internal sums a broadcast gradient back to `shape` */
  sumToSize(shape: readonly number[]): Tensor {
    return R.sumToSize(this, shape);
  }

  // ---- linear algebra ----
  /**
   * The matrix product with broadcasting over batch dims (`@`): dot, matrix-vector, matrix-matrix or batched.
   *
   * @example
   * ```ts
   * const a = torch.tensor([[1, 2], [3, 4]]);
   * const b = torch.tensor([[1, 0], [0, 1]]);
   * console.log(a.matmul(b));
   * console.log(a.matmul(torch.tensor([1, 1])));
   * ```
   * ```text
   * tensor([[1, 2],
   *         [3, 4]])
   * tensor([3, 7])
   * ```
   */
  matmul(other: Tensor): Tensor {
    return L.matmul(this, other);
  }
  /** The product of two matrices (2-D only, no broadcasting). */
  mm(other: Tensor): Tensor {
    return L.mm(this, other);
  }
  /** The batched product of two 3-D tensors, `[b, n, m] @ [b, m, p]`. */
  bmm(other: Tensor): Tensor {
    return L.bmm(this, other);
  }
  /** The product of a matrix and a vector. */
  mv(vec: Tensor): Tensor {
    return L.mv(this, vec);
  }
  /**
   * The dot product of two 1-D tensors.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3]).dot(torch.tensor([4, 5, 6])));
   * ```
   * ```text
   * tensor(32)
   * ```
   */
  dot(other: Tensor): Tensor {
    return L.dot(this, other);
  }
  /** The outer product with the vector `vec2` (this tensor a vector too). */
  outer(vec2: Tensor): Tensor {
    return L.outer(this, vec2);
  }
  /** The sum of this matrix's main diagonal. */
  trace(): Tensor {
    return L.trace(this);
  }
  /**
   * The transpose of a tensor of at most 2 dims (a view).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([[1, 2, 3], [4, 5, 6]]).t());
   * ```
   * ```text
   * tensor([[1, 4],
   *         [2, 5],
   *         [3, 6]])
   * ```
   */
  t(): Tensor {
    return V.t(this);
  }
  /** All dims reversed (a view). */
  get T(): Tensor {
    return V.permute(this, [...this._shape.keys()].reverse());
  }
  /** The last two dims swapped (a view): a batch of matrices transposed. */
  get mT(): Tensor {
    return V.transpose(this, -2, -1);
  }

  // ---- shape and views ----
  /**
   * A view with a new shape on the same storage (one dim may be -1); the strides must allow it.
   *
   * @example
   * ```ts
   * const x = torch.arange(6);
   * console.log(x.view(2, 3));
   * console.log(x.view(-1, 2).shape);
   * ```
   * ```text
   * tensor([[0, 1, 2],
   *         [3, 4, 5]])
   * torch.Size([3, 2])
   * ```
   */
  view(...shape: (number | readonly number[])[]): Tensor {
    return V.view(this, shape);
  }
  /**
   * The same elements in a new shape (one dim may be -1): a view when possible, a copy otherwise.
   *
   * @example
   * ```ts
   * console.log(torch.arange(6).reshape([3, 2]));
   * ```
   * ```text
   * tensor([[0, 1],
   *         [2, 3],
   *         [4, 5]])
   * ```
   */
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return V.reshape(this, shape);
  }
  /** A view with `other`'s shape (`view_as`). */
  viewAs(other: Tensor): Tensor {
    return V.view(this, [other._shape]);
  }
  /** Reshaped to `other`'s shape (`reshape_as`). */
  reshapeAs(other: Tensor): Tensor {
    return V.reshape(this, [other._shape]);
  }
  /**
   * Dims `startDim` to `endDim` merged into one.
   *
   * @example
   * ```ts
   * const x = torch.zeros(2, 3, 4);
   * console.log(x.flatten().shape);
   * console.log(x.flatten(1).shape);
   * ```
   * ```text
   * torch.Size([24])
   * torch.Size([2, 12])
   * ```
   */
  flatten(startDim = 0, endDim = -1): Tensor {
    return V.flatten(this, startDim, endDim);
  }
  /** Dim `dim` split into `sizes`. */
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return V.unflatten(this, dim, sizes);
  }
  /**
   * A view with a new dim of size 1 at `dim`.
   *
   * @example
   * ```ts
   * const x = torch.tensor([1, 2, 3]);
   * console.log(x.unsqueeze(0).shape, x.unsqueeze(1).shape);
   * ```
   * ```text
   * torch.Size([1, 3]) torch.Size([3, 1])
   * ```
   */
  unsqueeze(dim: number): Tensor {
    return V.unsqueeze(this, dim);
  }
  /**
   * A view without the dims of size 1 (all of them, or those in `dim`).
   *
   * @example
   * ```ts
   * console.log(torch.zeros(1, 3, 1).squeeze().shape);
   * ```
   * ```text
   * torch.Size([3])
   * ```
   */
  squeeze(dim?: Dims): Tensor {
    return V.squeeze(this, dim);
  }
  /**
   * A view with dims `dim0` and `dim1` swapped.
   *
   * @example
   * ```ts
   * console.log(torch.zeros(2, 3, 4).transpose(0, 2).shape);
   * ```
   * ```text
   * torch.Size([4, 3, 2])
   * ```
   */
  transpose(dim0: number, dim1: number): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  /** `transpose` under NumPy's name. */
  swapaxes(dim0: number, dim1: number): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  /**
   * A view with the dims reordered.
   *
   * @example
   * ```ts
   * console.log(torch.zeros(2, 3, 4).permute(2, 0, 1).shape);
   * ```
   * ```text
   * torch.Size([4, 2, 3])
   * ```
   */
  permute(...dims: (number | readonly number[])[]): Tensor {
    return V.permute(this, V.intListArgs(dims, 'permute', 'dims', 'ints'));
  }
  /**
   * A view repeating dims of size 1 to `sizes` without copying (-1 keeps a dim).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([[1], [2]]).expand(2, 3));
   * ```
   * ```text
   * tensor([[1, 1, 1],
   *         [2, 2, 2]])
   * ```
   */
  expand(...sizes: (number | readonly number[])[]): Tensor {
    return V.expand(this, V.intListArgs(sizes, 'expand', 'size'));
  }
  /** `expand` to `other`'s shape (`expand_as`). */
  expandAs(other: Tensor): Tensor {
    return V.expand(this, other._shape);
  }
  /** A view broadcast to `shape` (`broadcast_to`). */
  broadcastTo(shape: readonly number[]): Tensor {
    return V.expand(this, shape);
  }
  /** This tensor if it is contiguous, else a contiguous copy. */
  contiguous(): Tensor {
    return V.contiguous(this);
  }
  /** A view of `length` elements of dim `dim` from `start`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return V.narrow(this, dim, start, length);
  }
  /**
   * A view of index `index` along `dim`, without that dim (`x[:, i]` for dim 1).
   *
   * @example
   * ```ts
   * const x = torch.tensor([[1, 2, 3], [4, 5, 6]]);
   * console.log(x.select(0, 1));
   * console.log(x.select(1, -1));
   * ```
   * ```text
   * tensor([4, 5, 6])
   * tensor([3, 6])
   * ```
   */
  select(dim: number, index: number): Tensor {
    return V.select(this, dim, index);
  }
  /**
   * A view of `start:end:step` along `dim` (`x[:, 1:3]` is `x.slice(1, 1, 3)`).
   *
   * @example
   * ```ts
   * const x = torch.arange(10);
   * console.log(x.slice(0, 2, 8, 2));
   * ```
   * ```text
   * tensor([2, 4, 6])
   * ```
   */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return V.slice(this, dim, start, end, step);
  }
  /**
   * Python-style indexing: numbers, `':'`/`'1:3'`/`'::2'` strings, `null` for a new axis, `'...'`.
   *
   * @example
   * ```ts
   * const x = torch.arange(12).view(3, 4);
   * console.log(x.index(1));
   * console.log(x.index(':', '1:3'));
   * console.log(x.index('...', null).shape);
   * ```
   * ```text
   * tensor([4, 5, 6, 7])
   * tensor([[ 1,  2],
   *         [ 5,  6],
   *         [ 9, 10]])
   * torch.Size([3, 4, 1])
   * ```
   */
  index(...indices: S.IndexSpec[]): Tensor {
    return S.index(this, indices);
  }
  /**
   * Splits into `chunks` views of (nearly) equal size along `dim`.
   *
   * @example
   * ```ts
   * console.log(torch.arange(5).chunk(2));
   * ```
   * ```text
   * [ tensor([0, 1, 2]), tensor([3, 4]) ]
   * ```
   */
  chunk(chunks: number, dim = 0): Tensor[] {
    return V.chunk(this, chunks, dim);
  }
  /** Splits into views of `splitSize` elements along `dim` (or of the sizes listed). */
  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return V.split(this, splitSize, dim);
  }
  /** The slices along `dim`, each without that dim. */
  unbind(dim = 0): Tensor[] {
    return V.unbind(this, dim);
  }
  /** A copy with the order of elements reversed along `dims`. */
  flip(dims: Dims): Tensor {
    return V.flip(this, dims);
  }
  /** The rows in reverse order (`flip(0)`). */
  flipud(): Tensor {
    return Re.flipud(this);
  }
  /** The columns in reverse order (`flip(1)`). */
  fliplr(): Tensor {
    return Re.fliplr(this);
  }
  /** The plane of `dims` (default [0, 1]) turned by `k` quarter turns (default 1), from the first dim toward the second. */
  rot90(k = 1, dims: readonly number[] = [0, 1]): Tensor {
    return Re.rot90(this, k, dims);
  }
  /**
   * A copy with the elements shifted by `shifts` along `dims`, wrapping around; without dims, over the flattened
   * tensor.
   *
   * @example
   * ```ts
   * console.log(torch.arange(6).view(2, 3).roll(1, 1));
   * ```
   * ```text
   * tensor([[2, 0, 1],
   *         [5, 3, 4]])
   * ```
   */
  roll(shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
    return Re.roll(this, shifts, dims);
  }
  /**
   * The lower triangle of the last two dims (on and below `diagonal`), zeros above: a causal mask's shape.
   *
   * @example
   * ```ts
   * console.log(torch.ones(3, 3).tril());
   * ```
   * ```text
   * tensor([[1., 0., 0.],
   *         [1., 1., 0.],
   *         [1., 1., 1.]])
   * ```
   */
  tril(diagonal = 0): Tensor {
    return Re.tril(this, diagonal);
  }
  /** The upper triangle of the last two dims (on and above `diagonal`), zeros below. */
  triu(diagonal = 0): Tensor {
    return Re.triu(this, diagonal);
  }
  /** Each slice along `dim` repeated `repeats` times (a number, or an int64 tensor of one count per slice). */
  repeatInterleave(repeats: number | Tensor, dim?: number | null): Tensor {
    return Re.repeatInterleave(this, repeats, dim);
  }
  /** The dims at `source` moved to `destination`, the others keeping their order (a view). */
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return Re.movedim(this, source, destination);
  }
  /** How many elements are not zero, in all or along `dim` (int64). */
  countNonzero(dim?: number | readonly number[]): Tensor {
    return Re.countNonzero(this, dim);
  }
  /**
   * A vector's square matrix with the vector on diagonal `diagonal`, or a matrix's diagonal as a vector.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2]).diag());
   * ```
   * ```text
   * tensor([[1, 0],
   *         [0, 2]])
   * ```
   */
  diag(diagonal = 0): Tensor {
    return Re.diag(this, diagonal);
  }
  /**
   * A view of the diagonal `offset` (above the main one when positive) of the matrices spanned by `dim1` and `dim2`,
   * appended as the last dim: `diagonal(offset, dim1, dim2)` or `diagonal({ offset, dim1, dim2 })`.
   *
   * @example
   * ```ts
   * const x = torch.arange(9).reshape(3, 3);
   * console.log(x.diagonal());
   * console.log(x.diagonal(1));
   * ```
   * ```text
   * tensor([0, 4, 8])
   * tensor([1, 5])
   * ```
   */
  diagonal(options?: { offset?: number; dim1?: number; dim2?: number }): Tensor;
  diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
  diagonal(...args: unknown[]): Tensor {
    const o = trailingOptions<{ offset?: number; dim1?: number; dim2?: number }>(
      'diagonal',
      ['offset', 'dim1', 'dim2'],
      args,
      1,
      1,
    );
    return Re.diagonal(this, o.offset, o.dim1, o.dim2);
  }
  /** A copy tiled `sizes` times along each dim. */
  repeat(...sizes: (number | readonly number[])[]): Tensor {
    return V.repeat(this, V.intListArgs(sizes, 'repeat', 'repeats'));
  }
  /** A copy repeated along each dim as `repeat`, missing leading counts taken as 1: `x.tile(2)`, `x.tile([2, 1])`. */
  tile(...dims: (number | readonly number[])[]): Tensor {
    return Re.tile(this, V.intListArgs(dims, 'tile', 'dims', 'ints'));
  }
  /** A copy with its own storage; the copy stays in the graph (gradients flow back through it). */
  clone(): Tensor {
    return V.clone(this);
  }

  // ---- nn-level math and indexing ----
  /**
   * `exp(x) / sum(exp(x))` along `dim`.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3], { dtype: 'float32' }).softmax(0));
   * ```
   * ```text
   * tensor([0.0900, 0.2447, 0.6652])
   * ```
   */
  softmax(dim: number): Tensor {
    return N.softmax(this, dim);
  }
  /**
   * The logarithm of `softmax` along `dim`, computed stably (`log_softmax`).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2, 3], { dtype: 'float32' }).logSoftmax(0));
   * ```
   * ```text
   * tensor([-2.4076, -1.4076, -0.4076])
   * ```
   */
  logSoftmax(dim: number): Tensor {
    return N.logSoftmax(this, dim);
  }
  /**
   * The elements at `index` along `dim`: `out[i][j] = this[i][index[i][j]]` for dim 1.
   *
   * @example
   * ```ts
   * const x = torch.tensor([[1, 2], [3, 4]]);
   * console.log(x.gather(1, torch.tensor([[0, 0], [1, 0]])));
   * ```
   * ```text
   * tensor([[1, 1],
   *         [4, 3]])
   * ```
   */
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  /** A copy with `src` written at `index` along `dim` (the inverse of `gather`). */
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return I.scatter(this, dim, index, src);
  }
  /** A copy with `src` added at `index` along `dim` (`scatter_add`). */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return I.scatterAdd(this, dim, index, src);
  }
  /** The slices along `dim` at the indices in `index` (`index_select`). */
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  /**
   * A copy with `value` where `mask` is true (`masked_fill`).
   *
   * @example
   * ```ts
   * const x = torch.tensor([1, 2, 3, 4]);
   * console.log(x.maskedFill(x.gt(2), 0));
   * ```
   * ```text
   * tensor([1, 2, 0, 0])
   * ```
   */
  maskedFill(mask: Tensor, value: number | Tensor): Tensor {
    return I.maskedFill(this, mask, value);
  }
  /** The elements where `mask` is true, as a 1-D tensor (`masked_select`). */
  maskedSelect(mask: Tensor): Tensor {
    return I.maskedSelect(this, mask);
  }
  /**
   * Each integer class index as a one-hot row (`F.one_hot`); `numClasses` defaults to the largest index + 1.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([0, 2, 1]).oneHot(3));
   * ```
   * ```text
   * tensor([[1, 0, 0],
   *         [0, 0, 1],
   *         [0, 1, 0]])
   * ```
   */
  oneHot(numClasses = -1): Tensor {
    return I.oneHot(this, numClasses);
  }
  /**
   * The `k` largest (or smallest) elements along `dim`, as `{ values, indices }`.
   *
   * @example
   * ```ts
   * const { values, indices } = torch.tensor([3, 1, 4, 1, 5]).topk(2);
   * console.log(values, indices);
   * ```
   * ```text
   * tensor([5, 4]) tensor([4, 2])
   * ```
   */
  topk(k: number, dim?: number | I.TopkOptions, options?: I.TopkOptions): R.ValuesIndices;
  topk(k: number, dim: number, largest?: boolean, sorted?: boolean): R.ValuesIndices;
  topk(k: number, ...args: unknown[]): R.ValuesIndices {
    return I.topk(this, k, ...args);
  }
  /**
   * The elements sorted along `dim`, as `{ values, indices }`.
   *
   * @example
   * ```ts
   * const { values, indices } = torch.tensor([3, 1, 2]).sort(0, { descending: true });
   * console.log(values, indices);
   * ```
   * ```text
   * tensor([3, 2, 1]) tensor([0, 2, 1])
   * ```
   */
  sort(dim?: number | I.SortOptions, options?: I.SortOptions): R.ValuesIndices;
  sort(dim: number, descending?: boolean): R.ValuesIndices;
  sort(...args: unknown[]): R.ValuesIndices {
    return I.sort(this, ...args);
  }
  /** The indices that sort the elements along `dim` (`argsort(dim, descending)` as in PyTorch, or with options). */
  argsort(dim?: number | I.SortOptions, options?: I.SortOptions): Tensor;
  argsort(dim: number, descending?: boolean): Tensor;
  argsort(...args: unknown[]): Tensor {
    return I.sort(this, ...args).indices;
  }

  // ---- conversion ----
  /**
   * The value of a one-element tensor, as a number.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([[2.5]]).item());
   * ```
   * ```text
   * 2.5
   * ```
   */
  item(): number {
    return C.item(this);
  }
  /**
   * The values as nested arrays of numbers (booleans for bool tensors).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([[1, 2], [3, 4]]).tolist());
   * ```
   * ```text
   * [ [ 1, 2 ], [ 3, 4 ] ]
   * ```
   */
  tolist(): NestedArray {
    return C.tolist(this);
  }
  /** The values as a new contiguous typed array (`Float32Array` for float32, ...). */
  toArray(): TypedArray {
    return C.toArray(this);
  }
  /**
   * The tensor's own storage as a typed array, shared as PyTorch's `numpy()` shares it: writes through it change
   * the tensor (and the tensor's in-place ops change it). Float32Array for float32, Float64Array for float64 and
   * int64 (exact integers), Int32Array, Uint8Array for bool. A typed array has no strides, so the tensor must be
   * contiguous (`t.contiguous().numpy()` copies first); `toArray()` always copies.
   */
  numpy(): TypedArray {
    return C.sharedArray(this);
  }
  /** A converted copy: to a dtype, another tensor's dtype, or a device (`'cpu'`; others throw). */
  to(target: DType | 'cpu' | (string & {}) | Tensor, options?: { copy?: boolean }): Tensor {
    return C.to(this, target, options?.copy ?? false);
  }
  /** `t.type()`: PyTorch's type name (`'torch.FloatTensor'`); `t.type(dtype)`: converted to `dtype`. */
  type(): string;
  type(dtype: DType): Tensor;
  type(dtype?: DType): Tensor | string {
    return dtype === undefined ? C.legacyTypeName(this) : C.to(this, dtype, false);
  }
  /**
   * Converted to float32.
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1, 2]).float());
   * ```
   * ```text
   * tensor([1., 2.])
   * ```
   */
  float(): Tensor {
    return C.to(this, 'float32', false);
  }
  /** Converted to float64. */
  double(): Tensor {
    return C.to(this, 'float64', false);
  }
  /**
   * Converted to int64 (values truncated toward zero).
   *
   * @example
   * ```ts
   * console.log(torch.tensor([1.7, -1.7]).long());
   * ```
   * ```text
   * tensor([ 1, -1])
   * ```
   */
  long(): Tensor {
    return C.to(this, 'int64', false);
  }
  /** Converted to int32. */
  int(): Tensor {
    return C.to(this, 'int32', false);
  }
  /** Converted to bool (nonzero is true). */
  bool(): Tensor {
    return C.to(this, 'bool', false);
  }
  /** This tensor (the CPU is the only device). */
  cpu(): Tensor {
    return this;
  }
  /** `new_zeros`, `new_ones`, `new_empty`, `new_full`, `new_tensor`: new tensors of this one's dtype unless told. */
  newZeros(...size: SizeArgs): Tensor {
    return Cr.zeros(...withDefaultDType(size, this.dtype));
  }
  /** A tensor of ones of this tensor's dtype unless told (`new_ones`). */
  newOnes(...size: SizeArgs): Tensor {
    return Cr.ones(...withDefaultDType(size, this.dtype));
  }
  /** An uninitialised (here: zeroed) tensor of this tensor's dtype unless told (`new_empty`). */
  newEmpty(...size: SizeArgs): Tensor {
    return Cr.empty(...withDefaultDType(size, this.dtype));
  }
  /** A tensor filled with `fillValue`, of this tensor's dtype unless told (`new_full`). */
  newFull(size: number | readonly number[], fillValue: number | boolean, options: TensorOptions = {}): Tensor {
    return Cr.full(size, fillValue, { dtype: this.dtype, ...options });
  }
  /** A tensor of `data`, of this tensor's dtype unless told (`new_tensor`). */
  newTensor(data: NestedArray | TypedArray | Tensor, options: TensorOptions = {}): Tensor {
    return Cr.tensor(data, { dtype: this.dtype, ...options });
  }
  /** @internal the values as a contiguous array of the storage type (no copy when already contiguous and whole) */
  contiguousArray(): TypedArray {
    return C.contiguousArray(this);
  }
  /**
   * PyTorch's `repr`, exactly.
   *
   * @example
   * ```ts
   * const x = torch.tensor([0.5, 1], { requiresGrad: true });
   * console.log(`${x.mul(2)}`);
   * ```
   * ```text
   * tensor([1., 2.], grad_fn=<MulBackward0>)
   * ```
   */
  toString(): string {
    return C.repr(this);
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

/** isclose and allclose's tolerances, given positionally or as options. */
function closeOptions(fn: string, args: readonly unknown[]): BM.CloseOptions {
  return trailingOptions<BM.CloseOptions>(fn, ['rtol', 'atol', 'equalNan'], args, 2, 2);
}

/**
 * The one-tensor elementwise ops (`t.exp()`, `t.sin()`, `t.trunc()`, ...) as methods, from the table in ops/unary.ts
 * (tensor-unary-methods.ts installs them).
 */
// A class and an interface of one name merge: the interface adds the table's methods to the class's type.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- see above
export interface Tensor extends UnaryMethods {}

setZerosFactory((meta) => new Tensor(allocateFor(meta.shape, meta.dtype), [...meta.shape], meta.dtype));
