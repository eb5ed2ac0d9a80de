/**
 * The `torch.fn(tensor, ...)` forms of the Tensor methods, and the functions that exist only in that form. (The
 * one-tensor elementwise functions are ops/unary.ts's table, exported whole by index.ts.)
 * Elementwise functions, the matrix products, `cat` and `stack` take PyTorch's `out=` as a trailing
 * `{ out }` option.
 */
import { Tensor, type TensorLike } from './tensor.js';
import { RuntimeError } from './errors.js';
import { broadcastShapes as broadcastPair } from './shape.js';
import { Size } from './size.js';
import type { ReduceOptions } from './tensor-types.js';
import * as E from './ops/elementwise.js';
import * as N from './ops/activation.js';
import * as L from './ops/linalg.js';
import * as J from './ops/join.js';
import * as Count from './ops/counting.js';
import type { ValuesIndices } from './ops/reduce.js';
import { type OutOptions, withOut } from './ops/out.js';

/** Tensor's method `K` as a function of the tensor and the method's arguments, both overloads of a method that has two. */
type Method<K extends keyof Tensor> = Tensor[K] extends {
  (...args: infer A1): infer R1;
  (...args: infer A2): infer R2;
}
  ? ((t: Tensor, ...args: A1) => R1) & ((t: Tensor, ...args: A2) => R2)
  : never;
function fn<K extends keyof Tensor>(name: K): Method<K> {
  return ((t: Tensor, ...args: unknown[]) => (t[name] as (...a: unknown[]) => unknown).apply(t, args)) as Method<K>;
}

/** `torch.add(a, b, { alpha, out })`: `a + alpha * b`, either side a tensor or a number. */
export const add = (a: TensorLike, b: TensorLike, options: { alpha?: number } & OutOptions = {}): Tensor =>
  withOut('add', options.out, [a, b], () => E.add(a, b, { alpha: options.alpha }));
/** `torch.sub(a, b, { alpha, out })`: `a - alpha * b`. */
export const sub = (a: TensorLike, b: TensorLike, options: { alpha?: number } & OutOptions = {}): Tensor =>
  withOut('sub', options.out, [a, b], () => E.sub(a, b, { alpha: options.alpha }));
/** `torch.mul(a, b, { out })`: the elementwise product, broadcasting. */
export const mul = (a: TensorLike, b: TensorLike, options: OutOptions = {}): Tensor =>
  withOut('mul', options.out, [a, b], () => E.mul(a, b));
/** `torch.div(a, b, { roundingMode, out })`: the elementwise quotient. */
export const div = (
  a: TensorLike,
  b: TensorLike,
  options: { roundingMode?: 'trunc' | 'floor' | null } & OutOptions = {},
): Tensor => withOut('div', options.out, [a, b], () => E.div(a, b, { roundingMode: options.roundingMode }));
/**
 * `torch.pow(a, b, { out })`: `a ** b`, either side a tensor or a number.
 *
 * @example
 * ```ts
 * console.log(torch.pow(2, torch.tensor([1, 2, 3])));
 * ```
 * ```text
 * tensor([2, 4, 8])
 * ```
 */
export const pow = (a: TensorLike, b: TensorLike, options: OutOptions = {}): Tensor =>
  withOut('pow', options.out, [a, b], () => E.pow(a, b));
/** `torch.rsub(a, b)`: `b - a`. */
export const rsub = E.rsub;
/** `torch.maximum(t, ...)`: {@link Tensor.maximum} as a function. */
export const maximum = (a: TensorLike, b: TensorLike, options: OutOptions = {}): Tensor =>
  withOut('maximum', options.out, [a, b], () => E.maximum(a, b));
/** `torch.minimum(t, ...)`: {@link Tensor.minimum} as a function. */
export const minimum = (a: TensorLike, b: TensorLike, options: OutOptions = {}): Tensor =>
  withOut('minimum', options.out, [a, b], () => E.minimum(a, b));

