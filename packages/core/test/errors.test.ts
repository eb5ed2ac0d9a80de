/**
 * Error messages. Each case triggers a situation in Kindling and checks the thrown error against what real
 * PyTorch 1.13 raises for the same Python (fixtures/errors.json, written by tools/golden/errors.py): the same
 * exception type (`RuntimeError`, `IndexError`, `ValueError`, `TypeError`) and a message containing PyTorch's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { thrown } from './helpers/golden.js';

interface ErrorFixture {
  python: string;
  error: string;
  message: string;
}

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/errors.json', import.meta.url), 'utf8')) as {
  table: Record<string, ErrorFixture>;
  badInputs: Record<string, ErrorFixture>;
};

function expectPyTorchError(fixture: ErrorFixture, fn: () => unknown): void {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(Error);
  expect(err.message).toContain(fixture.message);
  expect(err.name).toBe(fixture.error);
}

const T = torch.tensor;
const f32 = { dtype: 'float32' } as const;

/** API.md's "Errors" table: the situation, the text API.md promises, and the same situation in Kindling. */
const table: [id: string, apiText: string, trigger: () => unknown][] = [
  [
    'backward-no-history',
    'element 0 of tensors does not require grad and does not have a grad_fn',
    () => T([1.0], f32).backward(),
  ],
  [
    'int-requires-grad',
    'Only Tensors of floating point and complex dtype can require gradients',
    () => T([1], { dtype: 'int64', requiresGrad: true }),
  ],
  [
    'saved-modified',
    'one of the variables needed for gradient computation has been modified by an inplace operation',
    () => {
      const a = T([1.0, 2.0], { requiresGrad: true });
      const b = a.mul(1);
      const c = b.mul(b);
      b.add_(1);
      c.sum().backward();
    },
  ],
  [
    'leaf-inplace',
    'a leaf Variable that requires grad is being used in an in-place operation.',
    () => torch.ones([2], { requiresGrad: true }).add_(1),
  ],
  [
    'second-backward',
    'Trying to backward through the graph a second time',
    () => {
      const x = T([1.5], { requiresGrad: true });
      const y = x.mul(x).sum();
      y.backward();
      y.backward();
    },
  ],
  [
    'nonscalar-backward',
    'grad can be implicitly created only for scalar outputs',
    () => torch.ones([2], { requiresGrad: true }).mul(2).backward(),
  ],
  [
    'matmul-shape',
    'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)',
    () => torch.ones(2, 3).matmul(torch.ones(4, 5)),
  ],
  [
    'broadcast',
    'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1',
    () => torch.ones(2, 3).add(torch.ones(2, 4)),
  ],
  [
    'view-strides',
    "view size is not compatible with input tensor's size and stride",
    () => torch.ones(2, 3).t().view(6),
  ],
  [
    'nonleaf-requires-grad',
    'you can only change requires_grad flags of leaf variables',
    () => {
      const y = torch.ones([2], { requiresGrad: true }).mul(2);
      y.requiresGrad = false;
    },
  ],
];

describe('API.md error table', () => {
  it('covers every row of the table, in order', () => {
    expect(table.map(([id]) => id)).toEqual(Object.keys(fixtures.table));
  });

  for (const [id, apiText, trigger] of table) {
    it(`${id}: ${apiText}`, () => {
      const fixture = fixtures.table[id];
      // API.md's text is what real PyTorch prints ...
      expect(fixture.message).toContain(apiText);
      // ... and Kindling prints PyTorch's whole message.
      expectPyTorchError(fixture, trigger);
    });
  }
});

