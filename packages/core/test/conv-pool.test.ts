/**
 * Convolution and pooling against real PyTorch (fixtures/conv_pool.json, written by tools/golden/conv_pool.py):
 * outputs, grad_fn names, gradients of every input and error messages; then float64 gradcheck of every op and of
 * its backward (double backward), and the call forms.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { DType, Tensor } from '@kindling/core';
import {
  type Built,
  type Case,
  type Kwargs,
  type OpCall,
  type RunOptions,
  Ns,
  T,
  TOpt,
  runCase,
} from './helpers/golden-cases.js';

interface ErrorCase {
  name: string;
  op: string;
  args: ({ shape: number[]; dtype: DType } | number | string | null | number[])[];
  kwargs: Kwargs;
  error: string;
  message: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/conv_pool.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: Case[];
  errors: ErrorCase[];
};

/** A size: one number for every dim, or a list. */
const asSize = (x: Built): number | number[] => (typeof x === 'number' ? x : Ns(x));

/** Each op called with Kindling's spelling; kwargs already carry Kindling's option names. */
const OPS: Record<string, OpCall> = {
  conv2d: ([x, w, b], kw) => torch.conv2d(T(x), T(w), TOpt(b), kw as torch.Conv2dOptions),
  maxPool2d: ([x, k], kw) => torch.maxPool2d(T(x), asSize(k), kw as torch.MaxPool2dOptions),
  avgPool2d: ([x, k], kw) => torch.avgPool2d(T(x), asSize(k), kw as torch.AvgPool2dOptions),
  adaptiveAvgPool2d: ([x, s]) => torch.adaptiveAvgPool2d(T(x), s as torch.AdaptiveSize),
  adaptiveMaxPool2d: ([x, s], kw) =>
    torch.adaptiveMaxPool2d(T(x), s as torch.AdaptiveSize, kw as torch.AdaptiveMaxPool2dOptions),
};

/** float32 within rtol 1e-4 / atol 1e-5, float64 within 1e-10. */
const RUN_OPTIONS: RunOptions = {
  tolerance: (dtype) => (dtype === 'float64' ? { rtol: 1e-10, atol: 1e-10 } : { rtol: 1e-4, atol: 1e-5 }),
};

describe(`conv2d and pooling against PyTorch ${fixture.torch}`, () => {
  for (const op of Object.keys(OPS)) {
    describe(op, () => {
      for (const c of fixture.cases.filter((k) => k.op === op)) it(c.name, () => runCase(c, OPS, RUN_OPTIONS));
    });
  }
  describe('errors', () => {
    for (const e of fixture.errors) {
      it(`${e.op}: ${e.name}`, () => {
        const args = e.args.map((a) =>
          typeof a === 'object' && a !== null && !Array.isArray(a) ? torch.zeros(a.shape, { dtype: a.dtype }) : a,
        );
        let thrown: Error | null = null;
        try {
          OPS[e.op](args, e.kwargs, undefined);
        } catch (err) {
          thrown = err as Error;
        }
        expect(thrown, 'an error').not.toBeNull();
        expect((thrown as Error).name).toBe(e.error);
        expect((thrown as Error).message).toContain(e.message);
      });
    }
  });
});

const rand64 = (...shape: number[]): Tensor => torch.randn(shape, { dtype: 'float64', requiresGrad: true });