/** `op(a, b, { out })`: a two-tensor elementwise function with PyTorch's `out=`. */
function withOutOf<A extends TensorLike, B extends TensorLike>(
  name: string,
  op: (a: A, b: B) => Tensor,
): (a: A, b: B, options?: OutOptions) => Tensor {
  return (a, b, options = {}) => withOut(name, options.out, [a, b], () => op(a, b));
}
/** `torch.atan2(input, other, { out })`: {@link Tensor.atan2} as a function. */
export const atan2 = withOutOf('atan2', E.atan2);
/** `torch.fmod(input, other, { out })`: {@link Tensor.fmod} as a function. */
export const fmod = withOutOf('fmod', E.fmod);
/** `torch.remainder(input, other, { out })`: {@link Tensor.remainder} as a function. */
export const remainder = withOutOf('remainder', E.remainder);
/** `torch.hypot(input, other, { out })`: {@link Tensor.hypot} as a function. */
export const hypot = withOutOf('hypot', E.hypot);
/** `torch.logaddexp(input, other, { out })`: {@link Tensor.logaddexp} as a function. */
export const logaddexp = withOutOf('logaddexp', E.logaddexp);
/** `torch.logaddexp2(input, other, { out })`: {@link Tensor.logaddexp2} as a function. */
export const logaddexp2 = withOutOf('logaddexp2', E.logaddexp2);
/** `torch.xlogy(input, other, { out })`: {@link Tensor.xlogy} as a function; either side may be a number. */
export const xlogy = withOutOf('xlogy', E.xlogy);
/** `torch.copysign(input, other, { out })`: {@link Tensor.copysign} as a function. */
export const copysign = withOutOf('copysign', E.copysign);
/**
 * `torch.where(condition, a, b)`: `a` where `condition` holds, `b` elsewhere (broadcasting).
 *
 * @example
 * ```ts
 * const x = torch.tensor([-1, 2, -3]);
 * console.log(torch.where(x.gt(0), x, 0));
 * ```
 * ```text
 * tensor([0, 2, 0])
 * ```
 */
export const where = (condition: Tensor, a: TensorLike, b: TensorLike): Tensor => E.where(condition, a, b);
/** `torch.eq(t, ...)`: {@link Tensor.eq} as a function. */
export const eq = (a: TensorLike, b: TensorLike): Tensor => E.compare('eq', a, b);
/** `torch.equal(a, b)`: whether the two tensors have the same sizes and values. */
export const equal = E.equal;
/** `torch.ne(t, ...)`: {@link Tensor.ne} as a function. */
export const ne = (a: TensorLike, b: TensorLike): Tensor => E.compare('ne', a, b);
/** `torch.lt(t, ...)`: {@link Tensor.lt} as a function. */
export const lt = (a: TensorLike, b: TensorLike): Tensor => E.compare('lt', a, b);
/** `torch.le(t, ...)`: {@link Tensor.le} as a function. */
export const le = (a: TensorLike, b: TensorLike): Tensor => E.compare('le', a, b);
/** `torch.gt(t, ...)`: {@link Tensor.gt} as a function. */
export const gt = (a: TensorLike, b: TensorLike): Tensor => E.compare('gt', a, b);
/** `torch.ge(t, ...)`: {@link Tensor.ge} as a function. */
export const ge = (a: TensorLike, b: TensorLike): Tensor => E.compare('ge', a, b);
/** `torch.logicalAnd(t, ...)`: {@link Tensor.logicalAnd} as a function. */
export const logicalAnd = E.logicalAnd;
/** `torch.logicalOr(t, ...)`: {@link Tensor.logicalOr} as a function. */
export const logicalOr = E.logicalOr;
/** `torch.matmul(a, b, { out })`: {@link Tensor.matmul} as a function. */
export const matmul = (a: Tensor, b: Tensor, options: OutOptions = {}): Tensor =>
  withOut('matmul', options.out, [a, b], () => L.matmul(a, b), 'exact');
/** `torch.mm(t, ...)`: {@link Tensor.mm} as a function. */
export const mm = (a: Tensor, b: Tensor, options: OutOptions = {}): Tensor =>
  withOut('mm', options.out, [a, b], () => L.mm(a, b), 'exact');
