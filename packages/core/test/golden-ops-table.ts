/**
 * The ops of the golden fixtures (tools/golden/ops.py), each called with Kindling's spelling. Arguments arrive
 * in PyTorch's positional order; keyword arguments arrive under Kindling's option names.
 */
import * as torch from '@kindling/core';
import type { DType, Tensor, UnaryOpName } from '@kindling/core';
import { everyName } from './helpers/every-name.js';
import { type Built, type Kwargs, type OpCall, N, Ns, T } from './helpers/golden-cases.js';

/** A tensor or a scalar operand. */
function TL(x: Built): Tensor | number | boolean {
  if (x instanceof torch.Tensor || typeof x === 'number' || typeof x === 'boolean') return x;
  throw new Error(`expected a tensor or a scalar, got ${JSON.stringify(x)}`);
}

function NOpt(x: Built | undefined): number | undefined {
  return x === undefined || x === null ? undefined : N(x);
}

/** Each in-place op of the fixtures on its target, with the fixture's arguments after the view. */
const IN_PLACE: Record<string, (t: Tensor, a: Built, b: Built) => Tensor> = {
  add_: (t, a) => t.add_(TL(a) as Tensor | number),
  sub_: (t, a) => t.sub_(TL(a) as Tensor | number),
  mul_: (t, a) => t.mul_(TL(a) as Tensor | number),
  div_: (t, a) => t.div_(TL(a) as Tensor | number),
  pow_: (t, a) => t.pow_(N(a)),
  clamp_: (t, a, b) => t.clamp_(bound(a), bound(b)),
  fill_: (t, a) => t.fill_(N(a)),
  copy_: (t, a) => t.copy_(T(a)),
  maskedFill_: (t, a, b) => t.maskedFill_(T(a), N(b)),
  lerp_: (t, a, b) => t.lerp_(T(a), N(b)),
  ...Object.fromEntries(
    (['neg_', 'abs_', 'exp_', 'log_', 'sqrt_', 'relu_', 'sigmoid_', 'tanh_', 'zero_'] as const).map(
      (name): [string, (t: Tensor) => Tensor] => [name, (t) => t[name]()],
    ),
  ),
};

/**
 * x's op written in place into a view of a copy of it (all of it, its transpose, or every other element of its last
 * dim), so that the gradient goes through CopySlices: ops_table.py's `_inplace`.
 */
function inPlace(x: Tensor, op: string, view: string, [a, b]: Built[]): Tensor {
  const base = x.mul(1);
  const target = view === 'transpose' ? base.transpose(0, -1) : view === 'slice' ? base.slice(-1, null, null, 2) : base;
  const call = IN_PLACE[op];
  if (call === undefined) throw new Error(`no in-place call for '${op}'`);
  call(target, a, b);
  return base;
}

/** A size: one number for both dims, or a list. */
function size2(x: Built): number | number[] {
  return typeof x === 'number' ? x : Ns(x);
}

function Ts(x: Built): Tensor[] {
  if (Array.isArray(x) && x.every((v): v is Tensor => v instanceof torch.Tensor)) return x;
  throw new Error('expected a list of tensors');
}

/** A bound for clamp: a number, a tensor or null. */
function bound(x: Built | undefined): number | Tensor | null {
  if (x === undefined || x === null) return null;
  return x instanceof torch.Tensor ? x : N(x);
}

function dimOf(kw: Kwargs): number | number[] | undefined {
  const d = kw.dim;
  if (d === undefined || d === null) return undefined;
  if (typeof d === 'number') return d;
  return Ns(d);
}

function singleDim(kw: Kwargs): number | undefined {
  const d = dimOf(kw);
  if (Array.isArray(d)) throw new Error('expected a single dim');
  return d;
}

function bool(kw: Kwargs, key: string): boolean | undefined {
  const v = kw[key];
  return typeof v === 'boolean' ? v : undefined;
}

function num(kw: Kwargs, key: string): number | undefined {
  const v = kw[key];
  return typeof v === 'number' ? v : undefined;
}

/** sum/mean/amax/...: `x.op()`, `x.op(dim, { keepdim })` or, with call 'options', `x.op({ dim, keepdim })`. */
function reduction(name: 'sum' | 'mean' | 'amax' | 'amin' | 'nansum' | 'nanmean'): OpCall {
  return ([x], kw, call) => {
    const dim = dimOf(kw);
    const keepdim = bool(kw, 'keepdim');
    if (call === 'options') return T(x)[name]({ dim, keepdim });
    return dim === undefined ? T(x)[name]() : T(x)[name](dim, { keepdim });
  };
}

