/**
 * The activation layers beyond ReLU, GELU and the softmax pair: how they print (PyTorch's reprs, from
 * tools/golden/nn_modules.py), that each applies its nn.functional form (whose values and gradients
 * functional.test.ts checks against PyTorch), their options both ways, in-place forms, and PReLU's parameter.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn, type Module, type Tensor } from '@kindling/nn';

const golden = JSON.parse(readFileSync(new URL('./fixtures/modules.json', import.meta.url), 'utf8')) as {
  activationReprs: Record<string, string>;
  preluStateKeys: [string, number[]][];
};

const F = nn.functional;

/** Each layer as the fixture's key names it, and the functional form it must equal. */
const LAYERS: [string, Module, (x: Tensor) => Tensor, number[]?][] = [
  ['SiLU()', new nn.SiLU(), (x) => F.silu(x)],
  ['SiLU(true)', new nn.SiLU(true), (x) => F.silu(x)],
  ['Mish()', new nn.Mish(), (x) => F.mish(x)],
  ['ReLU6(true)', new nn.ReLU6({ inplace: true }), (x) => F.relu6(x)],
  ['Hardsigmoid()', new nn.Hardsigmoid(), (x) => F.hardsigmoid(x)],
  ['Hardswish()', new nn.Hardswish(), (x) => F.hardswish(x)],
  ['SELU()', new nn.SELU(), (x) => F.selu(x)],
  ['LogSigmoid()', new nn.LogSigmoid(), (x) => F.logsigmoid(x)],
  ['Tanhshrink()', new nn.Tanhshrink(), (x) => F.tanhshrink(x)],
  ['Softsign()', new nn.Softsign(), (x) => F.softsign(x)],
  ['Softmin(1)', new nn.Softmin(1), (x) => F.softmin(x, 1)],
  ['ELU()', new nn.ELU(), (x) => F.elu(x)],
  ['ELU(0.5, true)', new nn.ELU(0.5, true), (x) => F.elu(x, 0.5)],
  ['CELU()', new nn.CELU(), (x) => F.celu(x)],
  ['Softplus()', new nn.Softplus(), (x) => F.softplus(x)],
  ['Hardtanh()', new nn.Hardtanh(), (x) => F.hardtanh(x)],
  [
    'Hardtanh(-0.5, 2.5, true)',
    new nn.Hardtanh({ minVal: -0.5, maxVal: 2.5, inplace: true }),
    (x) => F.hardtanh(x, -0.5, 2.5),
  ],
  ['Threshold(0.1, 20.5)', new nn.Threshold(0.1, 20.5), (x) => F.threshold(x, 0.1, 20.5)],
  ['Hardshrink()', new nn.Hardshrink(), (x) => F.hardshrink(x)],
  ['Softshrink(0.25)', new nn.Softshrink({ lambd: 0.25 }), (x) => F.softshrink(x, 0.25)],
  ['GLU()', new nn.GLU(), (x) => F.glu(x)],
  ['GLU(1)', new nn.GLU(1), (x) => F.glu(x, 1), [2, 4, 3]],
  ['PReLU()', new nn.PReLU(), (x) => F.prelu(x, torch.tensor([0.25]))],
  ['PReLU(3, 0.1)', new nn.PReLU(3, 0.1), (x) => F.prelu(x, torch.full([3], 0.1))],
];

describe('activation layers', () => {
  it('print as PyTorch prints them', () => {
    for (const [key, layer] of LAYERS) expect(String(layer), key).toBe(golden.activationReprs[key]);
  });

  it('apply their functional form, in place where asked', () => {
    torch.manualSeed(0);
    for (const [key, layer, f, shape = [2, 3, 4]] of LAYERS) {
      const x = torch.randn(shape).mul(3);
      const expected = torch.noGrad(() => f(x.clone()));
      const input = x.clone();
      const y = torch.noGrad(() => layer.forward(input) as Tensor);
      torch.testing.assertClose(y, expected, { rtol: 0, atol: 0 });
      // In place, the input now holds the result; otherwise it is untouched.
      const inplace = (layer as Module & { inplace?: boolean }).inplace === true;
      torch.testing.assertClose(input, inplace ? expected : x, {
        rtol: 0,
        atol: 0,
        msg: `${key} in place: ${inplace}`,
      });
    }
  });

  it("give PReLU a learned weight that PyTorch's state dict names", () => {
    const layer = new nn.PReLU(3);
    expect(Object.entries(layer.stateDict()).map(([k, v]) => [k, v.shape])).toEqual(golden.preluStateKeys);
    const x = torch.tensor([[[-2], [1], [-4]]], { dtype: 'float32' });
    layer.forward(x).sum().backward();
    // d/dw of w·x over the negative inputs of each channel: -2, 0, -4.
    expect(layer.weight.grad?.tolist()).toEqual([-2, 0, -4]);
    expect(() => layer.forward(torch.ones(1, 4, 2))).toThrow(
      'Mismatch of parameter numbers and input channel size. Found parameter numbers = 3 and channel size = 4.',
    );
  });

  it("read PyTorch's positional arguments and refuse what PyTorch refuses", () => {
    expect(String(new nn.Softplus(2, 5))).toBe('Softplus(beta=2, threshold=5)');
    expect(String(new nn.Threshold(1, 0, { inplace: true }))).toBe('Threshold(threshold=1.0, value=0.0, inplace=True)');
    expect(() => new nn.Hardtanh(1, -1)).toThrow(torch.AssertionError);
    expect(() => new (nn.Threshold as unknown as new () => Module)()).toThrow(
      "Threshold.__init__() missing 2 required positional arguments: 'threshold' and 'value'",
    );
    expect(() => F.glu(torch.ones(2, 3))).toThrow('Halving dimension must be even, but dimension 1 is size 3');
  });
});