/** `torch.bmm(t, ...)`: {@link Tensor.bmm} as a function. */
export const bmm = (a: Tensor, b: Tensor, options: OutOptions = {}): Tensor =>
  withOut('bmm', options.out, [a, b], () => L.bmm(a, b), 'exact');
/**
 * `torch.cat(tensors, dim = 0, { out })`: the tensors joined along an existing dim.
 *
 * @example
 * ```ts
 * const a = torch.tensor([[1, 2]]);
 * const b = torch.tensor([[3, 4]]);
 * console.log(torch.cat([a, b]));
 * console.log(torch.cat([a, b], 1));
 * ```
 * ```text
 * tensor([[1, 2],
 *         [3, 4]])
 * tensor([[1, 2, 3, 4]])
 * ```
 */
export const cat = (tensors: readonly Tensor[], dim = 0, options: OutOptions = {}): Tensor =>
  withOut('cat', options.out, tensors, () => J.cat(tensors, dim), 'castable-inputs');
/**
 * `torch.stack(tensors, dim = 0, { out })`: the tensors (all of one shape) joined along a new dim.
 *
 * @example
 * ```ts
 * const a = torch.tensor([1, 2]);
 * const b = torch.tensor([3, 4]);
 * console.log(torch.stack([a, b]));
 * console.log(torch.stack([a, b], 1).shape);
 * ```
 * ```text
 * tensor([[1, 2],
 *         [3, 4]])
 * torch.Size([2, 2])
 * ```
 */
export const stack = (tensors: readonly Tensor[], dim = 0, options: OutOptions = {}): Tensor =>
  withOut('stack', options.out, tensors, () => J.stack(tensors, dim), 'castable-inputs');
/** `torch.hstack(tensors, { out })`: joined along dim 1, or dim 0 for vectors. */
export const hstack = (tensors: readonly Tensor[], options: OutOptions = {}): Tensor =>
  withOut('hstack', options.out, tensors, () => J.hstack(tensors), 'castable-inputs');
/**
 * `torch.vstack(tensors, { out })`: joined along dim 0, vectors as rows.
 *
 * @example
 * ```ts
 * console.log(torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])]));
 * ```
 * ```text
 * tensor([[1, 2],
 *         [3, 4]])
 * ```
 */
export const vstack = (tensors: readonly Tensor[], options: OutOptions = {}): Tensor =>
  withOut('vstack', options.out, tensors, () => J.vstack(tensors), 'castable-inputs');
/**
 * `torch.meshgrid(...tensors, { indexing })` (or the tensors as one list): the coordinate grids of 1-D tensors,
 * `indexing: 'ij'` (matrix, PyTorch's default) or `'xy'` (Cartesian).
 *
 * @example
 * ```ts
 * const [ys, xs] = torch.meshgrid([torch.arange(2), torch.arange(3)], { indexing: 'ij' });
 * console.log(ys);
 * console.log(xs);
 * ```
 * ```text
 * tensor([[0, 0, 0],
 *         [1, 1, 1]])
 * tensor([[0, 1, 2],
 *         [0, 1, 2]])
 * ```
 */
export function meshgrid(...args: (Tensor | readonly Tensor[] | { indexing?: 'ij' | 'xy' })[]): Tensor[] {
  const last = args[args.length - 1];
  const options =
    last !== undefined && !(last instanceof Tensor) && !Array.isArray(last)
      ? (args.pop() as { indexing?: 'ij' | 'xy' })
      : {};
  const tensors = args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly Tensor[]) : (args as Tensor[]);
  return J.meshgrid(tensors, options.indexing);
}

