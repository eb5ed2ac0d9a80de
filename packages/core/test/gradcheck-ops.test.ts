/**
 * `torch.autograd.gradcheck` (float64 central differences against the analytical backward) over every
 * differentiable core op, on random inputs kept away from kinks and ties; and gradgradcheck-style checks of the
 * backward formulas themselves (the gradient computed with `createGraph`, checked again by finite differences).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor, UnaryOpName } from '@kindling/core';

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

const f64 = { dtype: 'float64' as const };

/** A float64 leaf with values uniform in [lo, hi). */
function r(shape: number[], lo = -1.5, hi = 1.5): Tensor {
  return torch
    .rand(shape, f64)
    .mul(hi - lo)
    .add(lo)
    .requiresGrad_();
}

/** |values| in [0.3, 2) with random signs: away from the kinks of abs, relu, reciprocal, sign. */
function away(shape: number[]): Tensor {
  const sign = torch.where(torch.rand(shape).lt(0.5), -1, 1).to('float64');
  return torch.rand(shape, f64).mul(1.7).add(0.3).mul(sign).requiresGrad_();
}

/** Values at least 0.2 apart in random order: no ties for max, min, sort, topk. */
function distinct(shape: number[], shift = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = torch
    .randperm(n)
    .to('float64')
    .mul(0.3)
    .sub(n * 0.15 - shift)
    .add(torch.rand([n], f64).mul(0.1));
  return values.reshape(shape).requiresGrad_();
}

function pos(shape: number[]): Tensor {
  return r(shape, 0.5, 2.5);
}

function idx(values: number[][]): Tensor {
  return torch.tensor(values, { dtype: 'int64' });
}