describe('distance layers and the KL and Huber losses', () => {
  it('apply their functional forms and print as PyTorch', () => {
    torch.manualSeed(1);
    const [a, b] = [torch.randn(3, 4), torch.randn(3, 4)];
    torch.testing.assertClose(new nn.CosineSimilarity(0).forward(a, b), F.cosineSimilarity(a, b, 0), {
      rtol: 0,
      atol: 0,
    });
    torch.testing.assertClose(
      new nn.PairwiseDistance(1, 1e-6, true).forward(a, b),
      F.pairwiseDistance(a, b, { p: 1, keepdim: true }),
      { rtol: 0, atol: 0 },
    );
    torch.testing.assertClose(
      new nn.HuberLoss('sum', 0.5).forward(a, b),
      F.huberLoss(a, b, { reduction: 'sum', delta: 0.5 }),
      {
        rtol: 0,
        atol: 0,
      },
    );
    const logP = a.logSoftmax(1);
    const q = b.softmax(1);
    torch.testing.assertClose(
      new nn.KLDivLoss({ reduction: 'batchmean' }).forward(logP, q),
      q.mul(q.log().sub(logP)).sum().div(3),
      { rtol: 1e-6, atol: 1e-7 },
    );
    expect(
      [new nn.CosineSimilarity(), new nn.PairwiseDistance(), new nn.KLDivLoss(), new nn.HuberLoss()].map(String),
    ).toEqual(['CosineSimilarity()', 'PairwiseDistance()', 'KLDivLoss()', 'HuberLoss()']);
    expect(torch.broadcastShapes([2, 1], [1, 3], [3])).toEqual([2, 3]);
    expect(() => torch.broadcastShapes([2], [3])).toThrow(
      'Shape mismatch: objects cannot be broadcast to a single shape',
    );
  });
});

describe('GroupNorm', () => {
  it('normalises groups of channels with PyTorch 1.13 repr, parameters and messages', () => {
    const gn = new nn.GroupNorm(2, 6, { eps: 1e-3 });
    expect(String(gn)).toBe('GroupNorm(2, 6, eps=0.001, affine=True)');
    expect(Object.entries(gn.stateDict()).map(([k, v]) => [k, [...v.shape]])).toEqual([
      ['weight', [6]],
      ['bias', [6]],
    ]);
    const x = torch.randn(2, 6, 3);
    torch.testing.assertClose(gn.forward(x), F.groupNorm(x, 2, gn.weight, gn.bias, { eps: 1e-3 }), {
      rtol: 0,
      atol: 0,
    });
    expect(String(new nn.GroupNorm(3, 3, 1e-5, false))).toBe('GroupNorm(3, 3, eps=1e-05, affine=False)');
    expect(() => new nn.GroupNorm(4, 6)).toThrow('num_channels must be divisible by num_groups');
    expect(() => F.groupNorm(torch.ones(2, 6, 4), 4)).toThrow(
      'Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 6, 4] and num_groups=4',
    );
  });
});

describe('Upsample', () => {
  it('prints as PyTorch and resamples as F.interpolate', () => {
    expect(String(new nn.Upsample({ scaleFactor: 2 }))).toBe('Upsample(scale_factor=2.0, mode=nearest)');
    expect(String(new nn.Upsample({ size: [4, 4], mode: 'bilinear', alignCorners: true }))).toBe(
      'Upsample(size=(4, 4), mode=bilinear)',
    );
    expect(String(new nn.Upsample(null, 2.5, 'bilinear'))).toBe('Upsample(scale_factor=2.5, mode=bilinear)');
    const x = torch.randn(1, 2, 3, 3);
    torch.testing.assertClose(
      new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(x),
      F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }),
      { rtol: 0, atol: 0 },
    );
    expect(() => F.interpolate(torch.ones(1, 4, 4), { size: 2, mode: 'bilinear' })).toThrow(
      new torch.NotImplementedError('Got 3D input, but bilinear mode needs 4D input'),
    );
    expect(() => F.interpolate(torch.ones(1, 1, 2, 2, 2), { size: 3 })).toThrow(
      "interpolate: Kindling does not resample 5-D (N, C, D, H, W) input yet (mode 'nearest')",
    );
  });
});