/** `torch.dot(t, ...)`: {@link Tensor.dot} as a function. */
export const dot = L.dot;
/** `torch.mv(t, ...)`: {@link Tensor.mv} as a function. */
export const mv = L.mv;
/** `torch.relu(t, ...)`: {@link Tensor.relu} as a function. */
export const relu = N.relu;
/** `torch.softmax(t, ...)`: {@link Tensor.softmax} as a function. */
export const softmax = N.softmax;
/** `torch.logSoftmax(t, ...)`: {@link Tensor.logSoftmax} as a function. */
export const logSoftmax = N.logSoftmax;
/** `torch.clamp(t, ...)`: {@link Tensor.clamp} as a function. */
export const clamp = (
  t: Tensor,
  min?: number | Tensor | null,
  max?: number | Tensor | null,
  options: OutOptions = {},
): Tensor => withOut('clamp', options.out, [t, min, max], () => t.clamp(min, max));
/** `torch.clip(t, ...)`: {@link Tensor.clip} as a function. */
export const clip = fn('clip');
/** `torch.clamp_min(t, min)`: {@link Tensor.clampMin} as a function. */
export const clampMin = fn('clampMin');
/** `torch.clamp_max(t, max)`: {@link Tensor.clampMax} as a function. */
export const clampMax = fn('clampMax');
/** `torch.sum(t, ...)`: {@link Tensor.sum} as a function. */
export const sum = fn('sum');
/** `torch.mean(t, ...)`: {@link Tensor.mean} as a function. */
export const mean = fn('mean');
/** `torch.prod(t, ...)`: {@link Tensor.prod} as a function. */
export const prod = fn('prod');
/** `torch.std(t, ...)`: {@link Tensor.std} as a function. */
export const std = fn('std');
/** `torch.logsumexp(t, ...)`: {@link Tensor.logsumexp} as a function. */
export const logsumexp = fn('logsumexp');
/** `torch.amax(t, ...)`: {@link Tensor.amax} as a function. */
export const amax = fn('amax');
/** `torch.amin(t, ...)`: {@link Tensor.amin} as a function. */
export const amin = fn('amin');
/** `torch.argmax(t, ...)`: {@link Tensor.argmax} as a function. */
export const argmax = fn('argmax');
/** `torch.argmin(t, ...)`: {@link Tensor.argmin} as a function. */
export const argmin = fn('argmin');
/** `torch.any(t, ...)`: {@link Tensor.any} as a function. */
export const any = fn('any');
/** `torch.all(t, ...)`: {@link Tensor.all} as a function. */
export const all = fn('all');
/** `torch.cumsum(t, ...)`: {@link Tensor.cumsum} as a function. */
export const cumsum = fn('cumsum');
/** `torch.cumprod(t, dim)`: {@link Tensor.cumprod} as a function. */
export const cumprod = fn('cumprod');
/** `torch.t(t, ...)`: {@link Tensor.t} as a function. */
export const t = fn('t');
/** `torch.reshape(t, ...)`: {@link Tensor.reshape} as a function. */
export const reshape = fn('reshape');
/** `torch.flatten(t, ...)`: {@link Tensor.flatten} as a function. */
export const flatten = fn('flatten');
/** `torch.unflatten(t, ...)`: {@link Tensor.unflatten} as a function. */
export const unflatten = fn('unflatten');
/** `torch.unsqueeze(t, ...)`: {@link Tensor.unsqueeze} as a function. */
export const unsqueeze = fn('unsqueeze');
/** `torch.squeeze(t, ...)`: {@link Tensor.squeeze} as a function. */
export const squeeze = fn('squeeze');
/** `torch.transpose(t, ...)`: {@link Tensor.transpose} as a function. */
export const transpose = fn('transpose');
/** `torch.permute(t, ...)`: {@link Tensor.permute} as a function. */
export const permute = fn('permute');
/** `torch.narrow(t, ...)`: {@link Tensor.narrow} as a function. */
export const narrow = fn('narrow');
/** `torch.select(t, ...)`: {@link Tensor.select} as a function. */
export const select = fn('select');
/** `torch.chunk(t, ...)`: {@link Tensor.chunk} as a function. */
export const chunk = fn('chunk');
/** `torch.split(t, ...)`: {@link Tensor.split} as a function. */
export const split = fn('split');
/** `torch.unbind(t, ...)`: {@link Tensor.unbind} as a function. */
export const unbind = fn('unbind');
/** `torch.flip(t, ...)`: {@link Tensor.flip} as a function. */
export const flip = fn('flip');
/** `torch.lerp(t, ...)`: {@link Tensor.lerp} as a function. */
export const lerp = fn('lerp');
/** `torch.repeatInterleave(t, ...)`: {@link Tensor.repeatInterleave} as a function. */
export const repeatInterleave = fn('repeatInterleave');
/** `torch.movedim(t, ...)`: {@link Tensor.movedim} as a function. */
export const movedim = fn('movedim');
/** `torch.countNonzero(t, ...)`: {@link Tensor.countNonzero} as a function. */
export const countNonzero = fn('countNonzero');
/** `torch.diag(t, ...)`: {@link Tensor.diag} as a function. */
export const diag = fn('diag');
/** `torch.diagonal(t, offset, dim1, dim2)`: {@link Tensor.diagonal} as a function. */
export const diagonal = fn('diagonal');
/** `torch.roll(t, ...)`: {@link Tensor.roll} as a function. */
export const roll = fn('roll');
/** `torch.tril(t, ...)`: {@link Tensor.tril} as a function. */
export const tril = fn('tril');
/** `torch.triu(t, ...)`: {@link Tensor.triu} as a function. */
export const triu = fn('triu');
/** `torch.gather(t, ...)`: {@link Tensor.gather} as a function. */
export const gather = fn('gather');
/** `torch.scatter(t, ...)`: {@link Tensor.scatter} as a function. */
export const scatter = fn('scatter');
/** `torch.scatterAdd(t, ...)`: {@link Tensor.scatterAdd} as a function. */
export const scatterAdd = fn('scatterAdd');
/** `torch.indexSelect(t, ...)`: {@link Tensor.indexSelect} as a function. */
export const indexSelect = fn('indexSelect');
/** `torch.maskedFill(t, ...)`: {@link Tensor.maskedFill} as a function. */
export const maskedFill = fn('maskedFill');
/** `torch.maskedSelect(t, ...)`: {@link Tensor.maskedSelect} as a function. */
export const maskedSelect = fn('maskedSelect');
/** `torch.topk(t, ...)`: {@link Tensor.topk} as a function. */
export const topk = fn('topk');
/** `torch.sort(t, ...)`: {@link Tensor.sort} as a function. */
export const sort = fn('sort');
/** `torch.argsort(t, ...)`: {@link Tensor.argsort} as a function. */
export const argsort = fn('argsort');
/** `torch.clone(t, ...)`: {@link Tensor.clone} as a function. */
export const clone = fn('clone');
/** `torch.detach(t, ...)`: {@link Tensor.detach} as a function. */
export const detach = fn('detach');
/** `torch.numel(t)`: the number of elements. */
export const numel = (x: Tensor): number => x.numel();
/** `torch.max`/`torch.min` with Tensor.max's overloads (the generic form would keep only the last one). */
interface MaxMin {
  (t: Tensor): Tensor;
  (t: Tensor, dim: number | ReduceOptions, options?: ReduceOptions | boolean): ValuesIndices;
  (t: Tensor, other: Tensor): Tensor;
}
/** `torch.median` with Tensor.median's overloads. */
interface Median {
  (t: Tensor): Tensor;
  (t: Tensor, dim: number | ReduceOptions, options?: ReduceOptions | boolean): ValuesIndices;
}
/** `torch.norm(t, ...)`: {@link Tensor.norm} as a function. */
export const norm = fn('norm');
export type { NormOptions, NormOrder } from './ops/vector-norm.js';
/** `torch.max(t)`, `torch.max(t, dim)` (`{ values, indices }`) or `torch.max(a, b)`: {@link Tensor.max} as a function. */
export const max = fn('max') as MaxMin;
/** `torch.min(t)`, `torch.min(t, dim)` (`{ values, indices }`) or `torch.min(a, b)`: {@link Tensor.min} as a function. */
export const min = fn('min') as MaxMin;
/** `torch.median(t)` or `torch.median(t, dim)` (`{ values, indices }`): {@link Tensor.median} as a function. */
export const median = fn('median') as Median;
/** `torch.kthvalue(t, k, dim, keepdim)`: {@link Tensor.kthvalue} as a function. */
export const kthvalue = fn('kthvalue');
/** `torch.var` (named `var_` because `var` is a reserved word; also exported as `variance`). */
export const var_ = fn('var');
/** `torch.var` under a name that is not a reserved word. */
export const variance = var_;
export { var_ as var };
/**
 * `torch.is_tensor(x)`: whether `x` is a Tensor.
 *
 * @example
 * ```ts
 * console.log(torch.isTensor(torch.zeros(1)), torch.isTensor([1]));
 * ```
 * ```text
 * true false
 * ```
 */