const CASES: [string, () => Tensor[], Fn][] = [
  // arithmetic with broadcasting
  ['add broadcast with alpha', () => [r([3, 1]), r([4])], (a, b) => a.add(b, { alpha: 1.5 })],
  ['sub broadcast', () => [r([2, 3, 4]), r([4])], (a, b) => a.sub(b)],
  ['mul broadcast', () => [r([3, 1]), r([1, 4])], (a, b) => a.mul(b)],
  ['div broadcast', () => [r([3, 4]), away([4])], (a, b) => a.div(b)],
  ['rsub', () => [r([3])], (a) => torch.rsub(a, 2)],
  ['pow tensor ** scalar', () => [pos([3, 4])], (a) => a.pow(2.5)],
  ['pow tensor ** tensor', () => [pos([3, 4]), r([4])], (a, b) => a.pow(b)],
  ['pow scalar ** tensor', () => [r([5])], (b) => torch.pow(1.7, b)],
  ['maximum', () => [distinct([3, 4]), distinct([4], 0.05)], (a, b) => a.maximum(b)],
  ['minimum', () => [distinct([3, 4]), distinct([3, 1], 0.05)], (a, b) => a.minimum(b)],
  ['where', () => [r([3, 4]), r([4])], (a, b) => torch.where(torch.tensor([true, false, true]).reshape(3, 1), a, b)],
  ['clamp scalars', () => [away([3, 4])], (a) => a.clamp(-1, 1)],
  ['clamp tensor bounds', () => [r([3, 4]), r([4], -1, 0), r([3, 1], -0.5, 1)], (x, lo, hi) => x.clamp(lo, hi)],
  ['relu', () => [away([3, 4])], (a) => a.relu()],
  // reductions
  ['sum all', () => [r([3, 4])], (a) => a.sum()],
  ['sum dims keepdim', () => [r([2, 3, 4])], (a) => a.sum([0, 2], { keepdim: true })],
  ['mean dim', () => [r([2, 3, 4])], (a) => a.mean(-1)],
  ['prod dim', () => [away([3, 4])], (a) => a.prod(1)],
  ['prod all', () => [away([2, 3])], (a) => a.prod()],
  ['var dim', () => [r([3, 4])], (a) => a.var(1)],
  ['var correction 0 dims', () => [r([2, 3, 4])], (a) => a.var({ dim: [0, 2], correction: 0 })],
  ['std all', () => [r([3, 4])], (a) => a.std()],
  ['std dim keepdim', () => [r([3, 4])], (a) => a.std(0, { keepdim: true })],
  ['logsumexp', () => [r([3, 4])], (a) => a.logsumexp(1)],
  ['max all', () => [distinct([3, 4])], (a) => a.max()],
  ['max dim', () => [distinct([3, 4])], (a) => a.max(1).values],
  ['min dim keepdim', () => [distinct([3, 4])], (a) => a.min(0, { keepdim: true }).values],
  ['amax dims', () => [distinct([2, 3, 4])], (a) => a.amax([0, 2])],
  ['amin', () => [distinct([3, 4])], (a) => a.amin(-1)],
  ['cumsum', () => [r([3, 4])], (a) => a.cumsum(1)],
  ['cumprod', () => [away([3, 4])], (a) => a.cumprod(1)],
  ['median all', () => [distinct([3, 5])], (a) => a.median()],
  ['median dim', () => [distinct([3, 4])], (a) => a.median(1).values],
  ['kthvalue', () => [distinct([3, 4])], (a) => a.kthvalue(2, 0, true).values],
  ['roll', () => [r([2, 3, 4])], (a) => a.roll([1, -2], [0, 2])],
  ['tril and triu', () => [r([2, 3, 4])], (a) => a.tril(1).add(a.triu(2))],
  ['diag both ways', () => [r([3, 4]), r([2])], (a, b) => a.diag(-1).add(b.diag(1).diag(1))],
  ['repeatInterleave', () => [r([3, 2])], (a) => a.repeatInterleave(torch.tensor([2, 0, 1]), 0)],
  [
    'lerp number and tensor weights',
    () => [r([3, 4]), r([3, 4]), r([4], 0, 1)],
    (a, b, w) => a.lerp(b, 0.7).lerp(b, w),
  ],
  // products
  ['matmul 1D . 1D', () => [r([4]), r([4])], (a, b) => a.matmul(b)],
  ['matmul 2D . 1D', () => [r([3, 4]), r([4])], (a, b) => a.matmul(b)],
  ['matmul 1D . 2D', () => [r([4]), r([4, 2])], (a, b) => a.matmul(b)],
  ['matmul 3D . 2D', () => [r([2, 3, 4]), r([4, 2])], (a, b) => a.matmul(b)],
  ['matmul 2D . 3D', () => [r([3, 4]), r([2, 4, 2])], (a, b) => a.matmul(b)],
  ['matmul 4D . 3D', () => [r([2, 1, 3, 4]), r([3, 4, 2])], (a, b) => a.matmul(b)],
  ['mm transposed', () => [r([4, 3]), r([4, 2])], (a, b) => a.t().mm(b)],
  ['bmm', () => [r([2, 3, 4]), r([2, 4, 2])], (a, b) => a.bmm(b)],
  ['dot', () => [r([5]), r([5])], (a, b) => a.dot(b)],
  ['mv', () => [r([3, 4]), r([4])], (a, b) => a.mv(b)],
  // shapes and views
  ['view', () => [r([3, 4])], (a) => a.view(2, 6)],
  ['reshape non-contiguous', () => [r([3, 4])], (a) => a.t().reshape(12)],
  ['flatten', () => [r([2, 3, 4])], (a) => a.flatten(1)],
  ['unflatten', () => [r([2, 6])], (a) => a.unflatten(1, [2, 3])],
  ['unsqueeze and squeeze', () => [r([3, 1, 4])], (a) => a.squeeze(1).unsqueeze(0)],
  ['transpose', () => [r([2, 3, 4])], (a) => a.transpose(0, 2)],
  ['permute', () => [r([2, 3, 4])], (a) => a.permute(2, 0, 1)],
  ['expand', () => [r([3, 1])], (a) => a.expand(2, 3, 4)],
  ['contiguous', () => [r([3, 4])], (a) => a.t().contiguous()],
  ['narrow', () => [r([4, 5])], (a) => a.narrow(1, 1, 3)],
  ['select', () => [r([3, 4])], (a) => a.select(1, -1)],
  ['slice with step', () => [r([3, 7])], (a) => a.slice(1, 1, 6, 2)],
  ['index with strings', () => [r([3, 4, 5])], (a) => a.index(1, ':', '1:4')],
  ['index with tensors', () => [r([3, 4])], (a) => a.index(torch.tensor([0, 2, 2]), torch.tensor([3, 1, 3]))],
  ['index with a mask', () => [r([3, 4])], (a) => a.index(torch.tensor([true, false, true]))],
  ['chunk', () => [r([5, 3])], (a) => a.chunk(3)],
  ['split sizes', () => [r([3, 6])], (a) => a.split([1, 2, 3], 1)],
  ['unbind', () => [r([3, 2])], (a) => a.unbind(1)],
  ['flip', () => [r([2, 3, 4])], (a) => a.flip([0, 2])],
  ['repeat', () => [r([2, 3])], (a) => a.repeat(2, 1, 2)],
  ['clone', () => [r([3])], (a) => a.clone()],
  ['cat', () => [r([2, 3]), r([1, 3])], (a, b) => torch.cat([a, b], 0)],
  ['stack', () => [r([2, 3]), r([2, 3])], (a, b) => torch.stack([a, b], -1)],
  // nn-level math and indexing
  ['softmax', () => [r([3, 5])], (a) => a.softmax(-1)],
  ['softmax dim 0', () => [r([3, 5])], (a) => a.softmax(0)],
  ['logSoftmax', () => [r([3, 5])], (a) => a.logSoftmax(1)],
  [
    'gather',
    () => [r([3, 4])],
    (a) =>
      a.gather(
        1,
        idx([
          [0, 3],
          [1, 1],
          [2, 0],
        ]),
      ),
  ],
  [
    'scatter src',
    () => [r([3, 4]), r([2, 4])],
    (a, s) =>
      a.scatter(
        0,
        idx([
          [2, 0, 1, 1],
          [0, 1, 2, 0],
        ]),
        s,
      ),
  ],
  ['scatter value', () => [r([3, 4])], (a) => a.scatter(1, idx([[0], [2], [3]]), 0.5)],
  [
    'scatterAdd',
    () => [r([3, 4]), r([2, 4])],
    (a, s) =>
      a.scatterAdd(
        0,
        idx([
          [0, 0, 2, 1],
          [0, 2, 2, 1],
        ]),
        s,
      ),
  ],
  ['indexSelect', () => [r([4, 3])], (a) => a.indexSelect(0, torch.tensor([3, 0, 3]))],
  [
    'maskedFill tensor value',
    () => [r([2, 3]), r([])],
    (a, v) =>
      a.maskedFill(
        torch.tensor([
          [true, false, true],
          [false, false, true],
        ]),
        v,
      ),
  ],
  ['maskedSelect', () => [r([3, 4])], (a) => a.maskedSelect(torch.tensor([true, false, true, true]))],
  ['topk', () => [distinct([3, 5])], (a) => a.topk(2).values],
  ['diagonal', () => [r([3, 4, 5])], (a) => a.diagonal(-1, 2, 0)],
  ['einsum batched product', () => [r([2, 2, 3]), r([2, 3, 4])], (a, b) => torch.einsum('bij,bjk->bik', a, b)],
  ['einsum trace and outer', () => [r([3, 3]), r([2])], (a, b) => torch.einsum('ii,j->j', a, b)],
  ['einsum three operands', () => [r([2, 3]), r([3, 4]), r([4])], (a, b, c) => torch.einsum('ij,jk,k->i', a, b, c)],
  ['nansum', () => [r([3, 4])], (a) => a.nansum(1)],
  ['nanmean', () => [r([3, 4])], (a) => a.nanmean(0, true)],
  ['nanToNum', () => [r([3, 4])], (a) => a.nanToNum()],
  ['cummax', () => [distinct([3, 4])], (a) => a.cummax(1).values],
  ['cummin', () => [distinct([4, 3])], (a) => a.cummin(0).values],
  ['diff with prepend', () => [r([2, 4]), r([2, 1])], (a, b) => a.diff(2, -1, b)],
  ['outer', () => [r([3]), r([4])], (a, b) => a.outer(b)],
  ['trace', () => [r([3, 4])], (a) => a.trace()],
  ['rot90', () => [r([2, 3, 4])], (a) => a.rot90(3, [2, 0])],
  ['tile', () => [r([2, 3])], (a) => a.tile(2, 1, 2)],
  ['logit', () => [r([3, 4], 0.1, 0.9)], (a) => a.logit()],
  ['logit with eps', () => [r([3, 4], 0.1, 0.9)], (a) => a.logit(0.05)],
  ['flipud and fliplr', () => [r([3, 4])], (a) => a.flipud().mul(a.fliplr())],
  ['hstack and vstack', () => [r([2]), r([3])], (a, b) => torch.vstack([torch.hstack([a, b]), torch.hstack([b, a])])],
  ['meshgrid', () => [r([2]), r([3])], (a, b) => torch.meshgrid([a, b], { indexing: 'xy' })],
  ['groupNorm', () => [r([2, 6, 3]), r([6]), r([6])], (x, w, b) => torch._nn.groupNorm(x, 3, w, b)],
  ['conv1d', () => [r([2, 3, 7]), r([4, 3, 3]), r([4])], (x, w, b) => torch.conv1d(x, w, b, { stride: 2, padding: 1 })],
  [
    'convTranspose2d',
    () => [r([2, 4, 3, 3]), r([4, 3, 3, 2]), r([6])],
    (x, w, b) => torch.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
  ],
  [
    'convTranspose2d output padding under the dilation',
    () => [r([1, 2, 3, 3]), r([2, 2, 2, 2])],
    (x, w) => torch.convTranspose2d(x, w, null, { dilation: 2, outputPadding: 1 }),
  ],
  [
    'convTranspose1d',
    () => [r([2, 3, 4]), r([3, 2, 3]), r([2])],
    (x, w, b) => torch.convTranspose1d(x, w, b, { stride: 3 }),
  ],
  ['bilinearProduct', () => [r([3, 2]), r([2, 2, 3]), r([3, 3])], (a, w, b) => torch._nn.bilinearProduct(a, w, b)],
  ['weight norm', () => [r([3, 4]), r([3, 1])], (v, g) => torch._weightNorm(v, g, 0)],
  [
    'multiMarginLoss',
    () => [r([3, 4])],
    (x) => torch._nn.multiMarginLoss(x, torch.tensor([0, 2, 3]), 2, 0.5, null, 'none'),
  ],
  [
    'affine grid and grid sampling',
    () => [r([1, 2, 3]), r([1, 2, 3, 4])],
    (theta, x) => {
      const grid = torch._nn.affineGridGenerator(theta.mul(0.7), [1, 2, 3, 3], false);
      return torch._nn.gridSampler2d(x, grid, 'bilinear', 'zeros', false);
    },
  ],
  [
    'grid sampling with reflection',
    () => [r([1, 1, 3, 4]), r([1, 2, 3, 2])],
    (x, grid) => torch._nn.gridSampler2d(x, grid.mul(0.9), 'bilinear', 'reflection', true),
  ],
  [
    'im2col and col2im',
    () => [r([1, 2, 4, 5])],
    (x) => {
      const g = { kernelSize: [2, 3], dilation: [1, 2], padding: [1, 1], stride: [2, 1] };
      return torch._nn.col2im(torch._nn.im2col(x, g).mul(1.5), [4, 5], g);
    },
  ],
  ['reflection pad', () => [r([1, 2, 3, 4])], (x) => torch._nn.padNonConstant(x, [2, 1, 1, 2], 'reflect')],
  ['replication pad 1-D', () => [r([2, 3, 4])], (x) => torch._nn.padNonConstant(x, [3, 1], 'replicate')],
  ['circular pad 3-D', () => [r([1, 1, 2, 3, 2])], (x) => torch._nn.padNonConstant(x, [1, 1, 2, 0, 1, 1], 'circular')],
  ['pixelShuffle', () => [r([1, 8, 2, 3])], (x) => torch._nn.pixelShuffle(x, 2)],
  ['pixelUnshuffle', () => [r([2, 1, 4, 6])], (x) => torch._nn.pixelUnshuffle(x, 2)],
  ['upsampleNearest2d', () => [r([1, 2, 3, 4])], (x) => torch._nn.upsampleNearest2d(x, [5, 7])],
  ['upsampleBilinear2d', () => [r([1, 2, 3, 4])], (x) => torch._nn.upsampleBilinear2d(x, [5, 7], false)],
  ['upsampleBilinear2d aligned', () => [r([1, 1, 4, 3])], (x) => torch._nn.upsampleBilinear2d(x, [3, 6], true)],
  ['atan2', () => [away([3, 4]), away([4])], (a, b) => a.atan2(b)],
  ['hypot', () => [away([3, 4]), away([3, 1])], (a, b) => a.hypot(b)],
  ['logaddexp', () => [r([3, 4]), r([4])], (a, b) => a.logaddexp(b)],
  ['logaddexp2', () => [r([3, 4]), r([4])], (a, b) => a.logaddexp2(b)],
  ['xlogy', () => [r([3, 4]), pos([4])], (a, b) => a.xlogy(b)],
  ['copysign', () => [away([3, 4]), away([4])], (a, b) => a.copysign(b)],
  // Away from the jumps: the quotients stay between integers.
  ['fmod', () => [r([3, 4], 2.2, 2.8), r([4], 1.05, 1.08)], (a, b) => a.fmod(b)],
  ['remainder', () => [r([3, 4], -2.8, -2.2), r([4], 1.05, 1.08)], (a, b) => a.remainder(b)],
  ['sort', () => [distinct([3, 4])], (a) => a.sort(0, { descending: true }).values],
];