function singleDimReduction(name: 'prod' | 'argmax' | 'argmin' | 'any' | 'all'): OpCall {
  return ([x], kw, call) => {
    const dim = singleDim(kw);
    const keepdim = bool(kw, 'keepdim');
    if (call === 'options') return T(x)[name]({ dim, keepdim });
    return dim === undefined ? T(x)[name]() : T(x)[name](dim, { keepdim });
  };
}

function variance(name: 'var' | 'std'): OpCall {
  return ([x], kw, call) => {
    const dim = dimOf(kw);
    const options = { keepdim: bool(kw, 'keepdim'), correction: num(kw, 'correction'), unbiased: bool(kw, 'unbiased') };
    if (call === 'options') return T(x)[name]({ dim, ...options });
    return dim === undefined ? T(x)[name](options) : T(x)[name](dim, options);
  };
}

function extreme(name: 'max' | 'min' | 'median'): OpCall {
  return (a, kw, call) => {
    const x = T(a[0]);
    if (a.length > 1 && name !== 'median') return x[name](T(a[1]));
    const dim = singleDim(kw);
    if (dim === undefined) return x[name]();
    const keepdim = bool(kw, 'keepdim');
    return call === 'options' ? x[name]({ dim, keepdim }) : x[name](dim, { keepdim });
  };
}

/** Core's table of one-tensor elementwise ops (ops/unary.ts), every one of them: a missing name does not compile. */
export const UNARY_TABLE = everyName<UnaryOpName>()([
  'neg',
  'abs',
  'exp',
  'expm1',
  'log',
  'log1p',
  'sqrt',
  'rsqrt',
  'square',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'erf',
  'sign',
  'floor',
  'ceil',
  'round',
  'isnan',
  'isfinite',
  'logicalNot',
  'exp2',
  'log2',
  'log10',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'asinh',
  'acosh',
  'atanh',
  'deg2rad',
  'rad2deg',
  'erfc',
  'trunc',
  'frac',
  'isinf',
  'isposinf',
  'isneginf',
  'signbit',
] as const);
const OTHER_ONE_TENSOR = ['relu', 'contiguous', 'clone', 't', 'float', 'double', 'long', 'int', 'bool'] as const;
const COMPARE = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'maximum', 'minimum'] as const;
const PRODUCTS = ['matmul', 'mm', 'bmm', 'dot', 'mv'] as const;
const TENSOR_PAIRS = ['atan2', 'hypot', 'logaddexp', 'logaddexp2'] as const;
const TENSOR_OR_NUMBER = ['fmod', 'remainder', 'copysign'] as const;

function alphaOptions(kw: Kwargs): { alpha?: number } | undefined {
  const alpha = num(kw, 'alpha');
  return alpha === undefined ? undefined : { alpha };
}

function roundingMode(kw: Kwargs): 'trunc' | 'floor' | null {
  const m = kw.roundingMode;
  if (m === 'trunc' || m === 'floor') return m;
  return null;
}

