import { describe, expect, it, vi } from 'vitest';
import * as torch from '@kindling/core';

const bits = (t: torch.Tensor) => Array.from(t.toArray());

describe('allocation-free in-place updates', () => {
  it('write into the tensor itself and give the same numbers as the out-of-place ops', () => {
    torch.manualSeed(0);
    for (const dtype of ['float32', 'float64'] as const) {
      const a = torch.randn([64, 33], { dtype });
      const b = torch.randn([64, 33], { dtype });
      const row = torch.randn([33], { dtype });
      const cases: [(t: torch.Tensor) => torch.Tensor, (t: torch.Tensor) => torch.Tensor][] = [
        [(t) => t.add_(b, { alpha: -0.01 }), (t) => t.add(b, { alpha: -0.01 })],
        [(t) => t.sub_(row, { alpha: 0.3 }), (t) => t.sub(row, { alpha: 0.3 })],
        [(t) => t.mul_(0.9), (t) => t.mul(0.9)],
        [(t) => t.add_(2.5), (t) => t.add(2.5)],
        [(t) => t.relu_(), (t) => t.relu()],
        [
          (t) => t.addcmul_(b, row, { value: 0.001 }),
          (t) => t.addcmul(b, row.expand(64, 33).contiguous(), { value: 0.001 }),
        ],
        [
          (t) => t.addcdiv_(b, b.abs().add(0.5), { value: -0.1 }),
          (t) => t.addcdiv(b, b.abs().add(0.5), { value: -0.1 }),
        ],
      ];
      for (const [inplace, outOfPlace] of cases) {
        const target = a.clone();
        const version = target.version;
        const result = torch.noGrad(() => inplace(target));
        expect(result).toBe(target);
        expect(target.version).toBe(version + 1);
        expect(bits(target)).toEqual(bits(outOfPlace(a)));
      }
    }
  });

  it('relu_ keeps -0 and NaN as relu does, on large tensors too', () => {
    const values = Array.from(torch.randn([4096]).toArray());
    values.splice(0, 3, -0, NaN, -1);
    const x = torch.tensor(values);
    const expected = x.relu();
    torch.noGrad(() => x.relu_());
    const [negativeZero, nan, negative] = Array.from(x.toArray()).slice(0, 3);
    expect(Object.is(negativeZero, -0)).toBe(true);
    expect(nan).toBeNaN();
    expect(negative).toBe(0);
    expect(bits(x)).toEqual(bits(expected));
  });

  it('fall back to the general path when an operand shares the storage', () => {
    const x = torch.arange(9, { dtype: 'float32' }).view(3, 3);
    const expected = x.add(x);
    torch.noGrad(() => x.add_(x));
    expect(x.tolist()).toEqual(expected.tolist());
    const rows = torch.arange(6, { dtype: 'float32' }).view(2, 3);
    torch.noGrad(() => rows.select(0, 0).add_(rows.select(0, 1)));
    expect(rows.tolist()).toEqual([
      [3, 5, 7],
      [3, 4, 5],
    ]);
  });

  it('copy_ without a graph writes the source straight into the target, as PyTorch 1.13 copies it', () => {
    const big = torch.arange(12, { dtype: 'float32' }).view(3, 4);
    const t = torch.zeros(2, 2).t();
    const version = t.version;
    torch.noGrad(() => t.copy_(big.select(0, 1).view(2, 2)));
    expect(t.tolist()).toEqual([
      [4, 5],
      [6, 7],
    ]);
    expect(t.version).toBe(version + 1);
    expect(
      torch
        .zeros(2, 3)
        .copy_(torch.tensor([1, 2, 3], { dtype: 'float32' }))
        .tolist(),
    ).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(
      torch
        .zeros([3], { dtype: 'int64' })
        .copy_(torch.tensor([1.7, -2.5, 3.2]))
        .tolist(),
    ).toEqual([1, -2, 3]);
    const a = torch.arange(8, { dtype: 'float32' });
    torch.noGrad(() => a.slice(0, 0, 4).copy_(a.slice(0, 4)));
    expect(a.tolist()).toEqual([4, 5, 6, 7, 4, 5, 6, 7]);
    const s = torch.arange(8, { dtype: 'float32' });
    torch.noGrad(() => s.slice(0, 0, 4).copy_(s.view(4, 2).select(1, 1)));
    expect(s.tolist()).toEqual([1, 3, 5, 7, 4, 5, 6, 7]);
  });

  it('leave recording, views and promotion to the general path', () => {
    const leaf = torch.ones([3], { requiresGrad: true });
    const y = leaf.mul(2);
    y.add_(1, { alpha: 2 });
    expect(y.gradFn?.name()).toBe('AddBackward0');
    const base = torch.zeros(2, 3);
    torch.noGrad(() => base.select(0, 1).add_(1));
    expect(base.tolist()).toEqual([
      [0, 0, 0],
      [1, 1, 1],
    ]);
    const ints = torch.tensor([1, 2, 3]);
    expect(() => ints.mul_(0.5)).toThrow("result type Float can't be cast to the desired output type Long");
  });
});

