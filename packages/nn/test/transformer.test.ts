/**
 * nn.TransformerEncoderLayer, nn.TransformerEncoder, nn.TransformerDecoderLayer, nn.TransformerDecoder and
 * nn.Transformer against PyTorch 1.13 (fixtures/transformer.json, written by tools/golden/transformer.py): with
 * PyTorch's parameters loaded, the output and the gradients of the inputs (the memory's and the target's too) and of
 * every parameter (post-norm and norm-first, relu and gelu, boolean and float masks, batch-first, stacks with a
 * final norm); the reprs and state-dict keys; the copies a stack starts from; Transformer's causal mask and errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { nn, type Module, type TransformerEncoderLayerOptions, type TransformerOptions } from '@kindling/nn';
import { type GoldenTensor, expectGolden, makeTensor } from '../../core/test/helpers/golden.js';

interface Case {
  name: string;
  kind: 'encoder' | 'decoder' | 'transformer';
  nhead: number;
  options: TransformerEncoderLayerOptions & TransformerOptions;
  layers: number | null;
  repr: string;
  masks: Record<string, GoldenTensor>;
  stateDict: Record<string, GoldenTensor>;
  input: GoldenTensor;
  out: GoldenTensor;
  w: GoldenTensor;
  inputGrad: GoldenTensor;
  paramGrads: Record<string, GoldenTensor>;
  /** The decoder's memory, or the Transformer's target. */
  second?: GoldenTensor;
  secondGrad?: GoldenTensor;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/transformer.json', import.meta.url), 'utf8')) as {
  cases: Case[];
  squareSubsequentMask: GoldenTensor;
};

const tensorOf = (g: GoldenTensor): Tensor => makeTensor(g.values, g.shape, g.dtype);
const TOL = { rtol: 1e-4, atol: 1e-5 };

function build(c: Case): Module {
  if (c.kind === 'transformer') return new nn.Transformer(c.options);
  const dModel = c.input.shape[c.input.shape.length - 1];
  if (c.kind === 'decoder') {
    const layer = new nn.TransformerDecoderLayer(dModel, c.nhead, c.options);
    return c.layers === null ? layer : new nn.TransformerDecoder(layer, c.layers, new nn.LayerNorm(dModel));
  }
  const layer = new nn.TransformerEncoderLayer(dModel, c.nhead, c.options);
  return c.layers === null ? layer : new nn.TransformerEncoder(layer, c.layers, new nn.LayerNorm(dModel));
}

describe('nn.Transformer and its encoder and decoder blocks against PyTorch', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const m = build(c);
      expect(String(m)).toBe(c.repr);
      expect(Object.keys(m.stateDict())).toEqual(Object.keys(c.stateDict));
      m.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, tensorOf(v)])));
      const x = tensorOf(c.input).requiresGrad_();
      const masks = Object.fromEntries(
        Object.entries(c.masks).map(([k, g]) => {
          const t = tensorOf(g);
          return [k, g.dtype === 'bool' ? t.bool() : t];
        }),
      );
      const second = c.second === undefined ? null : tensorOf(c.second).requiresGrad_();
      const out = (second === null ? m.forward(x, masks) : m.forward(x, second, masks)) as Tensor;
      expectGolden(out, c.out, TOL, 'output');
      out.mul(tensorOf(c.w)).sum().backward();
      expectGolden(x.grad as Tensor, c.inputGrad, TOL, 'grad of the input');
      if (second !== null)
        expectGolden(second.grad as Tensor, c.secondGrad as GoldenTensor, TOL, 'grad of the second input');
      for (const [name, p] of m.namedParameters())
        expectGolden(p.grad as Tensor, c.paramGrads[name], TOL, `grad of ${name}`);
    });
  }

  it('starts every layer of a stack from the same parameters, as copies (not shared)', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const stack = new nn.TransformerEncoder(layer, 3);
    const sd = stack.stateDict();
    for (const i of [1, 2]) {
      expect(torch.equal(sd[`layers.${i}.linear1.weight`], sd['layers.0.linear1.weight'])).toBe(true);
    }
    expect(sd['layers.1.linear1.weight'] === sd['layers.0.linear1.weight']).toBe(false);
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as 'relu' })).toThrow(
      'activation should be relu/gelu, not tanh',
    );
  });

  it('copies a decoder layer into a stack, and makes the causal mask PyTorch makes', () => {
    const stack = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), 2);
    const sd = stack.stateDict();
    expect(
      torch.equal(sd['layers.1.multihead_attn.in_proj_weight'], sd['layers.0.multihead_attn.in_proj_weight']),
    ).toBe(true);
    expect(sd['layers.1.linear1.weight'] === sd['layers.0.linear1.weight']).toBe(false);
    const positional = new nn.TransformerDecoderLayer(8, 2, 16, 0.0, 'gelu', 1e-6, true, true);
    expect(positional.config[2]).toEqual({
      dimFeedforward: 16,
      dropout: 0,
      activation: 'gelu',
      layerNormEps: 1e-6,
      batchFirst: true,
      normFirst: true,
    });
    expect(
      () =>
        new (nn.TransformerDecoderLayer as new (...a: unknown[]) => Module)(8, 2, 16, 0, 'relu', 1e-5, false, false, 1),
    ).toThrow('TransformerDecoderLayer.__init__() takes from 3 to 9 positional arguments but 10 were given');
    expectGolden(
      nn.Transformer.generateSquareSubsequentMask(3),
      fixture.squareSubsequentMask,
      { rtol: 0, atol: 0 },
      'mask',
    );
  });

  it('starts every weight matrix of a Transformer Xavier-uniform, and rejects inputs that do not fit', () => {
    torch.manualSeed(0);
    const model = new nn.Transformer({
      dModel: 8,
      nhead: 2,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 16,
    });
    const w = model.stateDict()['encoder.layers.0.linear1.weight'];
    const bound = Math.sqrt(6 / (8 + 16));
    expect(w.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(w.abs().max().item()).toBeGreaterThan(0.8 * bound);
    expect(() => model.forward(torch.randn(5, 2, 8), torch.randn(4, 3, 8))).toThrow(
      'the batch number of src and tgt must be equal',
    );
    expect(() => model.forward(torch.randn(5, 2, 8), torch.randn(4, 2, 6))).toThrow(
      'the feature number of src and tgt must be equal to d_model',
    );
  });
});