/** The input of each op of core's unary table, away from its kinks and poles; 'no gradient' for the bool-valued ones. */
const UNARY_INPUTS: Record<UnaryOpName, (() => Tensor) | 'no gradient'> = {
  neg: () => r([3, 4]),
  abs: () => away([3, 4]),
  exp: () => r([3, 4]),
  expm1: () => r([3, 4]),
  log: () => pos([3, 4]),
  log1p: () => r([3, 4], -0.5, 2),
  sqrt: () => pos([3, 4]),
  rsqrt: () => pos([3, 4]),
  square: () => r([3, 4]),
  reciprocal: () => away([3, 4]),
  sin: () => r([3, 4]),
  cos: () => r([3, 4]),
  tanh: () => r([3, 4]),
  sigmoid: () => r([3, 4]),
  erf: () => r([3, 4]),
  // Piecewise constant: a zero gradient, checked away from the jumps (finite differences stay on one step).
  sign: () => away([3, 4]),
  floor: () => r([3, 4], 0.1, 0.9),
  ceil: () => r([3, 4], -0.9, -0.1),
  round: () => r([3, 4], 0.1, 0.4),
  trunc: () => r([3, 4], -2.9, -2.1),
  frac: () => r([3, 4], 1.1, 1.9),
  exp2: () => r([3, 4]),
  log2: () => pos([3, 4]),
  log10: () => pos([3, 4]),
  tan: () => r([3, 4], -1.2, 1.2),
  asin: () => r([3, 4], -0.9, 0.9),
  acos: () => r([3, 4], -0.9, 0.9),
  atan: () => r([3, 4]),
  sinh: () => r([3, 4]),
  cosh: () => r([3, 4]),
  asinh: () => r([3, 4]),
  acosh: () => r([3, 4], 1.1, 3),
  atanh: () => r([3, 4], -0.9, 0.9),
  deg2rad: () => r([3, 4]),
  rad2deg: () => r([3, 4]),
  erfc: () => r([3, 4]),
  isnan: 'no gradient',
  isfinite: 'no gradient',
  logicalNot: 'no gradient',
  isinf: 'no gradient',
  isposinf: 'no gradient',
  isneginf: 'no gradient',
  signbit: 'no gradient',
};