const badInputs: [id: string, trigger: () => unknown][] = [
  ['dim-sum', () => torch.ones(2, 3).sum(2)],
  ['dim-transpose', () => torch.ones(2, 3).transpose(0, -3)],
  ['dim-softmax', () => torch.ones(3).softmax(1)],
  ['dim-unsqueeze', () => torch.ones(2, 1).unsqueeze(3)],
  ['dim-squeeze', () => torch.ones(2, 1).squeeze(2)],
  ['dim-repeated', () => torch.ones(2, 3).sum([0, 0])],
  ['negative-size', () => torch.ones(-1, 2)],
  ['negative-size-list', () => torch.zeros([2, -3])],
  ['negative-size-randn', () => torch.randn(-2)],
  ['view-numel', () => torch.arange(12).view(3, 5)],
  ['view-two-inferred', () => torch.arange(12).view(-1, -1)],
  ['expand-mismatch', () => torch.ones(2, 3).expand(4, 3)],
  ['expand-too-few', () => torch.ones(2, 3).expand(3)],
  ['repeat-too-few', () => torch.ones(2, 3).repeat(2)],
  ['flatten-order', () => torch.ones(2, 3, 4).flatten(2, 1)],
  ['permute-length', () => torch.ones(2, 3).permute(0)],
  ['narrow-past-end', () => torch.ones(3).narrow(0, 2, 2)],
  ['split-sizes', () => torch.ones(5).split([2, 2])],
  ['chunk-zero', () => torch.ones(5).chunk(0)],
  ['arange-step-sign', () => torch.arange(0, 5, -1)],
  ['linspace-negative', () => torch.linspace(0, 1, -1)],
  ['eye-negative', () => torch.eye(-1)],
  ['roll-shifts-dims', () => torch.ones(2, 3).roll(1, [0, 1])],
  ['roll-two-shifts-no-dims', () => torch.ones(2, 3).roll([1, 2])],
  ['tril-1d', () => torch.ones(3).tril()],
  ['triu-0d', () => torch.tensor(1.0).triu()],
  ['diag-3d', () => torch.ones(2, 2, 2).diag()],
  ['repeat-interleave-negative', () => torch.ones(3).repeatInterleave(-1)],
  ['repeat-interleave-counts', () => torch.ones(3).repeatInterleave(torch.tensor([1, 2]), 0)],
  ['movedim-repeated', () => torch.ones(2, 3).movedim([0, 1], [0, 0])],
  ['movedim-lengths', () => torch.ones(2, 3).movedim([0, 1], [0])],
  ['median-empty-dim', () => torch.zeros(0, 3).median(0)],
  ['kthvalue-out-of-range', () => torch.ones(4).kthvalue(5)],
  ['fmod-int-by-zero', () => torch.tensor([3, 4]).fmod(torch.tensor([1, 0]))],
  ['remainder-int-by-zero', () => torch.tensor([3]).remainder(0)],
  ['fmod-bool', () => torch.tensor([true]).fmod(torch.tensor([true]))],
  ['atan2-number', () => torch.atan2(torch.ones(2), 2 as unknown as torch.Tensor)],
  ['hypot-int', () => torch.hypot(torch.tensor([3]), torch.tensor([4]))],
  ['logaddexp-bool', () => torch.logaddexp(torch.tensor([true]), torch.tensor([false]))],
  ['frac-int', () => torch.tensor([1, 2]).frac()],
  ['floor-bool', () => torch.tensor([true]).floor()],
  ['trunc-bool', () => torch.tensor([true]).trunc()],
  ['diagonal-same-dims', () => torch.ones(2, 2).diagonal(0, 1, 1)],
  ['einsum-sizes', () => torch.einsum('ij,jk', torch.ones(2, 3), torch.ones(4, 4))],
  ['einsum-dots', () => torch.einsum('i..j', torch.ones(2, 3))],
  ['einsum-output-twice', () => torch.einsum('ij->ii', torch.ones(2, 3))],
  ['einsum-output-unknown', () => torch.einsum('ij->k', torch.ones(2, 3))],
  ['einsum-bad-subscript', () => torch.einsum('i1,j', torch.ones(2, 3), torch.ones(2, 3))],
  ['einsum-fewer-operands', () => torch.einsum('ij,j', torch.ones(2, 3))],
  ['einsum-more-operands', () => torch.einsum('ij', torch.ones(2, 3), torch.ones(2))],
  ['einsum-ellipsis-sizes', () => torch.einsum('...ij,...ij->...', torch.ones(2, 3, 4), torch.ones(5, 3, 4))],
  ['einsum-repeated-sizes', () => torch.einsum('ii', torch.ones(2, 3))],
  ['einsum-dims', () => torch.einsum('', torch.ones(2, 3))],
  ['einsum-no-operands', () => torch.einsum('ij')],
  ['nanmean-int', () => torch.tensor([1, 2]).nanmean()],
  ['outer-matrix', () => torch.outer(torch.ones(2, 2), torch.ones(2))],
  ['trace-vector', () => torch.ones(3).trace()],
  ['flipud-0d', () => torch.tensor(1.0).flipud()],
  ['fliplr-1d', () => torch.ones(2).fliplr()],
  ['rot90-same-dims', () => torch.ones(2, 2).rot90(1, [0, 0])],
  ['rot90-1d', () => torch.ones(2).rot90()],
  ['rot90-one-dim', () => torch.ones(2, 2).rot90(1, [0])],
  ['isclose-dtypes', () => torch.isclose(torch.ones(2), torch.ones([2], { dtype: 'float64' }))],
  ['isclose-negative-rtol', () => torch.isclose(torch.ones(2), torch.ones(2), { rtol: -1 })],
  ['hstack-empty', () => torch.hstack([])],
  ['diff-0d', () => torch.tensor(1.0).diff()],
  ['cummax-dim', () => torch.ones(2).cummax(1)],
  ['bincount-negative', () => torch.bincount(torch.tensor([-1, 2]))],
  ['bincount-2d', () => torch.bincount(torch.tensor([[1]]))],
  ['bincount-float', () => torch.bincount(torch.tensor([1.0], { dtype: 'float32' }))],
  ['bincount-minlength', () => torch.bincount(torch.tensor([1, 3]), { minlength: -1 })],
  ['bincount-weights', () => torch.bincount(torch.tensor([1, 3]), { weights: torch.ones(3) })],
  ['histc-int', () => torch.histc(torch.tensor([1, 2]))],
  ['bucketize-2d-boundaries', () => torch.bucketize(torch.tensor([1.0]), torch.ones(2, 2))],
  ['tensor-ragged', () => T([[1, 2], [3]])],
  ['int-requires-grad-method', () => T([1]).requiresGrad_()],
  [
    'int-requires-grad-setter',
    () => {
      const t = T([1]);
      t.requiresGrad = true;
    },
  ],
  ['int-requires-grad-ones', () => torch.ones([2], { dtype: 'int64', requiresGrad: true })],
  ['int-requires-grad-arange', () => torch.arange(3, { requiresGrad: true })],
  ['int-mean', () => T([1, 2]).mean()],
  ['int-var', () => T([1, 2]).var()],
  ['int-pow-negative', () => T([2]).pow(-1)],
  ['mm-dtype', () => torch.mm(torch.ones(2, 2), torch.ones([2, 2], { dtype: 'int64' }))],
  ['inplace-cast', () => torch.ones([2], { dtype: 'int64' }).mul_(1.5)],
  ['inplace-broadcast', () => torch.ones(3).add_(torch.ones(2, 3))],
  ['where-condition', () => torch.where(torch.ones(2), torch.ones(2), torch.zeros(2))],
  ['rand-int', () => torch.rand([2], { dtype: 'int64' })],
  ['item-many', () => torch.ones(2).item()],
  ['item-empty', () => torch.ones(0).item()],
  ['select-out-of-range', () => torch.ones(3).index(5)],
  ['select-0d', () => T(1.0, f32).select(0, 0)],
  ['too-many-indices', () => torch.ones(3).index(0, 0)],
  ['gather-float-index', () => torch.ones(2, 3).gather(1, T([[0.0, 1.0]], f32))],
  ['gather-ndim', () => torch.ones(2, 3).gather(1, T([0, 1]))],
  ['scatter-float-index', () => torch.zeros(3).scatter(0, T([0.0], f32), 1.0)],
  ['index-select-float', () => torch.ones(3).indexSelect(0, T([0.0], f32))],
  ['topk-too-large', () => torch.ones(3).topk(5)],
  ['max-empty', () => torch.ones(0).max()],
  ['int-tensor-nan', () => T([NaN], { dtype: 'int64' })],
  ['int-tensor-inf', () => T([Infinity], { dtype: 'int64' })],
  ['int32-tensor-overflow', () => T([1e10], { dtype: 'int32' })],
  ['int64-tensor-overflow', () => T([1e19], { dtype: 'int64' })],
  ['int-full-nan', () => torch.full([2], NaN, { dtype: 'int64' })],
  ['int32-full-overflow', () => torch.full([2], 1e10, { dtype: 'int32' })],
  ['int32-fill-nan', () => torch.zeros([2], { dtype: 'int32' }).fill_(NaN)],
  ['int64-fill-inf', () => torch.zeros([2], { dtype: 'int64' }).fill_(Infinity)],
  ['int-arange-fractional-step', () => torch.arange(0, 1, 0.5, { dtype: 'int64' })],
  ['neg-bool', () => T([true]).neg()],
  ['gather-negative-index', () => torch.zeros(3).gather(0, T([-1]))],
  ['scatter-negative-index', () => torch.zeros(3).scatter(0, T([-1]), 1.0)],
  ['scatter-add-negative-index', () => torch.zeros(3).scatterAdd(0, T([-1]), torch.ones(1))],
  ['index-select-negative-index', () => torch.zeros(3).indexSelect(0, T([-1]))],
  ['index-select-past-end', () => torch.zeros(3).indexSelect(0, T([3]))],
  ['argmax-empty', () => torch.zeros(0).argmax()],
  ['argmin-empty', () => torch.zeros(0).argmin()],
  ['amax-empty-dim', () => torch.zeros(0, 3).amax(0)],
  ['argmax-empty-dim', () => torch.zeros(0, 3).argmax(0)],
  ['size-overflow', () => torch.zeros(2 ** 62)],
  ['size-overflow-2d', () => torch.zeros(2 ** 40, 2 ** 40)],
  ['arange-overflow', () => torch.arange(0, 2 ** 60)],
  ['matmul-not-tensor', () => torch.zeros(2, 2).matmul(5 as unknown as torch.Tensor)],
  ['mm-not-tensor', () => torch.zeros(2, 2).mm(null as unknown as torch.Tensor)],
  ['overlap-expanded-add', () => torch.zeros(3).expand(2, 3).add_(1)],
  ['overlap-expanded-uniform', () => torch.zeros(3).expand(2, 3).uniform_()],
  ['overlap-expanded-out', () => torch.exp(torch.ones(2, 3), { out: torch.zeros(3).expand(2, 3) })],
  [
    'overlap-partial-add',
    () => {
      const a = torch.arange(6, f32);
      a.slice(0, 1).add_(a.slice(0, 0, 5));
    },
  ],
  [
    'overlap-partial-copy',
    () => {
      const a = torch.arange(6, f32);
      a.slice(0, 1).copy_(a.slice(0, 0, 5));
    },
  ],
  [
    'overlap-transposed-add',
    () => {
      const x = torch.arange(9, f32).view(3, 3);
      x.add_(x.t());
    },
  ],
  [
    'overlap-partial-out',
    () => {
      const a = torch.arange(6, f32);
      torch.add(a.slice(0, 0, 5), 1, { out: a.slice(0, 1) });
    },
  ],
  [
    'overlap-partial-cat-out',
    () => {
      const a = torch.arange(6, f32);
      torch.cat([a.slice(0, 0, 2), a.slice(0, 2, 4)], 0, { out: a.slice(0, 1, 5) });
    },
  ],
  ['fill-tensor', () => torch.ones(2).fill_(torch.ones(2))],
  ['clamp-nothing', () => torch.ones(2).clamp()],
  ['cat-mismatch', () => torch.cat([torch.ones(2, 3), torch.ones(2, 4)])],
  ['cat-ndim', () => torch.cat([torch.ones(2, 3), torch.ones(3)])],
  ['cat-empty', () => torch.cat([])],
  ['stack-mismatch', () => torch.stack([torch.ones(2), torch.ones(3)])],
  ['mm-vector', () => torch.mm(torch.ones(3), torch.ones(3, 3))],
  ['bmm-mismatch', () => torch.bmm(torch.ones(2, 2, 3), torch.ones(2, 4, 5))],
  ['matmul-0d', () => torch.matmul(T(1.0, f32), torch.ones(4))],
  ['maximum-broadcast', () => torch.maximum(torch.ones(2), torch.ones(3))],
  ['backward-grad-shape', () => torch.ones([2], { requiresGrad: true }).mul(2).backward(torch.ones(3))],
  [
    'grad-unused',
    () => {
      const w = torch.ones([2], { requiresGrad: true });
      const u = torch.ones([1], { requiresGrad: true });
      torch.autograd.grad(w.mul(2).sum(), [w, u]);
    },
  ],
  [
    'grad-input-no-grad',
    () => torch.autograd.grad(torch.ones([2], { requiresGrad: true }).mul(2).sum(), torch.ones(2)),
  ],
  ['retain-grad-no-grad', () => torch.ones(2).retainGrad()],
  ['hook-no-grad', () => torch.ones(2).registerHook((g) => g)],
  ['detach-view-inplace', () => torch.ones(3).view(3).detach_()],
  ['view-of-leaf-inplace', () => torch.ones([2], { requiresGrad: true }).index(0).mul_(2)],
  [
    'grad-assign-size',
    () => {
      const x = torch.ones([2], { requiresGrad: true });
      x.grad = torch.ones(3);
    },
  ],
  [
    'grad-assign-dtype',
    () => {
      const x = torch.ones([2], { requiresGrad: true });
      x.grad = torch.ones([2], { dtype: 'float64' });
    },
  ],
  [
    'saved-modified-copy-slices',
    () => {
      const a = torch.ones([2, 2], { requiresGrad: true });
      const b = a.mul(1);
      b.select(0, 0).mul_(2);
      const c = b.mul(b);
      b.select(0, 1).add_(1);
      c.sum().backward();
    },
  ],
  ['broadcast-last-mismatch', () => torch.ones(2, 3).add(torch.ones(3, 2))],
  ...(['mul', 'div'] as const).map((op): [string, () => unknown] => [
    `saved-modified-${op}-operands`,
    () => {
      const base = torch.ones([2, 3], { requiresGrad: true }).mul(1);
      const y = base.select(0, 0)[op](base.view(2, 3));
      base.add_(1);
      y.sum().backward();
    },
  ]),
  ['multi-output-view-of-leaf-inplace', () => torch.ones([2, 3], { requiresGrad: true }).split(1)[0].mul_(2)],
  [
    'view-of-multi-output-view-inplace',
    () => torch.ones([2, 3], { requiresGrad: true }).mul(1).unbind(0)[0].unsqueeze(0).add_(1),
  ],
  [
    'multi-output-view-base-modified',
    () => {
      const a = torch.ones([2, 3], { requiresGrad: true }).mul(1);
      const u = a.unbind(0)[0];
      a.add_(1);
      return u.gradFn;
    },
  ],
];

describe('bad inputs to core', () => {
  it('has a Kindling trigger for every recorded case', () => {
    expect(badInputs.map(([id]) => id).sort()).toEqual(Object.keys(fixtures.badInputs).sort());
  });

  for (const [id, trigger] of badInputs) {
    it(`${id}: ${fixtures.badInputs[id]?.python.split('\n').join('; ')}`, () => {
      expectPyTorchError(fixtures.badInputs[id], trigger);
    });
  }

  it('leaves grad mode on after an error inside noGrad', () => {
    expect(() => torch.noGrad(() => torch.ones(2, 3).sum(2))).toThrow('Dimension out of range');
    expect(torch.isGradEnabled()).toBe(true);
  });
});
