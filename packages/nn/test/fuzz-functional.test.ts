/**
 * nn.functional drawn at random against real PyTorch: activations, softmaxes, losses, normalisation, linear, conv1d,
 * 1-D pooling, padding and distances over random shapes, views, options and values, from the fixture
 * tools/golden/fuzz_nn.py writes. `KINDLING_FUZZ_FIXTURE=/path/to/cases.json` replays another draw of the script.
 */
import { describe, it } from 'vitest';
import { byOp, readCases } from '../../core/test/helpers/golden-cases.js';
import { runCase } from './functional-ops.js';

const path = process.env.KINDLING_FUZZ_FIXTURE ?? new URL('./fixtures/fuzz_functional.json', import.meta.url);
const fixture = readCases(path);

describe(`random nn.functional calls against PyTorch ${fixture.torch}`, () => {
  for (const [op, cases] of byOp(fixture.cases)) {
    describe(op, () => {
      for (const c of cases) it(c.name, () => runCase(c));
    });
  }
});
