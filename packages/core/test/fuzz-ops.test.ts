/**
 * Ops drawn at random against real PyTorch: random shapes (empty, scalar, broadcast), views (transposed, strided,
 * expanded), dtypes and values (NaN, infinities, signed zeros, ties), from the fixture tools/golden/fuzz_ops.py
 * writes. `KINDLING_FUZZ_FIXTURE=/path/to/cases.json` replays another draw of the same script instead.
 */
import { describe, it } from 'vitest';
import { OPS } from './golden-ops-table.js';
import { byOp, readCases, runCase } from './helpers/golden-cases.js';

const path = process.env.KINDLING_FUZZ_FIXTURE ?? new URL('./fixtures/fuzz_ops.json', import.meta.url);
const fixture = readCases(path);

describe(`random ops against PyTorch ${fixture.torch}`, () => {
  for (const [op, cases] of byOp(fixture.cases)) {
    describe(op, () => {
      for (const c of cases) it(c.name, () => runCase(c, OPS));
    });
  }
});