export const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;
/** `torch.nansum(t, ...)`: {@link Tensor.nansum} as a function. */
export const nansum = fn('nansum');
/** `torch.nanmean(t, ...)`: {@link Tensor.nanmean} as a function. */
export const nanmean = fn('nanmean');
/** `torch.nanToNum(t, ...)`: {@link Tensor.nanToNum} as a function. */
export const nanToNum = fn('nanToNum');
/** `torch.cummax(t, dim)`: {@link Tensor.cummax} as a function. */
export const cummax = fn('cummax');
/** `torch.cummin(t, dim)`: {@link Tensor.cummin} as a function. */
export const cummin = fn('cummin');
/** `torch.diff(t, ...)`: {@link Tensor.diff} as a function. */
export const diff = fn('diff');
/** `torch.outer(a, b)`: {@link Tensor.outer} as a function. */
export const outer = fn('outer');
/** `torch.trace(t)`: {@link Tensor.trace} as a function. */
export const trace = fn('trace');
/** `torch.flipud(t)`: {@link Tensor.flipud} as a function. */
export const flipud = fn('flipud');
/** `torch.fliplr(t)`: {@link Tensor.fliplr} as a function. */
export const fliplr = fn('fliplr');
/** `torch.rot90(t, k, dims)`: {@link Tensor.rot90} as a function. */
export const rot90 = fn('rot90');
/** `torch.tile(t, dims)`: {@link Tensor.tile} as a function. */
export const tile = fn('tile');
/** `torch.isclose(a, b, ...)`: {@link Tensor.isclose} as a function. */
export const isclose = fn('isclose');
/** `torch.allclose(a, b, ...)`: {@link Tensor.allclose} as a function. */
export const allclose = fn('allclose');
/** `torch.logit(t, eps)`: {@link Tensor.logit} as a function. */
export const logit = fn('logit');
/**
 * `torch.broadcastShapes(...shapes)`: the shape tensors of the given shapes broadcast to together.
 *
 * @example
 * ```ts
 * console.log(torch.broadcastShapes([2, 1], [1, 3]));
 * ```
 * ```text
 * torch.Size([2, 3])
 * ```
 */
export function broadcastShapes(...shapes: (readonly number[])[]): Size {
  try {
    return Size.fromDims(shapes.reduce<number[]>((a, b) => broadcastPair(a, b), []));
  } catch {
    throw new RuntimeError('Shape mismatch: objects cannot be broadcast to a single shape');
  }
}
/** `torch.bincount(t, ...)`: {@link Tensor.bincount} as a function. */
export const bincount = fn('bincount');
/** `torch.histc(t, bins, min, max)`: {@link Tensor.histc} as a function. */
export const histc = fn('histc');
/** `torch.unique(t, { sorted, returnInverse, returnCounts })`: {@link Tensor.unique} as a function. */
export const unique = fn('unique');
/**
 * `torch.searchsorted(sortedSequence, values, { right, side })`: where each value would be inserted to keep the
 * sequence sorted (int64).
 *
 * @example
 * ```ts
 * console.log(torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6, 9, 0])));
 * ```
 * ```text
 * tensor([1, 3, 4, 0])
 * ```
 */
export const searchsorted = Count.searchsorted;
/** `torch.bucketize(input, boundaries, { right })`: the bucket of the 1-D ascending `boundaries` each element falls in. */
export const bucketize = Count.bucketize;
