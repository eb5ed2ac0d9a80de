/**
 * The Tensor: storage (a typed array shared by views), shape/strides/offset, dtype, and the autograd fields.
 * Its methods are thin: each forwards to the op that defines it (ops/*), where forward and backward live.
 */
import { type DType, type TypedArray, allocateFor, isFloatingPoint } from './dtype.js';
import { RuntimeError, TorchTypeError } from './errors.js';
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
import * as V from './ops/view.js';
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

import type { BackwardOptions, Dims, HookHandle, NestedArray, ReduceOptions, TensorLike, VarOptions } from './tensor-types.js';

export type { BackwardOptions, Dims, HookHandle, NestedArray, ReduceOptions, Scalar, TensorLike, VarOptions } from './tensor-types.js';

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

  /** @internal use the creation functions (`torch.tensor`, `torch.zeros`, ...) */
  constructor(source: Tensor);
  constructor(array: TypedArray, shape: number[], dtype: DType, strides?: number[], offset?: number, version?: VersionCounter);
  /**
   * `new Tensor(t)` makes a tensor on t's storage and version counter without its history (what subclasses such
   * as nn's Parameter build on, like PyTorch's `_make_subclass`); the array form is internal.
   */
  constructor(source: TypedArray | Tensor, shape?: number[], dtype?: DType, strides?: number[], offset = 0, version?: VersionCounter) {
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
  set _base(base: Tensor | null) {
    this._viewOf = base;
    this._viewVersion = this._version.value;
    this._viewCreatedInNoGrad = !isGradEnabled();
  }

  // ---- metadata ----
  /** The dims as a `torch.Size`: an array of numbers that prints as `torch.Size([2, 3])`, as in PyTorch. */
  get shape(): Size {
    return Size.fromDims(this._shape);
  }
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    return dim === undefined ? this.shape : this._shape[V.dimIndex(dim, this._shape.length)];
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    return dim === undefined ? this._strides.slice() : this._strides[V.dimIndex(dim, this._shape.length)];
  }
  get ndim(): number {
    return this._shape.length;
  }
  dim(): number {
    return this._shape.length;
  }
  numel(): number {
    return numel(this._shape);
  }
  get device(): 'cpu' {
    return 'cpu';
  }
  storageOffset(): number {
    return this._offset;
  }
  isContiguous(): boolean {
    return isContiguous(this._shape, this._strides);
  }
  isFloatingPoint(): boolean {
    return isFloatingPoint(this.dtype);
  }
  /** The in-place version counter, shared with views. */
  get version(): number {
    return this._version.value;
  }

  // ---- autograd state ----
  get requiresGrad(): boolean {
    return this._requiresGrad || this.gradFn !== null;
  }
  set requiresGrad(flag: boolean) {
    A.setRequiresGrad(this, flag, 'setter');
  }
  requiresGrad_(flag = true): this {
    A.setRequiresGrad(this, flag, 'method');
    return this;
  }
  /** @internal sets the leaf flag after the checks in setRequiresGrad */
  _setLeafRequiresGrad(flag: boolean): void {
    this._requiresGrad = flag;
  }
  get gradFn(): Node | null {
    if (this._viewOf !== null && this._version.value !== this._viewVersion) this._refreshViewHistory();
    return this._gradFn;
  }
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
  get retainsGrad(): boolean {
    return this._retainsGrad;
  }
  retainGrad(): void {
    if (!this.requiresGrad) throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
    if (this.isLeaf) return;
    if (this._retainsGrad) return;
    this._retainsGrad = true;
    (this.gradFn as Node).retainGradHooks.set(this._outputNr, (g) => accumulateInto(this, g));
  }
  registerHook(hook: TensorHook): HookHandle {
    return A.registerHook(this, hook);
  }
  /** `backward()`, `backward(gradient, { retainGraph, createGraph, inputs })`, or `backward({ retainGraph })`. */
  backward(gradient?: Tensor | BackwardOptions | null, options: BackwardOptions = {}): void {
    if (gradient != null && !(gradient instanceof Tensor)) A.backward(this, null, { ...gradient, ...options });
    else A.backward(this, gradient ?? null, options);
  }
  detach(): Tensor {
    return V.detach(this);
  }
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
  add(other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.add(this, other, options);
  }
  sub(other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.sub(this, other, options);
  }
  mul(other: TensorLike): Tensor {
    return E.mul(this, other);
  }
  div(other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    return E.div(this, other, options);
  }
  pow(exponent: TensorLike): Tensor {
    return E.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return E.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return E.minimum(this, other);
  }
  where(condition: Tensor, other: TensorLike): Tensor {
    return E.where(condition, this, other);
  }
  neg(): Tensor { return E.neg(this); }
  abs(): Tensor { return E.abs(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  log1p(): Tensor { return E.log1p(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  rsqrt(): Tensor { return E.rsqrt(this); }
  square(): Tensor { return E.square(this); }
  reciprocal(): Tensor { return E.reciprocal(this); }
  sin(): Tensor { return E.sin(this); }
  cos(): Tensor { return E.cos(this); }
  tanh(): Tensor { return N.tanh(this); }
  sigmoid(): Tensor { return N.sigmoid(this); }
  relu(): Tensor { return N.relu(this); }
  erf(): Tensor { return E.erf(this); }
  sign(): Tensor { return E.sign(this); }
  floor(): Tensor { return E.floor(this); }
  ceil(): Tensor { return E.ceil(this); }
  round(): Tensor { return E.round(this); }
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    return E.clamp(this, min ?? null, max ?? null);
  }
  clip(min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    return E.clamp(this, min ?? null, max ?? null);
  }
  eq(other: TensorLike): Tensor { return E.compare('eq', this, other); }
  /** `torch.equal(self, other)`: the same sizes and values. */
  equal(other: Tensor): boolean { return E.equal(this, other); }
  ne(other: TensorLike): Tensor { return E.compare('ne', this, other); }
  lt(other: TensorLike): Tensor { return E.compare('lt', this, other); }
  le(other: TensorLike): Tensor { return E.compare('le', this, other); }
  gt(other: TensorLike): Tensor { return E.compare('gt', this, other); }
  ge(other: TensorLike): Tensor { return E.compare('ge', this, other); }
  logicalNot(): Tensor { return E.logicalNot(this); }
  logicalAnd(other: TensorLike): Tensor { return E.logicalAnd(this, other); }
  logicalOr(other: TensorLike): Tensor { return E.logicalOr(this, other); }
  isnan(): Tensor { return E.isnan(this); }
  isfinite(): Tensor { return E.isfinite(this); }

  // ---- in place ----
  add_(other: TensorLike, options?: { alpha?: number }): this { return F.add_(this, other, options); }
  sub_(other: TensorLike, options?: { alpha?: number }): this { return F.sub_(this, other, options); }
  mul_(other: TensorLike): this { return F.mul_(this, other); }
  div_(other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): this { return E.inplace(this, (s) => E.div(s, other, options), other); }
  pow_(exponent: TensorLike): this { return E.inplace(this, (s) => E.pow(s, exponent), exponent); }
  neg_(): this { return E.inplace(this, E.neg); }
  abs_(): this { return E.inplace(this, E.abs); }
  exp_(): this { return E.inplace(this, E.exp); }
  log_(): this { return E.inplace(this, E.log); }
  sqrt_(): this { return E.inplace(this, E.sqrt); }
  relu_(): this { return F.relu_(this); }
  sigmoid_(): this { return E.inplaceSavingNoInput(this, N.sigmoid); }
  tanh_(): this { return E.inplaceSavingNoInput(this, N.tanh); }
  clamp_(min?: number | Tensor | null, max?: number | Tensor | null): this { return E.inplace(this, (s) => E.clamp(s, min ?? null, max ?? null)); }
  zero_(): this { return F.filled_(this, 0); }
  fill_(value: number | boolean | Tensor): this { return F.filled_(this, value); }
  copy_(src: Tensor | number | boolean): this { return E.copy_(this, src); }
  maskedFill_(mask: Tensor, value: number | Tensor): this { return E.inplace(this, (s) => I.maskedFill(s, mask, value), value); }
  uniform_(from = 0, to = 1, options?: { generator?: Generator }): this { return C.uniform_(this, from, to, options?.generator); }
  normal_(mean = 0, std = 1, options?: { generator?: Generator }): this { return C.normal_(this, mean, std, options?.generator); }
  bernoulli_(p = 0.5, options?: { generator?: Generator }): this { return C.bernoulli_(this, p, options?.generator); }
  addcmul_(t1: Tensor, t2: Tensor, options?: { value?: number }): this { return F.addcmul_(this, t1, t2, options?.value); }
  addcdiv_(t1: Tensor, t2: Tensor, options?: { value?: number }): this { return F.addcdiv_(this, t1, t2, options?.value); }
  addcmul(t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor { return E.addcmul(this, t1, t2, options?.value ?? 1); }
  addcdiv(t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor { return E.addcdiv(this, t1, t2, options?.value ?? 1); }
  lerp_(end: Tensor, weight: number): this { return E.inplace(this, (s) => E.lerp(s, end, weight), end); }

  // ---- reductions ----
  sum(dim?: Dims | ReduceOptions | null, options?: (ReduceOptions & { dtype?: DType }) | boolean): Tensor { return R.sum(this, dim, options); }
  mean(dim?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor { return R.mean(this, dim, options); }
  prod(dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor { return R.prod(this, dim, options); }
  /** Also PyTorch's positional `var(dim, unbiased, keepdim)`. */
  var(dim?: Dims | VarOptions | null, options?: VarOptions | boolean, keepdim?: boolean): Tensor { return R.variance(this, dim, options, false, keepdim); }
  std(dim?: Dims | VarOptions | null, options?: VarOptions | boolean, keepdim?: boolean): Tensor { return R.variance(this, dim, options, true, keepdim); }
  logsumexp(dim: Dims | ReduceOptions, options?: ReduceOptions | boolean): Tensor { return R.logsumexp(this, dim, options); }
  max(): Tensor;
  max(dim: number | ReduceOptions, options?: ReduceOptions | boolean): R.ValuesIndices;
  max(other: Tensor): Tensor;
  max(arg?: number | ReduceOptions | Tensor, options?: ReduceOptions | boolean): Tensor | R.ValuesIndices {
    return R.maxOrMin('max', this, arg, options);
  }
  min(): Tensor;
  min(dim: number | ReduceOptions, options?: ReduceOptions | boolean): R.ValuesIndices;
  min(other: Tensor): Tensor;
  min(arg?: number | ReduceOptions | Tensor, options?: ReduceOptions | boolean): Tensor | R.ValuesIndices {
    return R.maxOrMin('min', this, arg, options);
  }
  amax(dim?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor { return R.amaxAmin('max', this, dim, options); }
  amin(dim?: Dims | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor { return R.amaxAmin('min', this, dim, options); }
  argmax(dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor { return R.argMaxMin('max', this, dim, options); }
  argmin(dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor { return R.argMaxMin('min', this, dim, options); }
  any(dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor { return R.anyAll('any', this, dim, options); }
  all(dim?: number | ReduceOptions | null, options?: ReduceOptions | boolean): Tensor { return R.anyAll('all', this, dim, options); }
  cumsum(dim: number): Tensor { return R.cumsum(this, dim); }
  /** `norm(p='fro', dim=None, keepdim=False)`: positionally or as `{ p, dim, keepdim }`. */
  norm(p?: NormOrder | NormOptions | null, dim?: Dims | null, keepdim?: boolean): Tensor { return VN.norm(this, p, dim, keepdim); }
  /** @internal sums a broadcast gradient back to `shape` */
  sumToSize(shape: readonly number[]): Tensor { return R.sumToSize(this, shape); }

  // ---- linear algebra ----
  matmul(other: Tensor): Tensor { return L.matmul(this, other); }
  mm(other: Tensor): Tensor { return L.mm(this, other); }
  bmm(other: Tensor): Tensor { return L.bmm(this, other); }
  mv(vec: Tensor): Tensor { return L.mv(this, vec); }
  dot(other: Tensor): Tensor { return L.dot(this, other); }
  t(): Tensor { return V.t(this); }
  get T(): Tensor { return V.permute(this, [...this._shape.keys()].reverse()); }
  get mT(): Tensor { return V.transpose(this, -2, -1); }

  // ---- shape and views ----
  view(...shape: (number | readonly number[])[]): Tensor { return V.view(this, shape); }
  reshape(...shape: (number | readonly number[])[]): Tensor { return V.reshape(this, shape); }
  viewAs(other: Tensor): Tensor { return V.view(this, [other._shape]); }
  reshapeAs(other: Tensor): Tensor { return V.reshape(this, [other._shape]); }
  flatten(startDim = 0, endDim = -1): Tensor { return V.flatten(this, startDim, endDim); }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return V.unflatten(this, dim, sizes); }
  unsqueeze(dim: number): Tensor { return V.unsqueeze(this, dim); }
  squeeze(dim?: Dims): Tensor { return V.squeeze(this, dim); }
  transpose(dim0: number, dim1: number): Tensor { return V.transpose(this, dim0, dim1); }
  swapaxes(dim0: number, dim1: number): Tensor { return V.transpose(this, dim0, dim1); }
  permute(...dims: (number | readonly number[])[]): Tensor { return V.permute(this, V.intListArgs(dims, 'permute', 'dims', 'ints')); }
  expand(...sizes: (number | readonly number[])[]): Tensor { return V.expand(this, V.intListArgs(sizes, 'expand', 'size')); }
  expandAs(other: Tensor): Tensor { return V.expand(this, other._shape); }
  broadcastTo(shape: readonly number[]): Tensor { return V.expand(this, shape); }
  contiguous(): Tensor { return V.contiguous(this); }
  narrow(dim: number, start: number, length: number): Tensor { return V.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return V.select(this, dim, index); }
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor { return V.slice(this, dim, start, end, step); }
  /** Python-style indexing: numbers, `':'`/`'1:3'`/`'::2'` strings, `null` for a new axis, `'...'`. */
  index(...indices: V.IndexSpec[]): Tensor { return V.index(this, indices); }
  chunk(chunks: number, dim = 0): Tensor[] { return V.chunk(this, chunks, dim); }
  split(splitSize: number | readonly number[], dim = 0): Tensor[] { return V.split(this, splitSize, dim); }
  unbind(dim = 0): Tensor[] { return V.unbind(this, dim); }
  flip(dims: Dims): Tensor { return V.flip(this, dims); }
  repeat(...sizes: (number | readonly number[])[]): Tensor { return V.repeat(this, V.intListArgs(sizes, 'repeat', 'repeats')); }
  clone(): Tensor { return V.clone(this); }

  // ---- nn-level math and indexing ----
  softmax(dim: number): Tensor { return N.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return N.logSoftmax(this, dim); }
  gather(dim: number, index: Tensor): Tensor { return I.gather(this, dim, index); }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor { return I.scatter(this, dim, index, src); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return I.scatterAdd(this, dim, index, src); }
  indexSelect(dim: number, index: Tensor): Tensor { return I.indexSelect(this, dim, index); }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return I.maskedFill(this, mask, value); }
  maskedSelect(mask: Tensor): Tensor { return I.maskedSelect(this, mask); }
  oneHot(numClasses = -1): Tensor { return I.oneHot(this, numClasses); }
  topk(k: number, dim = -1, options?: { largest?: boolean; sorted?: boolean }): R.ValuesIndices { return I.topk(this, k, dim, options); }
  sort(dim = -1, options?: { descending?: boolean; stable?: boolean }): R.ValuesIndices { return I.sort(this, dim, options); }
  argsort(dim = -1, options?: { descending?: boolean; stable?: boolean }): Tensor { return I.sort(this, dim, options).indices; }

  // ---- conversion ----
  item(): number { return C.item(this); }
  tolist(): NestedArray { return C.tolist(this); }
  toArray(): TypedArray { return C.toArray(this); }
  /**
   * The tensor's own storage as a typed array, shared as PyTorch's `numpy()` shares it: writes through it change
   * the tensor (and the tensor's in-place ops change it). Float32Array for float32, Float64Array for float64 and
   * int64 (exact integers), Int32Array, Uint8Array for bool. A typed array has no strides, so the tensor must be
   * contiguous (`t.contiguous().numpy()` copies first); `toArray()` always copies.
   */
  numpy(): TypedArray { return C.sharedArray(this); }
  /** A converted copy: to a dtype, another tensor's dtype, or a device (`'cpu'`; others throw). */
  to(target: DType | 'cpu' | (string & {}) | Tensor, options?: { copy?: boolean }): Tensor { return C.to(this, target, options?.copy ?? false); }
  /** `t.type()`: PyTorch's type name (`'torch.FloatTensor'`); `t.type(dtype)`: converted to `dtype`. */
  type(): string;
  type(dtype: DType): Tensor;
  type(dtype?: DType): Tensor | string { return dtype === undefined ? C.legacyTypeName(this) : C.to(this, dtype, false); }
  float(): Tensor { return C.to(this, 'float32', false); }
  double(): Tensor { return C.to(this, 'float64', false); }
  long(): Tensor { return C.to(this, 'int64', false); }
  int(): Tensor { return C.to(this, 'int32', false); }
  bool(): Tensor { return C.to(this, 'bool', false); }
  cpu(): Tensor { return this; }
  /** `new_zeros`, `new_ones`, `new_empty`, `new_full`, `new_tensor`: new tensors of this one's dtype unless told. */
  newZeros(...size: SizeArgs): Tensor { return Cr.zeros(...withDefaultDType(size, this.dtype)); }
  newOnes(...size: SizeArgs): Tensor { return Cr.ones(...withDefaultDType(size, this.dtype)); }
  newEmpty(...size: SizeArgs): Tensor { return Cr.empty(...withDefaultDType(size, this.dtype)); }
  newFull(size: number | readonly number[], fillValue: number | boolean, options: TensorOptions = {}): Tensor {
    return Cr.full(size, fillValue, { dtype: this.dtype, ...options });
  }
  newTensor(data: NestedArray | TypedArray | Tensor, options: TensorOptions = {}): Tensor { return Cr.tensor(data, { dtype: this.dtype, ...options }); }
  /** @internal the values as a contiguous array of the storage type (no copy when already contiguous and whole) */
  contiguousArray(): TypedArray { return C.contiguousArray(this); }
  /** PyTorch's `repr`, exactly. */
  toString(): string { return C.repr(this); }

  /** `Number(t)`, `t > 0.5`, `${t}`: a one-element tensor as its value, a 0-d tensor in a template as Python's f'{t}'. */
  [Symbol.toPrimitive](hint: 'number' | 'string' | 'default'): number | string { return C.toPrimitive(this, hint); }

  /** `for (const row of t)`, `[...t]`, `const [a, b] = t`: the sub-tensors along dim 0, as PyTorch's `unbind(0)`. */
  *[Symbol.iterator](): Iterator<Tensor> {
    if (this._shape.length === 0) throw new TorchTypeError('iteration over a 0-d tensor');
    yield* this.unbind(0);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

setZerosFactory((meta) => new Tensor(allocateFor(meta.shape, meta.dtype), [...meta.shape], meta.dtype));