/** The gradient of sum(f(x) * w) with respect to every input, itself differentiable (createGraph). */
function gradOf(f: Fn, nInputs: number): Fn {
  const weights: Tensor[] = [];
  // Grad mode on even where gradcheck evaluates the function for finite differences.
  return (...xs: Tensor[]) =>
    torch.enableGrad(() => {
      const outs = [f(...xs)].flat();
      if (weights.length === 0) for (const o of outs) weights.push(torch.randLike(o).sub(0.5));
      const loss = outs.map((o, i) => o.mul(weights[i]).sum()).reduce((a, b) => a.add(b));
      return torch.autograd.grad(loss, xs.slice(0, nInputs), { createGraph: true }).map((g) => g as Tensor);
    });
}

const DOUBLE_BACKWARD: [string, () => Tensor[], Fn][] = [
  ['mul', () => [r([3, 4]), r([4])], (a, b) => a.mul(b)],
  ['div', () => [r([3, 4]), away([4])], (a, b) => a.div(b)],
  ['pow tensor ** tensor', () => [pos([2, 3]), r([3])], (a, b) => a.pow(b)],
  ['exp and log', () => [pos([3, 4])], (a) => a.log().mul(a.exp())],
  ['sin, tanh, sigmoid', () => [r([3, 4])], (a) => a.sin().add(a.tanh()).mul(a.sigmoid())],
  ['sqrt and reciprocal', () => [pos([3])], (a) => a.sqrt().add(a.reciprocal())],
  ['einsum', () => [r([2, 3]), r([3, 2])], (a, b) => torch.einsum('ij,jk->ik', a, b)],
  ['diagonal', () => [r([3, 3])], (a) => a.diagonal().mul(a.diagonal(1).sum())],
  ['groupNorm', () => [r([2, 4, 3]), r([4])], (x, w) => torch._nn.groupNorm(x, 2, w, null)],
  ['conv1d', () => [r([1, 2, 5]), r([3, 2, 2])], (x, w) => torch.conv1d(x, w, null, { dilation: 2 })],
  [
    'bilinearProduct',
    () => [r([2, 2]), r([2, 2, 2]), r([2, 2])],
    (a, w, b) => torch._nn.bilinearProduct(a, w, b).pow(2),
  ],
  ['softMarginLoss', () => [r([2, 3]), r([2, 3])], (x, y) => torch._nn.softMarginLoss(x, y, 'sum')],
  ['weight norm', () => [r([2, 3]), r([1, 3])], (v, g) => torch._weightNorm(v, g, 1).pow(2)],
  [
    'im2col',
    () => [r([1, 1, 3, 4])],
    (x) => torch._nn.im2col(x, { kernelSize: [2, 2], dilation: [1, 1], padding: [1, 0], stride: [1, 2] }).pow(2),
  ],
  [
    'convTranspose2d',
    () => [r([1, 2, 3, 3]), r([2, 2, 2, 2])],
    (x, w) => torch.convTranspose2d(x, w, null, { stride: 2, dilation: 2, outputPadding: 1 }),
  ],
  ['upsampleBilinear2d', () => [r([1, 1, 3, 3])], (x) => torch._nn.upsampleBilinear2d(x, [4, 5], false).mul(x.sum())],
  ['reflection pad', () => [r([1, 1, 3, 3])], (x) => torch._nn.padNonConstant(x, [1, 2, 2, 1], 'reflect').pow(2)],
  ['softmax', () => [r([2, 4])], (a) => a.softmax(-1)],
  ['logSoftmax', () => [r([2, 4])], (a) => a.logSoftmax(0)],
  ['matmul batched', () => [r([2, 3, 4]), r([4, 2])], (a, b) => a.matmul(b)],
  ['var and std', () => [r([3, 4])], (a) => a.var(1).add(a.std(0).sum())],
  ['prod', () => [away([2, 3])], (a) => a.prod(1)],
  ['logsumexp', () => [r([3, 4])], (a) => a.logsumexp(1)],
  ['select and slice', () => [r([3, 5])], (a) => a.select(0, 1).mul(a.slice(1, 1, 4).sum(1).narrow(0, 0, 1))],
  [
    'gather and indexSelect',
    () => [r([3, 4])],
    (a) =>
      a
        .gather(
          1,
          idx([
            [0, 3],
            [1, 1],
            [2, 0],
          ]),
        )
        .mul(a.indexSelect(1, torch.tensor([2, 0]))),
  ],
  ['index with tensors', () => [r([3, 4])], (a) => a.index(torch.tensor([0, 2, 2])).square()],
  ['maskedSelect', () => [r([3, 4])], (a) => a.maskedSelect(a.detach().gt(0)).exp()],
  ['cumsum', () => [r([4])], (a) => a.cumsum(0).square()],
  ['cumprod', () => [away([4])], (a) => a.cumprod(0).square()],
  [
    'cumprod with zeros',
    () => [
      torch
        .tensor(
          [
            [2, 0, 3, 0.5, 0, 1.5],
            [0.5, 1.5, 0, 2, 3, 0.25],
          ],
          f64,
        )
        .requiresGrad_(),
    ],
    (a) => a.cumprod(1).square(),
  ],
  ['roll and tril', () => [r([3, 3])], (a) => a.roll(1, 1).tril().square()],
  ['lerp with a tensor weight', () => [r([4]), r([4]), r([4], 0, 1)], (a, b, w) => a.lerp(b, w).square()],
  ['max dim', () => [distinct([3, 4])], (a) => a.max(1).values.square()],
  ['maximum', () => [distinct([3, 4]), distinct([4], 0.05)], (a, b) => a.maximum(b).mul(a)],
  [
    'cat and stack',
    () => [r([2, 3]), r([2, 3])],
    (a, b) => torch.stack([a, b]).mul(torch.cat([b, a]).reshape(2, 2, 3)),
  ],
];