describe('gradcheck (float64)', () => {
  torch.manualSeed(0);
  const convConfigs: [string, number[], number[], torch.Conv2dOptions][] = [
    ['plain', [2, 3, 5, 4], [2, 3, 3, 3], {}],
    ['stride 2 padding 1', [1, 2, 6, 5], [3, 2, 3, 3], { stride: 2, padding: 1 }],
    ['dilation [2, 1] padding [2, 0]', [1, 2, 6, 5], [2, 2, 3, 2], { dilation: [2, 1], padding: [2, 0] }],
    ['groups 2', [1, 4, 4, 4], [4, 2, 2, 2], { groups: 2 }],
    ["'same' even kernel", [1, 2, 4, 5], [2, 2, 2, 4], { padding: 'same' }],
    ['1x1', [2, 3, 3, 3], [2, 3, 1, 1], {}],
    ['1x1 stride 2', [1, 3, 4, 4], [2, 3, 1, 1], { stride: 2 }],
    ['unbatched', [2, 4, 4], [3, 2, 3, 3], { padding: 1 }],
    ['one batch element per GEMM', [2, 1, 16, 16], [1, 1, 3, 3], { padding: 1 }],
    ['1x1 reading the input in place', [1, 1, 16, 16], [2, 1, 1, 1], {}],
    ['batch in uneven chunks', [5, 1, 8, 8], [2, 1, 3, 3], { padding: 1, stride: [1, 2] }],
  ];
  for (const [name, xs, ws, opts] of convConfigs) {
    it(`conv2d ${name}: input, weight and bias`, () => {
      const x = rand64(...xs);
      const w = rand64(...ws);
      const b = rand64(ws[0]);
      expect(torch.gradcheck((a, c, d) => torch.conv2d(a, c, d, opts), [x, w, b])).toBe(true);
    });
  }
  it('conv2d double backward (gradients of the input and weight gradients)', () => {
    const x = rand64(1, 2, 5, 4);
    const w = rand64(4, 1, 3, 2);
    const v = torch.randn([1, 4, 3, 4], { dtype: 'float64' });
    const opts: torch.Conv2dOptions = { stride: [2, 1], padding: [1, 1], dilation: [1, 2], groups: 2 };
    // gradcheck evaluates the function under noGrad for its finite differences; the inner gradient needs grad mode.
    const firstOrder = (a: Tensor, c: Tensor): Tensor[] =>
      torch.enableGrad(
        () =>
          torch.autograd.grad(torch.conv2d(a, c, null, opts).mul(v).pow(2).sum(), [a, c], {
            createGraph: true,
          }) as Tensor[],
      );
    expect(torch.gradcheck(firstOrder, [x, w])).toBe(true);
  });
  const pools: [string, number[], (t: Tensor) => Tensor][] = [
    ['maxPool2d', [2, 2, 5, 5], (t) => torch.maxPool2d(t, 3, { stride: 2, padding: 1 })],
    [
      'maxPool2d dilation ceilMode',
      [1, 2, 7, 6],
      (t) => torch.maxPool2d(t, 2, { stride: 2, dilation: 2, ceilMode: true }),
    ],
    ['avgPool2d', [2, 2, 5, 5], (t) => torch.avgPool2d(t, 3, { stride: 2, padding: 1 })],
    [
      'avgPool2d countIncludePad false ceilMode',
      [1, 2, 6, 5],
      (t) => torch.avgPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    ],
    ['avgPool2d divisorOverride', [1, 2, 4, 4], (t) => torch.avgPool2d(t, 2, { divisorOverride: 3 })],
    ['adaptiveAvgPool2d', [2, 2, 7, 5], (t) => torch.adaptiveAvgPool2d(t, [3, 2])],
    ['adaptiveAvgPool2d unbatched', [2, 5, 5], (t) => torch.adaptiveAvgPool2d(t, [1, 1])],
    ['adaptiveMaxPool2d', [2, 2, 7, 5], (t) => torch.adaptiveMaxPool2d(t, [3, 2])],
    ['adaptiveMaxPool2d unbatched', [2, 5, 4], (t) => torch.adaptiveMaxPool2d(t, [3, 3])],
  ];
  for (const [name, shape, f] of pools) {
    it(name, () => {
      expect(torch.gradcheck(f, [rand64(...shape)])).toBe(true);
    });
    it(`${name} double backward`, () => {
      const x = rand64(...shape);
      const v = torch.randn(f(x.detach()).shape, { dtype: 'float64', requiresGrad: true });
      // The gradient is linear in v: check it with respect to v (and, through the saved input, x).
      const firstOrder = (a: Tensor, u: Tensor): Tensor[] =>
        torch.enableGrad(() => torch.autograd.grad(f(a), [a], { gradOutputs: u, createGraph: true }) as Tensor[]);
      expect(torch.gradcheck(firstOrder, [x, v])).toBe(true);
    });
  }
});

