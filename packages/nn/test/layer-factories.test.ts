// Layers made by class factories (the inplace activations, dropout variants, padding layers, pair losses) keep
// their own names, their base classes, PyTorch's reprs and constructor forms, and typed forwards.
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';

describe('layers made by class factories', () => {
  it('inplace activations: names, reprs, positional and options inplace, typed forward', () => {
    const x = torch.tensor([-1, 0.5, 2], { dtype: 'float32' });
    for (const [Layer, name] of [
      [nn.SiLU, 'SiLU'],
      [nn.Mish, 'Mish'],
      [nn.ReLU6, 'ReLU6'],
      [nn.Hardsigmoid, 'Hardsigmoid'],
      [nn.Hardswish, 'Hardswish'],
      [nn.SELU, 'SELU'],
    ] as const) {
      const layer = new Layer();
      expect(layer.constructor.name).toBe(name);
      expect(String(layer)).toBe(`${name}()`);
      expect(String(new Layer(true))).toBe(`${name}(inplace=True)`);
      expect(new Layer({ inplace: true }).inplace).toBe(true);
      expect(layer).toBeInstanceOf(nn.Module);
      const y = layer.forward(x);
      expectTypeOf(y).toEqualTypeOf<torch.Tensor>();
      expect(y.shape).toEqual([3]);
    }
    expectTypeOf(new nn.ReLU().forward(x)).toEqualTypeOf<torch.Tensor>();
  });

  it('dropout variants are Dropouts with their own names', () => {
    for (const Layer of [nn.Dropout1d, nn.Dropout2d, nn.AlphaDropout, nn.FeatureAlphaDropout]) {
      const layer = new Layer(0.25, true);
      expect(layer).toBeInstanceOf(nn.Dropout);
      expect(String(layer)).toBe(`${Layer.name}(p=0.25, inplace=True)`);
      layer.eval();
      const x = Layer === nn.Dropout2d ? torch.ones(2, 3, 4, 4) : torch.ones(2, 3, 4);
      expectTypeOf(layer.forward(x)).toEqualTypeOf<torch.Tensor>();
    }
    expect(() => new nn.Dropout2d(2)).toThrow('dropout probability has to be between 0 and 1, but got 2');
  });

  it('padding layers: reprs, checks by their own names, typed forward', () => {
    expect(String(new nn.ReplicationPad2d([1, 0, 2, 0]))).toBe('ReplicationPad2d((1, 0, 2, 0))');
    expect(String(new nn.ZeroPad2d(1))).toBe('ZeroPad2d((1, 1, 1, 1))');
    expect(String(new nn.ConstantPad3d(1, 2.5))).toBe('ConstantPad3d(padding=(1, 1, 1, 1, 1, 1), value=2.5)');
    expect(() => new nn.ReflectionPad1d([1, 2, 3])).toThrow(
      'ReflectionPad1d: padding must be an int or a tuple of 2 ints, but got [1,2,3]',
    );
    const y = new nn.ConstantPad1d(1, 7).forward(torch.zeros(1, 2));
    expectTypeOf(y).toEqualTypeOf<torch.Tensor>();
    expect(y.tolist()).toEqual([[7, 0, 0, 7]]);
  });

  it('pair losses: both constructor forms, names in argument errors, typed forward', () => {
    const a = torch.tensor([3, 1]);
    const b = torch.tensor([1, 2]);
    const target = torch.tensor([1, 1]);
    const byOptions = new nn.MarginRankingLoss({ margin: 0.5, reduction: 'sum' });
    const positional = new nn.MarginRankingLoss(0.5, null, null, 'sum');
    expect([byOptions.margin, byOptions.reduction]).toEqual([0.5, 'sum']);
    const loss = positional.forward(a, b, target);
    expectTypeOf(loss).toEqualTypeOf<torch.Tensor>();
    expect(loss.item()).toBeCloseTo(1.5);
    expect(new nn.CosineEmbeddingLoss().constructor.name).toBe('CosineEmbeddingLoss');
    expect(String(new nn.CosineEmbeddingLoss())).toBe('CosineEmbeddingLoss()');
  });
});