export const OPS: Record<string, OpCall> = {
  add: ([a, b], kw) => T(a).add(TL(b), alphaOptions(kw)),
  sub: ([a, b], kw) => T(a).sub(TL(b), alphaOptions(kw)),
  rsub: ([a, b]) => torch.rsub(T(a), TL(b)),
  mul: ([a, b]) => T(a).mul(TL(b)),
  div: ([a, b], kw) =>
    kw.roundingMode === undefined ? T(a).div(TL(b)) : T(a).div(TL(b), { roundingMode: roundingMode(kw) }),
  pow: ([a, b]) => (a instanceof torch.Tensor ? a.pow(TL(b)) : torch.pow(TL(a), TL(b))),
  where: ([c, a, b]) => torch.where(T(c), TL(a), TL(b)),
  clamp: ([x, lo, hi]) => T(x).clamp(bound(lo), bound(hi)),
  ...Object.fromEntries(COMPARE.map((name): [string, OpCall] => [name, ([a, b]) => T(a)[name](TL(b))])),
  ...Object.fromEntries(
    [...UNARY_TABLE, ...OTHER_ONE_TENSOR].map((name): [string, OpCall] => [name, ([x]) => T(x)[name]()]),
  ),
  ...Object.fromEntries(PRODUCTS.map((name): [string, OpCall] => [name, ([a, b]) => T(a)[name](T(b))])),
  ...Object.fromEntries(TENSOR_PAIRS.map((name): [string, OpCall] => [name, ([a, b]) => T(a)[name](T(b))])),
  ...Object.fromEntries(TENSOR_OR_NUMBER.map((name): [string, OpCall] => [name, ([a, b]) => T(a)[name](TL(b))])),
  xlogy: ([a, b]) => (a instanceof torch.Tensor ? a.xlogy(TL(b)) : torch.xlogy(TL(a), TL(b))),
  sum: reduction('sum'),
  mean: reduction('mean'),
  amax: reduction('amax'),
  amin: reduction('amin'),
  prod: singleDimReduction('prod'),
  argmax: singleDimReduction('argmax'),
  argmin: singleDimReduction('argmin'),
  any: singleDimReduction('any'),
  all: singleDimReduction('all'),
  var: variance('var'),
  std: variance('std'),
  logsumexp: ([x], kw) => T(x).logsumexp(dimOf(kw) ?? [], { keepdim: bool(kw, 'keepdim') }),
  max: extreme('max'),
  min: extreme('min'),
  median: extreme('median'),
  cumprod: ([x, dim]) => T(x).cumprod(N(dim)),
  kthvalue: ([x, k, dim, keepdim]) => T(x).kthvalue(N(k), NOpt(dim), keepdim === true),
  cumsum: ([x, d]) => T(x).cumsum(N(d)),
  view: ([x, s]) => T(x).view(Ns(s)),
  reshape: ([x, s]) => T(x).reshape(Ns(s)),
  flatten: ([x, s, e]) => T(x).flatten(NOpt(s), NOpt(e)),
  unflatten: ([x, d, s]) => T(x).unflatten(N(d), Ns(s)),
  unsqueeze: ([x, d]) => T(x).unsqueeze(N(d)),
  squeeze: ([x, d]) => (d === undefined ? T(x).squeeze() : T(x).squeeze(N(d))),
  transpose: ([x, a, b]) => T(x).transpose(N(a), N(b)),
  permute: ([x, dims]) => T(x).permute(Ns(dims)),
  expand: ([x, sizes]) => T(x).expand(Ns(sizes)),
  expandAs: ([x, other]) => T(x).expandAs(T(other)),
  narrow: ([x, d, s, l]) => T(x).narrow(N(d), N(s), N(l)),
  select: ([x, d, i]) => T(x).select(N(d), N(i)),
  slice: ([x, d, s, e, st]) => T(x).slice(N(d), NOpt(s) ?? null, NOpt(e) ?? null, NOpt(st)),
  index: ([x, ...specs]) =>
    T(x).index(
      ...specs.map((s) => {
        if (s === null || typeof s === 'number' || typeof s === 'string' || s instanceof torch.Tensor) return s;
        throw new Error('bad index spec');
      }),
    ),
  chunk: ([x, c, d]) => T(x).chunk(N(c), NOpt(d)),
  split: ([x, s, d]) => T(x).split(typeof s === 'number' ? s : Ns(s), NOpt(d)),
  unbind: ([x, d]) => T(x).unbind(NOpt(d)),
  flip: ([x, dims]) => T(x).flip(Ns(dims)),
  repeatInterleave: ([x, repeats, dim]) =>
    T(x).repeatInterleave(typeof repeats === 'number' ? repeats : T(repeats), NOpt(dim)),
  movedim: ([x, source, destination]) =>
    T(x).movedim(
      typeof source === 'number' ? source : Ns(source),
      typeof destination === 'number' ? destination : Ns(destination),
    ),
  countNonzero: ([x, dim]) =>
    T(x).countNonzero(dim === undefined || dim === null ? undefined : typeof dim === 'number' ? dim : Ns(dim)),
  diag: ([x, d]) => T(x).diag(NOpt(d)),
  diagonal: ([x, offset, d1, d2]) => T(x).diagonal(NOpt(offset), NOpt(d1), NOpt(d2)),
  einsum: ([equation, ...operands]) => torch.einsum(String(equation), ...operands.map(T)),
  nansum: reduction('nansum'),
  nanmean: reduction('nanmean'),
  nanToNum: ([x, nan, posinf, neginf]) => T(x).nanToNum(NOpt(nan), NOpt(posinf), NOpt(neginf)),
  cummax: ([x, d]) => T(x).cummax(N(d)),
  cummin: ([x, d]) => T(x).cummin(N(d)),
  diff: ([x, n, d, prepend, append]) =>
    T(x).diff(NOpt(n), NOpt(d), prepend === undefined ? null : T(prepend), append === undefined ? null : T(append)),
  outer: ([a, b]) => T(a).outer(T(b)),
  trace: ([x]) => T(x).trace(),
  flipud: ([x]) => T(x).flipud(),
  fliplr: ([x]) => T(x).fliplr(),
  rot90: ([x, k, dims]) => (dims === undefined ? T(x).rot90(NOpt(k)) : T(x).rot90(N(k), Ns(dims))),
  tile: ([x, dims]) => T(x).tile(Ns(dims)),
  isclose: ([a, b], kw) =>
    T(a).isclose(T(b), { rtol: num(kw, 'rtol'), atol: num(kw, 'atol'), equalNan: bool(kw, 'equalNan') }),
  logit: ([x, eps]) => T(x).logit(NOpt(eps) ?? null),
  hstack: ([ts]) => torch.hstack(Ts(ts)),
  vstack: ([ts]) => torch.vstack(Ts(ts)),
  meshgrid: ([ts], kw) => torch.meshgrid(Ts(ts), { indexing: kw.indexing === 'xy' ? 'xy' : 'ij' }),
  typeAs: ([x, other]) => T(x).typeAs(T(other)),
  bincount: ([x, weights, minlength]) =>
    T(x).bincount(weights === undefined || weights === null ? null : T(weights), NOpt(minlength)),
  histc: ([x, bins, min, max]) => T(x).histc(NOpt(bins), NOpt(min), NOpt(max)),
  unique: ([x], kw) =>
    T(x).unique({ returnInverse: bool(kw, 'returnInverse'), returnCounts: bool(kw, 'returnCounts') }),
  searchsorted: ([seq, values], kw) => torch.searchsorted(T(seq), T(values), { right: bool(kw, 'right') }),
  bucketize: ([x, boundaries], kw) => torch.bucketize(T(x), T(boundaries), { right: bool(kw, 'right') }),
  lerp: ([x, end, weight]) => T(x).lerp(T(end), typeof weight === 'number' ? weight : T(weight)),
  roll: ([x, shifts, dims]) =>
    T(x).roll(
      typeof shifts === 'number' ? shifts : Ns(shifts),
      dims === undefined ? undefined : typeof dims === 'number' ? dims : Ns(dims),
    ),
  tril: ([x, d]) => T(x).tril(NOpt(d)),
  triu: ([x, d]) => T(x).triu(NOpt(d)),
  repeat: ([x, sizes]) => T(x).repeat(Ns(sizes)),
  cat: ([ts, d]) => torch.cat(Ts(ts), NOpt(d)),
  stack: ([ts, d]) => torch.stack(Ts(ts), NOpt(d)),
  softmax: ([x, d]) => T(x).softmax(N(d)),
  logSoftmax: ([x, d]) => T(x).logSoftmax(N(d)),
  gather: ([x, d, idx]) => T(x).gather(N(d), T(idx)),
  scatter: ([x, d, idx, src]) => T(x).scatter(N(d), T(idx), src instanceof torch.Tensor ? src : N(src)),
  scatterAdd: ([x, d, idx, src]) => T(x).scatterAdd(N(d), T(idx), T(src)),
  indexSelect: ([x, d, idx]) => T(x).indexSelect(N(d), T(idx)),
  maskedFill: ([x, m, v]) => T(x).maskedFill(T(m), v instanceof torch.Tensor ? v : N(v)),
  maskedSelect: ([x, m]) => T(x).maskedSelect(T(m)),
  oneHot: ([x, c]) => T(x).oneHot(NOpt(c)),
  topk: ([x, k, d], kw, call) => {
    const options = { largest: bool(kw, 'largest'), sorted: bool(kw, 'sorted') };
    return call === 'options'
      ? T(x).topk(N(k), { dim: num(kw, 'dim'), ...options })
      : T(x).topk(N(k), NOpt(d), options);
  },
  sort: ([x, d], kw, call) => {
    const options = { descending: bool(kw, 'descending'), stable: bool(kw, 'stable') };
    return call === 'options' ? T(x).sort({ dim: num(kw, 'dim'), ...options }) : T(x).sort(NOpt(d), options);
  },
  argsort: ([x, d], kw, call) => {
    const options = { descending: bool(kw, 'descending'), stable: bool(kw, 'stable') };
    return call === 'options' ? T(x).argsort({ dim: num(kw, 'dim'), ...options }) : T(x).argsort(NOpt(d), options);
  },
  to: ([x, dtype]) => T(x).to(dtype as DType),
  inplace: ([x, op, view, ...args]) => inPlace(T(x), String(op), String(view), args),
  conv2d: ([x, w, b], kw) => torch.conv2d(T(x), T(w), b === null || b === undefined ? null : T(b), kw),
  maxPool2d: ([x, k], kw) => torch.maxPool2d(T(x), size2(k), kw),
  avgPool2d: ([x, k], kw) => torch.avgPool2d(T(x), size2(k), kw),
  adaptiveAvgPool2d: ([x, s]) => torch.adaptiveAvgPool2d(T(x), size2(s)),
  adaptiveMaxPool2d: ([x, s], kw) => torch.adaptiveMaxPool2d(T(x), size2(s), kw),
};