describe('call forms and graph', () => {
  const x = torch.randn([2, 3, 6, 6], { requiresGrad: true });
  const w = torch.randn([4, 3, 3, 3], { requiresGrad: true });
  const b = torch.randn([4], { requiresGrad: true });

  it('conv2d takes the bias positionally, in the options, or not at all', () => {
    const ref = torch.conv2d(x, w, b, { stride: 2, padding: 1 });
    expect(torch.conv2d(x, w, { bias: b, stride: 2, padding: 1 }).tolist()).toEqual(ref.tolist());
    expect(torch.conv2d(x, w, null, { bias: b, stride: 2, padding: 1 }).tolist()).toEqual(ref.tolist());
    expect(
      torch
        .conv2d(x, w, { stride: [2, 2], padding: [1, 1] })
        .sub(ref)
        .add(b.view(1, 4, 1, 1))
        .abs()
        .max()
        .item(),
    ).toBeLessThan(1e-5);
    expect(ref.gradFn?.name()).toBe('ConvolutionBackward0');
    expect(ref.shape).toEqual([2, 4, 3, 3]);
  });

  it('unbatched input squeezes the batch dim back out, as PyTorch does', () => {
    const y = torch.conv2d(x.select(0, 0), w, b, { padding: 'same' });
    expect(y.shape).toEqual([4, 6, 6]);
    expect(y.gradFn?.name()).toBe('SqueezeBackward1');
  });

  it('gradients of gradients are recorded (ConvolutionBackwardBackward0)', () => {
    const [gx, gw] = torch.autograd.grad(torch.conv2d(x, w, b).pow(2).sum(), [x, w], { createGraph: true }) as Tensor[];
    expect(gx.gradFn?.name()).toBe('ConvolutionBackwardBackward0');
    expect(gw.gradFn?.name()).toBe('ConvolutionBackwardBackward0');
    gx.sum().add(gw.sum()).backward();
    expect(w.grad?.shape).toEqual([4, 3, 3, 3]);
  });

  it('pooling call forms', () => {
    const a = torch.maxPool2d(x, 2, 2);
    expect(a.tolist()).toEqual(torch.maxPool2d(x, { kernelSize: 2, stride: 2 }).tolist());
    expect(a.tolist()).toEqual(torch.maxPool2d(x, [2, 2], { stride: [2, 2] }).tolist());
    const [values, indices] = torch.maxPool2d(x, 2, { returnIndices: true });
    expect(values.tolist()).toEqual(a.tolist());
    expect(indices.dtype).toBe('int64');
    expect(values.gradFn?.name()).toBe('MaxPool2DWithIndicesBackward0');
    expect(torch.avgPool2d(x, 3, 1, { padding: 1 }).shape).toEqual([2, 3, 6, 6]);
    const [am, ai] = torch.adaptiveMaxPool2d(x, 2, { returnIndices: true });
    expect(am.gradFn?.name()).toBe('AdaptiveMaxPool2DBackward0');
    expect(ai.shape).toEqual([2, 3, 2, 2]);
    expect(torch.adaptiveAvgPool2d(x, 1).gradFn?.name()).toBe('MeanBackward1');
    expect(torch.adaptiveAvgPool2d(x, 3).gradFn?.name()).toBe('AdaptiveAvgPool2DBackward0');
  });

  it("takes the options positionally in PyTorch's order when called untyped, as JavaScript calls them", () => {
    const untyped = (f: unknown) => f as (...args: unknown[]) => Tensor | Tensor[];
    const values = (r: Tensor | Tensor[]): unknown => (Array.isArray(r) ? r.map((t) => t.tolist()) : r.tolist());
    const same = (positional: Tensor | Tensor[], keyword: Tensor | Tensor[]): void =>
      expect(values(positional)).toEqual(values(keyword));
    same(untyped(torch.conv2d)(x, w, b, 2, 1), torch.conv2d(x, w, b, { stride: 2, padding: 1 }));
    same(untyped(torch.conv2d)(x, w, null, 1, 2, 2), torch.conv2d(x, w, null, { padding: 2, dilation: 2 }));
    same(untyped(torch.maxPool2d)(x, 3, 2, 1), torch.maxPool2d(x, 3, 2, { padding: 1 }));
    same(
      untyped(torch.maxPool2d)(x, 3, 1, 0, 2, false, true),
      torch.maxPool2d(x, 3, 1, { dilation: 2, returnIndices: true }),
    );
    same(untyped(torch.avgPool2d)(x, 3, 2, 1, true), torch.avgPool2d(x, 3, 2, { padding: 1, ceilMode: true }));
    same(untyped(torch.adaptiveMaxPool2d)(x, 2, true), torch.adaptiveMaxPool2d(x, 2, { returnIndices: true }));
    expect(() => untyped(torch.conv2d)(x, w, b, 1, 0, 1, 1, 1)).toThrow(
      new torch.TorchTypeError('conv2d() takes from 2 to 7 positional arguments but 8 were given'),
    );
    expect(() => untyped(torch.avgPool2d)(x, 3, 2, 1, { padding: 0 })).toThrow(
      new torch.TorchTypeError("avg_pool2d() got multiple values for argument 'padding'"),
    );
  });

  it('pooling backward nodes have their own backward', () => {
    const names = [
      torch.maxPool2d(x, 2),
      torch.avgPool2d(x, 2),
      torch.adaptiveAvgPool2d(x, 2),
      torch.adaptiveMaxPool2d(x, 2),
    ].map((y) => (torch.autograd.grad(y.sum(), [x], { createGraph: true }) as Tensor[])[0].gradFn?.name());
    expect(names).toEqual([
      'MaxPool2DWithIndicesBackwardBackward0',
      'AvgPool2DBackwardBackward0',
      'AdaptiveAvgPool2DBackwardBackward0',
      'AdaptiveMaxPool2DBackwardBackward0',
    ]);
  });

  it('no graph and no indices under noGrad', () => {
    const y = torch.noGrad(() => torch.maxPool2d(x, 3, { stride: 2, padding: 1 }));
    expect(y.requiresGrad).toBe(false);
    expect(torch.noGrad(() => torch.conv2d(x, w, b)).gradFn).toBeNull();
  });

  it('an empty batch gives an empty output and zero weight gradient', () => {
    const e = torch.zeros([0, 3, 6, 6]);
    const y = torch.conv2d(e, w, b, { padding: 1 });
    expect(y.shape).toEqual([0, 4, 6, 6]);
    const [gw] = torch.autograd.grad(y.sum(), [w]) as Tensor[];
    expect(gw.abs().sum().item()).toBe(0);
    expect(torch.maxPool2d(e, 2).shape).toEqual([0, 3, 3, 3]);
  });
});
