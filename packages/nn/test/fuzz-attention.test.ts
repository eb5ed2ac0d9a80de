/**
 * nn.MultiheadAttention drawn at random against PyTorch 1.13 (fixtures/fuzz_attention.json, written by
 * tools/golden/fuzz_attention.py): sizes, heads, layouts, self- and cross-attention, biases, bias_k/v and the zero
 * row, bool and float masks (wholly masked rows among them), and the weights returned, averaged or per head; the output,
 * weights and every gradient. `KINDLING_FUZZ_FIXTURE=FILE` replays another draw.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { type AttentionCase, replayAttentionCase } from './helpers/attention-cases.js';

const path = process.env.KINDLING_FUZZ_FIXTURE ?? new URL('./fixtures/fuzz_attention.json', import.meta.url);
const fixture = JSON.parse(readFileSync(path, 'utf8')) as { torch: string; cases: AttentionCase[] };

describe(`random multi-head attention against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.cases) it(c.name, () => replayAttentionCase(c));
});
