/**
 * The `torch.fn(tensor, ...)` forms of the Tensor methods, and the functions that exist only in that form.
 * Elementwise functions, the matrix products, `cat` and `stack` take PyTorch's `out=` as a trailing
 * `{ out }` option.
 */
import { Tensor, type TensorLike } from './tensor.js';
import type { ReduceOptions } from './tensor-types.js';
import * as E from './ops/elementwise.js';
import * as N from './ops/activation.js';
import * as L from './ops/linalg.js';
import * as J from './ops/join.js';
import type { ValuesIndices } from './ops/reduce.js';
import { type OutOptions, withOut } from './ops/out.js';

type UnaryName = 'neg' | 'abs' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'square' | 'reciprocal' | 'sin' | 'cos' | 'tanh' | 'sigmoid'
  | 'erf' | 'sign' | 'floor' | 'ceil' | 'round';
/** `torch.exp(t, { out })` and the other elementwise functions of one tensor. */
function unary(name: UnaryName): (t: Tensor, options?: OutOptions) => Tensor {
  return (t, options = {}) => withOut(name, options.out, [t], () => t[name]());
}

type Method<K extends keyof Tensor> = Tensor[K] extends (...args: infer A) => infer R ? (t: Tensor, ...args: A) => R : never;
function fn<K extends keyof Tensor>(name: K): Method<K> {
  return ((t: Tensor, ...args: unknown[]) => (t[name] as (...a: unknown[]) => unknown).apply(t, args)) as Method<K>;
}

export const add = (a: TensorLike, b: TensorLike, options: { alpha?: number } & OutOptions = {}): Tensor =>
  withOut('add', options.out, [a, b], () => E.add(a, b, { alpha: options.alpha }));
export const sub = (a: TensorLike, b: TensorLike, options: { alpha?: number } & OutOptions = {}): Tensor =>
  withOut('sub', options.out, [a, b], () => E.sub(a, b, { alpha: options.alpha }));
export const mul = (a: TensorLike, b: TensorLike, options: OutOptions = {}): Tensor => withOut('mul', options.out, [a, b], () => E.mul(a, b));
export const div = (a: TensorLike, b: TensorLike, options: { roundingMode?: 'trunc' | 'floor' | null } & OutOptions = {}): Tensor =>
  withOut('div', options.out, [a, b], () => E.div(a, b, { roundingMode: options.roundingMode }));
export const pow = (a: TensorLike, b: TensorLike, options: OutOptions = {}): Tensor => withOut('pow', options.out, [a, b], () => E.pow(a, b));
export const rsub = E.rsub;
export const maximum = (a: TensorLike, b: TensorLike, options: OutOptions = {}): Tensor => withOut('maximum', options.out, [a, b], () => E.maximum(a, b));
export const minimum = (a: TensorLike, b: TensorLike, options: OutOptions = {}): Tensor => withOut('minimum', options.out, [a, b], () => E.minimum(a, b));
export const where = (condition: Tensor, a: TensorLike, b: TensorLike): Tensor => E.where(condition, a, b);
export const eq = (a: TensorLike, b: TensorLike): Tensor => E.compare('eq', a, b);
export const equal = E.equal;
export const ne = (a: TensorLike, b: TensorLike): Tensor => E.compare('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => E.compare('lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => E.compare('le', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => E.compare('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => E.compare('ge', a, b);
export const logicalAnd = E.logicalAnd;
export const logicalOr = E.logicalOr;
export const matmul = (a: Tensor, b: Tensor, options: OutOptions = {}): Tensor => withOut('matmul', options.out, [a, b], () => L.matmul(a, b), 'exact');
export const mm = (a: Tensor, b: Tensor, options: OutOptions = {}): Tensor => withOut('mm', options.out, [a, b], () => L.mm(a, b), 'exact');
export const bmm = (a: Tensor, b: Tensor, options: OutOptions = {}): Tensor => withOut('bmm', options.out, [a, b], () => L.bmm(a, b), 'exact');
export const cat = (tensors: readonly Tensor[], dim = 0, options: OutOptions = {}): Tensor => withOut('cat', options.out, tensors, () => J.cat(tensors, dim), 'castable-inputs');
export const stack = (tensors: readonly Tensor[], dim = 0, options: OutOptions = {}): Tensor => withOut('stack', options.out, tensors, () => J.stack(tensors, dim), 'castable-inputs');
export const dot = L.dot;
export const mv = L.mv;
export const relu = N.relu;
export const sigmoid = unary('sigmoid');
export const tanh = unary('tanh');
export const softmax = N.softmax;
export const logSoftmax = N.logSoftmax;
export const neg = unary('neg');
export const abs = unary('abs');
export const exp = unary('exp');
export const log = unary('log');
export const log1p = unary('log1p');
export const sqrt = unary('sqrt');
export const rsqrt = unary('rsqrt');
export const square = unary('square');
export const reciprocal = unary('reciprocal');
export const sin = unary('sin');
export const cos = unary('cos');
export const erf = unary('erf');
export const sign = unary('sign');
export const floor = unary('floor');
export const ceil = unary('ceil');
export const round = unary('round');
export const clamp = (t: Tensor, min?: number | Tensor | null, max?: number | Tensor | null, options: OutOptions = {}): Tensor =>
  withOut('clamp', options.out, [t, min, max], () => t.clamp(min, max));
export const clip = fn('clip');
export const isnan = fn('isnan');
export const isfinite = fn('isfinite');
export const logicalNot = fn('logicalNot');
export const sum = fn('sum');
export const mean = fn('mean');
export const prod = fn('prod');
export const std = fn('std');
export const logsumexp = fn('logsumexp');
export const amax = fn('amax');
export const amin = fn('amin');
export const argmax = fn('argmax');
export const argmin = fn('argmin');
export const any = fn('any');
export const all = fn('all');
export const cumsum = fn('cumsum');
export const t = fn('t');
export const reshape = fn('reshape');
export const flatten = fn('flatten');
export const unflatten = fn('unflatten');
export const unsqueeze = fn('unsqueeze');
export const squeeze = fn('squeeze');
export const transpose = fn('transpose');
export const permute = fn('permute');
export const narrow = fn('narrow');
export const select = fn('select');
export const chunk = fn('chunk');
export const split = fn('split');
export const unbind = fn('unbind');
export const flip = fn('flip');
export const gather = fn('gather');
export const scatter = fn('scatter');
export const scatterAdd = fn('scatterAdd');
export const indexSelect = fn('indexSelect');
export const maskedFill = fn('maskedFill');
export const maskedSelect = fn('maskedSelect');
export const topk = fn('topk');
export const sort = fn('sort');
export const argsort = fn('argsort');
export const clone = fn('clone');
export const detach = fn('detach');
export const numel = (x: Tensor): number => x.numel();
/** `torch.max`/`torch.min` with Tensor.max's overloads (the generic form would keep only the last one). */
interface MaxMin {
  (t: Tensor): Tensor;
  (t: Tensor, dim: number | ReduceOptions, options?: ReduceOptions | boolean): ValuesIndices;
  (t: Tensor, other: Tensor): Tensor;
}
export const norm = fn('norm');
export type { NormOptions, NormOrder } from './ops/vector-norm.js';
export const max = fn('max') as MaxMin;
export const min = fn('min') as MaxMin;
/** `torch.var` (named `var_` because `var` is a reserved word; also exported as `variance`). */
export const var_ = fn('var');
export const variance = var_;
export { var_ as var };
export const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;
