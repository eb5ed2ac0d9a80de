/**
 * nn.functional drawn at random against real PyTorch: activations, softmaxes, losses, normalisation, linear, conv1d,
 * 1-D pooling, padding and distances over random shapes, views, options and values, from the fixture
 * tools/golden/fuzz_nn.py writes. `KINDLING_FUZZ_FIXTURE=/path/to/cases.json` replays another draw of the script.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { type Case, runCase } from './functional-ops.js';

const path = process.env.KINDLING_FUZZ_FIXTURE ?? new URL('./fixtures/fuzz_functional.json', import.meta.url);
const fixture = JSON.parse(readFileSync(path, 'utf8')) as { torch: string; cases: Case[] };

describe(`random nn.functional calls against PyTorch ${fixture.torch}`, () => {
  const groups = new Map<string, Case[]>();
  for (const c of fixture.cases) groups.set(c.op, [...(groups.get(c.op) ?? []), c]);
  for (const [op, cases] of groups) {
    describe(op, () => {
      for (const c of cases) it(c.name, () => runCase(c));
    });
  }
});