// Expected values and messages from PyTorch 1.13.
describe('recorded in-place ops that keep no copy of the old values', () => {
  const x = torch.tensor([-1, 2, -3, 4], { requiresGrad: true });
  const gradOf = (f: () => void) => {
    x.grad = null;
    f();
    return x.grad!.tolist();
  };

  it('relu_, add_ and tanh_ differentiate as PyTorch does', () => {
    expect(
      gradOf(() => {
        const y = x.mul(2);
        y.relu_();
        expect(y.gradFn?.name()).toBe('ReluBackward0');
        y.sum().backward();
      }),
    ).toEqual([0, 2, 0, 2]);
    expect(
      gradOf(() => {
        const y = x.mul(1);
        y.add_(y);
        expect(y.gradFn?.name()).toBe('AddBackward0');
        y.sum().backward();
      }),
    ).toEqual([2, 2, 2, 2]);
    expect(
      gradOf(() => {
        const y = x.mul(0.5);
        y.tanh_();
        y.sum().backward();
      }),
    ).toEqual([0.3932238519191742, 0.20998714864253998, 0.09035331010818481, 0.03532540798187256]);
  });

  it('relu_ through a view rebases the base history', () => {
    expect(
      gradOf(() => {
        const b = x.mul(1).view(2, 2);
        b.select(0, 0).relu_();
        expect(b.gradFn?.name()).toBe('AsStridedBackward0');
        b.mul(
          torch.tensor([
            [1, 2],
            [3, 4],
          ]),
        )
          .sum()
          .backward();
      }),
    ).toEqual([0, 2, 3, 4]);
  });

  it('a saved value overwritten later is still caught', () => {
    const message = (which: string, version: number) =>
      `one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [4]], which is output 0 of ${which}, is at version ${version}; expected version ${version - 1} instead.`;
    expect(() =>
      gradOf(() => {
        const y = x.mul(1);
        y.sigmoid_();
        y.tanh_();
        y.sum().backward();
      }),
    ).toThrow(message('SigmoidBackward0', 2));
    expect(() =>
      gradOf(() => {
        const y = x.mul(1);
        const z = y.mul(y);
        y.sub_(x, { alpha: 0.5 });
        z.add(y).sum().backward();
      }),
    ).toThrow(message('SubBackward0', 1));
    expect(() =>
      gradOf(() => {
        const y = x.mul(1);
        y.tanh_();
        y.add_(1);
        y.sum().backward();
      }),
    ).toThrow(message('TanhBackward0', 2));
  });
});

// Which writes PyTorch 1.13 refuses, and its messages (aten/src/ATen/MemoryOverlap.cpp), checked against it.
describe('in-place writes and memory overlap', () => {
  const INTERNAL =
    'unsupported operation: more than one element of the written-to tensor refers to a single memory location. ' +
    'Please clone() the tensor before performing the operation.';
  const PARTIAL =
    'unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory ' +
    'location. Please clone() the tensor before performing the operation.';
  const expanded = () => torch.zeros(3).expand(2, 3);

  it('refuse to write an expanded tensor, except fill_, zero_ and maskedFill_', () => {
    const ops: ((t: torch.Tensor) => unknown)[] = [
      (t) => t.add_(1),
      (t) => t.mul_(2),
      (t) => t.relu_(),
      (t) => t.exp_(),
      (t) => t.clamp_(0, 1),
      (t) => t.copy_(torch.ones(2, 3)),
      (t) => t.uniform_(),
      (t) => t.normal_(),
      (t) => t.bernoulli_(),
    ];
    for (const op of ops) expect(() => torch.noGrad(() => op(expanded()))).toThrow(INTERNAL);
    expect(expanded().fill_(2).tolist()).toEqual([
      [2, 2, 2],
      [2, 2, 2],
    ]);
    expect(torch.ones(3).expand(2, 3).zero_().tolist()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const filled = expanded().maskedFill_(torch.tensor([true, false, true]), 5);
    expect(warn).toHaveBeenCalledWith(
      'UserWarning: Use of masked_fill_ on expanded tensors is deprecated. Please clone() the tensor before ' +
        'performing this operation. This also applies to advanced indexing e.g. tensor[mask] = scalar',
    );
    warn.mockRestore();
    expect(filled.tolist()).toEqual([
      [5, 0, 5],
      [5, 0, 5],
    ]);
  });

  it('refuse an operand on part of the written-to elements, or on them in another order', () => {
    const rows = () => torch.arange(12, { dtype: 'float32' }).view(6, 2);
    const ops: ((t: torch.Tensor, o: torch.Tensor) => unknown)[] = [
      (t, o) => t.add_(o),
      (t, o) => t.sub_(o),
      (t, o) => t.copy_(o),
      (t, o) => t.addcmul_(o, o),
      (t, o) => t.lerp_(o, 0.5),
    ];
    for (const op of ops) {
      const a = rows();
      expect(() => torch.noGrad(() => op(a.slice(0, 1), a.slice(0, 0, 5)))).toThrow(PARTIAL);
      expect(a.tolist()).toEqual(rows().tolist());
    }
    const x = torch.arange(9, { dtype: 'float32' }).view(3, 3);
    expect(() => torch.noGrad(() => x.add_(x.t()))).toThrow(PARTIAL);
    // An operand of its own memory, or a scalar, is fine; so is copying a tensor onto itself.
    const a = rows();
    torch.noGrad(() => a.slice(0, 1).mul_(2));
    expect(a.select(1, 0).tolist()).toEqual([0, 4, 8, 12, 16, 20]);
    expect(a.copy_(a).select(1, 1).tolist()).toEqual([1, 6, 10, 14, 18, 22]);
  });

  it('apply to the out tensor of elementwise ops and cat, before anything is written', () => {
    const a = torch.arange(6, { dtype: 'float32' });
    expect(() => torch.add(a.slice(0, 0, 5), 1, { out: a.slice(0, 1) })).toThrow(PARTIAL);
    expect(() => torch.exp(a.slice(0, 0, 5), { out: a.slice(0, 1) })).toThrow(PARTIAL);
    expect(() => torch.cat([a.slice(0, 0, 2), a.slice(0, 2, 4)], 0, { out: a.slice(0, 1, 5) })).toThrow(PARTIAL);
    expect(() => torch.exp(torch.ones(2, 3), { out: expanded() })).toThrow(INTERNAL);
    expect(a.tolist()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(torch.add(a, 1, { out: a }).tolist()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
