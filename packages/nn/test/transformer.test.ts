/**
 * nn.TransformerEncoderLayer and nn.TransformerEncoder against PyTorch 1.13 (fixtures/transformer.json, written by
 * tools/golden/transformer.py): with PyTorch's parameters loaded, the output and the gradients of the input and of
 * every parameter (post-norm and norm-first, relu and gelu, masks, batch-first, a stack with a final norm); the
 * reprs and state-dict keys; and the copies a stack starts from.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { nn, type Module, type TransformerEncoderLayerOptions } from '@kindling/nn';
import { type GoldenTensor, expectGolden, makeTensor } from '../../core/test/helpers/golden.js';

interface Case {
  name: string;
  nhead: number;
  options: TransformerEncoderLayerOptions;
  layers: number | null;
  repr: string;
  masks: Record<string, GoldenTensor>;
  stateDict: Record<string, GoldenTensor>;
  input: GoldenTensor;
  out: GoldenTensor;
  w: GoldenTensor;
  inputGrad: GoldenTensor;
  paramGrads: Record<string, GoldenTensor>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/transformer.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

const tensorOf = (g: GoldenTensor): Tensor => makeTensor(g.values, g.shape, g.dtype);
const TOL = { rtol: 1e-4, atol: 1e-5 };

function build(c: Case): Module {
  const dModel = c.input.shape[c.input.shape.length - 1];
  const layer = new nn.TransformerEncoderLayer(dModel, c.nhead, c.options);
  return c.layers === null ? layer : new nn.TransformerEncoder(layer, c.layers, new nn.LayerNorm(dModel));
}

describe('nn.TransformerEncoderLayer and nn.TransformerEncoder against PyTorch', () => {
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
      const out = m.forward(x, masks) as Tensor;
      expectGolden(out, c.out, TOL, 'output');
      out.mul(tensorOf(c.w)).sum().backward();
      expectGolden(x.grad as Tensor, c.inputGrad, TOL, 'grad of the input');
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
});
