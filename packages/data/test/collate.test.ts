import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { defaultCollate, defaultConvert } from '@kindling/data';
import golden from './fixtures/data.json';

interface TensorSpec {
  values: number[] | boolean[];
  shape: number[];
  dtype: torch.DType;
}
type Enc = { tensor: TensorSpec } | { list: Enc[] } | { dict: Record<string, Enc> } | { value: unknown };

function decode(e: Enc): unknown {
  if ('tensor' in e)
    return torch.tensor(e.tensor.values as number[], { dtype: e.tensor.dtype }).reshape(e.tensor.shape);
  if ('list' in e) return e.list.map(decode);
  if ('dict' in e) return Object.fromEntries(Object.entries(e.dict).map(([k, v]) => [k, decode(v)]));
  return e.value;
}

/** Compares a collated structure with PyTorch's: same nesting, and tensors with the same dtype, shape and values. */
function expectSame(actual: unknown, expected: Enc, path = 'out'): void {
  if ('tensor' in expected) {
    expect(actual, path).toBeInstanceOf(torch.Tensor);
    const t = actual as torch.Tensor;
    expect(t.dtype, `${path} dtype`).toBe(expected.tensor.dtype);
    expect(t.shape, `${path} shape`).toEqual(expected.tensor.shape);
    const values = t.dtype === 'bool' ? Array.from(t.toArray(), (v) => v !== 0) : Array.from(t.toArray());
    expect(values, `${path} values`).toEqual(expected.tensor.values);
  } else if ('list' in expected) {
    expect(Array.isArray(actual), path).toBe(true);
    const a = actual as unknown[];
    expect(a.length, path).toBe(expected.list.length);
    expected.list.forEach((e, i) => expectSame(a[i], e, `${path}[${i}]`));
  } else if ('dict' in expected) {
    const a = actual as Record<string, unknown>;
    expect(Object.keys(a), path).toEqual(Object.keys(expected.dict));
    for (const [k, e] of Object.entries(expected.dict)) expectSame(a[k], e, `${path}.${k}`);
  } else expect(actual, path).toEqual(expected.value);
}

describe('defaultCollate matches PyTorch default_collate', () => {
  for (const c of golden.collate) {
    it(c.name, () => {
      const batch = decode(c.batch as Enc) as unknown[];
      expectSame(defaultCollate(batch), c.out as Enc);
    });
  }
});

describe('defaultCollate', () => {
  it('stacks non-contiguous views and rows of a bigger tensor exactly like torch.stack', () => {
    const big = torch.rand([6, 4, 5]);
    const rows = [big.select(0, 4), big.select(0, 0)];
    const transposed = [big.select(0, 1).t(), big.select(0, 3).t(), big.slice(1, 1, 3).select(0, 5).t()];
    expect(transposed[0].isContiguous()).toBe(false);
    for (const batch of [rows, transposed.slice(0, 2)]) {
      const out = defaultCollate(batch);
      expect(out.tolist()).toEqual(torch.stack(batch).tolist());
      expect(out.dtype).toBe('float32');
    }
    expect(() => defaultCollate(transposed)).toThrow('stack expects each tensor to be equal size');
    const ints = [torch.tensor([1, 2]), torch.tensor([3, 4])];
    expect(defaultCollate(ints).dtype).toBe('int64');
    const bools = [torch.tensor([true, false]), torch.tensor([false, false])];
    expect(defaultCollate(bools).tolist()).toEqual([
      [true, false],
      [false, false],
    ]);
  });

  it('keeps autograd history when samples require grad (torch.stack)', () => {
    const a = torch.ones([2], { requiresGrad: true });
    const out = defaultCollate([a, a.mul(2)]);
    expect(out.gradFn?.name()).toBe('StackBackward0');
  });

  it('collates typed arrays (NumPy arrays in PyTorch) into tensors', () => {
    const out = defaultCollate([new Float32Array([1, 2]), new Float32Array([3, 4])]);
    expect(out.dtype).toBe('float32');
    expect(out.tolist()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(defaultCollate([new Uint8Array([1]), new Uint8Array([2])]).dtype).toBe('int64');
  });

  it('collates image records key by key', () => {
    const im = (v: number) => ({ data: new Uint8Array([v, v]), height: 1, width: 2, channels: 1 });
    const out = defaultCollate([im(1), im(2)]);
    expect(out.data.tolist()).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(out.height.tolist()).toEqual([1, 1]);
  });

  it('collates Maps key by key', () => {
    const out = defaultCollate([new Map([['a', 1]]), new Map([['a', 2.5]])]) as unknown as Map<string, torch.Tensor>;
    expect(out.get('a')?.dtype).toBe('float64');
  });

  it("throws PyTorch's errors", () => {
    expect(() => defaultCollate([null])).toThrow(
      'default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found null',
    );
    expect(() => defaultCollate([() => 1])).toThrow(
      'default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found function',
    );
    class Point {
      x = 1;
    }
    expect(() => defaultCollate([new Point()])).toThrow(TypeError);
    expect(() => defaultCollate([[1, 2], [1]])).toThrow('each element in list of batch should be of equal size');
    expect(() => defaultCollate([torch.zeros(2), torch.zeros(3)])).toThrow(
      'stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1',
    );
  });
});

describe('defaultConvert', () => {
  it('turns typed arrays into tensors inside containers and leaves the rest', () => {
    const out = defaultConvert({ a: new Float32Array([1, 2]), b: [3, 'x'] }) as { a: torch.Tensor; b: unknown[] };
    expect(out.a).toBeInstanceOf(torch.Tensor);
    expect(out.b).toEqual([3, 'x']);
    const t = torch.ones(2);
    expect(defaultConvert(t)).toBe(t);
  });
});
