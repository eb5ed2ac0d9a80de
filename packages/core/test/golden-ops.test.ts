/**
 * Every core op against real PyTorch: values, shapes, dtypes, grad_fn names and gradients, from the fixtures
 * that tools/golden/ops.py writes (the case format is described in tools/golden/golden.py).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { OPS, UNARY_TABLE } from './golden-ops-table.js';
import { byOp, readCases, runCase } from './helpers/golden-cases.js';

const fixture = readCases(new URL('./fixtures/ops.json', import.meta.url));

describe(`golden ops against PyTorch ${fixture.torch}`, () => {
  const groups = byOp(fixture.cases);
  for (const [op, cases] of groups) {
    describe(op, () => {
      for (const c of cases) it(c.name, () => runCase(c, OPS));
    });
  }

  it('has cases for every op of the unary table, each a torch.* function and a Tensor method', () => {
    for (const op of UNARY_TABLE) {
      expect(groups.get(op)?.length ?? 0, op).toBeGreaterThanOrEqual(3);
      expect(typeof torch[op], `torch.${op}`).toBe('function');
      expect(typeof torch.Tensor.prototype[op], `Tensor.${op}`).toBe('function');
    }
  });
});
