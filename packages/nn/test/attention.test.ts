/**
 * nn.MultiheadAttention against PyTorch 1.13 (fixtures/attention.json, written by tools/golden/attention.py): with
 * PyTorch's parameters loaded, the outputs, attention weights and the gradients of the inputs and of every
 * parameter; masks (causal, padding, float), batch-first, cross-attention, separate key and value sizes, bias_k/v
 * and the zero row, unbatched input, float64; and the initialisation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import type { GoldenTensor } from '../../core/test/helpers/golden.js';
import { type AttentionCase, replayAttentionCase } from './helpers/attention-cases.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/attention.json', import.meta.url), 'utf8')) as {
  cases: AttentionCase[];
  init: Record<string, GoldenTensor>;
};

describe('nn.MultiheadAttention against PyTorch', () => {
  for (const c of fixture.cases) it(c.name, () => replayAttentionCase(c));

  it("initialises as PyTorch: Xavier-uniform packed projection, zero biases, PyTorch's keys and shapes", () => {
    torch.manualSeed(0);
    const m = new nn.MultiheadAttention(8, 2);
    const sd = m.stateDict();
    expect(Object.entries(sd).map(([k, t]) => [k, [...t.shape]])).toEqual(
      Object.entries(fixture.init).map(([k, g]) => [k, g.shape]),
    );
    // Xavier-uniform on (24, 8): U(±√(6 / (8 + 24))), filling most of the range.
    const bound = Math.sqrt(6 / (8 + 24));
    const w = sd.in_proj_weight;
    expect(w.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(w.abs().max().item()).toBeGreaterThan(0.9 * bound);
    expect(sd.in_proj_bias.abs().sum().item()).toBe(0);
    expect(sd['out_proj.bias'].abs().sum().item()).toBe(0);
    torch.manualSeed(0);
    expect(torch.equal(new nn.MultiheadAttention(8, 2).stateDict().in_proj_weight, w)).toBe(true);
  });

  it("refuses what PyTorch refuses, with PyTorch's messages", () => {
    expect(() => new nn.MultiheadAttention(8, 3)).toThrow('embed_dim must be divisible by num_heads');
    const m = new nn.MultiheadAttention(8, 2);
    const x = torch.randn(4, 2, 8);
    expect(() => m.forward(x, x, x, { attnMask: torch.zeros(3, 4) })).toThrow(
      'The shape of the 2D attn_mask is torch.Size([3, 4]), but should be (4, 4).',
    );
    expect(() => m.forward(torch.randn(4, 2, 6), torch.randn(4, 2, 6), torch.randn(4, 2, 6))).toThrow(
      'was expecting embedding dimension of 8, but got 6',
    );
  });
});