describe('padding layers', () => {
  it('print as PyTorch and pad as F.pad in their mode', () => {
    expect(
      [
        new nn.ReflectionPad2d(2),
        new nn.ReplicationPad2d([1, 2, 3, 4]),
        new nn.ZeroPad2d(1),
        new nn.ConstantPad2d(1, 3.5),
        new nn.ReflectionPad1d(2),
      ].map(String),
    ).toEqual([
      'ReflectionPad2d((2, 2, 2, 2))',
      'ReplicationPad2d((1, 2, 3, 4))',
      'ZeroPad2d((1, 1, 1, 1))',
      'ConstantPad2d(padding=(1, 1, 1, 1), value=3.5)',
      'ReflectionPad1d((2, 2))',
    ]);
    const x = torch.randn(1, 2, 4, 5);
    const same = (a: torch.Tensor, b: torch.Tensor): void => torch.testing.assertClose(a, b, { rtol: 0, atol: 0 });
    same(new nn.ReflectionPad2d([1, 2, 2, 1]).forward(x), F.pad(x, [1, 2, 2, 1], { mode: 'reflect' }));
    same(new nn.ReplicationPad3d(1).forward(x), F.pad(x, [1, 1, 1, 1, 1, 1], { mode: 'replicate' }));
    same(new nn.ConstantPad1d([2, 0], -1).forward(x), F.pad(x, [2, 0], { value: -1 }));
    expect(() => new nn.ReflectionPad2d([1, 2])).toThrow(
      'ReflectionPad2d: padding must be an int or a tuple of 4 ints',
    );
  });
});

describe('1-D pooling and pixel shuffle layers', () => {
  it('print as PyTorch and apply their functional forms', () => {
    expect(
      [
        new nn.MaxPool1d(3, 2),
        new nn.AvgPool1d(3),
        new nn.AdaptiveAvgPool1d(4),
        new nn.AdaptiveMaxPool1d(4),
        new nn.PixelShuffle(2),
        new nn.PixelUnshuffle(2),
      ].map(String),
    ).toEqual([
      'MaxPool1d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)',
      'AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))',
      'AdaptiveAvgPool1d(output_size=4)',
      'AdaptiveMaxPool1d(output_size=4)',
      'PixelShuffle(upscale_factor=2)',
      'PixelUnshuffle(downscale_factor=2)',
    ]);
    const x = torch.randn(2, 3, 10);
    const same = (a: torch.Tensor, b: torch.Tensor): void => torch.testing.assertClose(a, b, { rtol: 0, atol: 0 });
    same(new nn.MaxPool1d(3, 2).forward(x) as torch.Tensor, F.maxPool1d(x, 3, { stride: 2 }) as torch.Tensor);
    same(new nn.AvgPool1d(2, { padding: 1 }).forward(x), F.avgPool1d(x, 2, { padding: 1 }));
    const [values, indices] = new nn.AdaptiveMaxPool1d(4, true).forward(x) as [torch.Tensor, torch.Tensor];
    expect([values.shape, indices.shape].map((s) => [...s])).toEqual([
      [2, 3, 4],
      [2, 3, 4],
    ]);
    const images = torch.randn(1, 8, 3, 3);
    same(new nn.PixelUnshuffle(2).forward(new nn.PixelShuffle(2).forward(images)), images);
  });
});

describe('the older resampling layers and Softmax2d', () => {
  it('print and compute as PyTorch', () => {
    expect(String(new nn.UpsamplingNearest2d({ scaleFactor: 2 }))).toBe(
      'UpsamplingNearest2d(scale_factor=2.0, mode=nearest)',
    );
    expect(String(new nn.UpsamplingBilinear2d([4, 5]))).toBe('UpsamplingBilinear2d(size=(4, 5), mode=bilinear)');
    const x = torch.randn(1, 2, 3, 3);
    expect(
      torch.equal(
        new nn.UpsamplingBilinear2d(null, 2).forward(x),
        F.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: true }),
      ),
    ).toBe(true);
    expect(String(new nn.Softmax2d())).toBe('Softmax2d()');
    const y = new nn.Softmax2d().forward(torch.randn(2, 3, 4, 4, { requiresGrad: true }));
    expect(y.gradFn?.name()).toBe('SoftmaxBackward0');
    torch.testing.assertClose(y.sum(1), torch.ones(2, 4, 4));
    expect(() => new nn.Softmax2d().forward(torch.randn(3, 4))).toThrow(
      new torch.AssertionError('Softmax2d requires a 3D or 4D tensor as input'),
    );
  });
});