describe('gradcheck (float64)', () => {
  beforeEach(() => {
    torch.manualSeed(0);
  });
  for (const [name, inputs, fn] of CASES) {
    it(name, () => {
      expect(torch.autograd.gradcheck(fn, inputs())).toBe(true);
    });
  }
});

describe('gradcheck (float64) of the unary table', () => {
  beforeEach(() => {
    torch.manualSeed(0);
  });
  for (const [name, input] of Object.entries(UNARY_INPUTS) as [UnaryOpName, (typeof UNARY_INPUTS)[UnaryOpName]][]) {
    if (input === 'no gradient') {
      it(`${name}: a bool result, no gradient`, () => {
        const out = torch[name](r([3]));
        expect([out.dtype, out.requiresGrad]).toEqual(['bool', false]);
      });
      continue;
    }
    it(`${name}: torch.${name} and Tensor.${name}`, () => {
      expect(torch.autograd.gradcheck((x: Tensor) => torch[name](x), [input()])).toBe(true);
      expect(torch.autograd.gradcheck((x: Tensor) => x[name](), [input()])).toBe(true);
    });
  }
});

describe('gradcheck of the gradients (double backward)', () => {
  beforeEach(() => {
    torch.manualSeed(1);
  });
  for (const [name, inputs, fn] of DOUBLE_BACKWARD) {
    it(name, () => {
      const xs = inputs();
      expect(torch.autograd.gradcheck(gradOf(fn, xs.length), xs)).toBe(true);
    });
  }
});

describe('gradcheck of a function without a differentiable output', () => {
  // PyTorch 1.13: the numerical gradient must then be zero (GradcheckError otherwise).
  const x = (): Tensor => torch.tensor([1, 2], f64).requiresGrad_();
  it('fails where the output still depends on the input', () => {
    expect(() => torch.autograd.gradcheck((a: Tensor) => a.detach().mul(2), [x()])).toThrow(
      'Numerical gradient for function expected to be zero',
    );
    expect(torch.autograd.gradcheck((a: Tensor) => a.detach().mul(2), [x()], { raiseException: false })).toBe(false);
  });
  it('passes where it does not', () => {
    expect(torch.autograd.gradcheck((a: Tensor) => torch.ones([2], f64).add(a.detach().mul(0)), [x()])).toBe(true);
  });
});
