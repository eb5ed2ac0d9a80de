import { readFileSync } from 'node:fs';
import { afterAll, describe, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { decode, type Value } from '../../core/test/helpers/golden.js';
import { expectAtenValues } from './helpers/aten-values.js';

/**
 * PyTorch 1.13's softmax and log_softmax over a contiguous last dim and along a middle dim, and their input
 * gradients (tools/golden/softmax_rows.py): its kernels' steps in the type's arithmetic, the row kernel's sums over
 * its vector lanes.
 */
interface Case {
  dtype: 'float32' | 'float64';
  shape: number[];
  x: Value[];
  dy: Value[];
  softmax: { y: Value[]; grad: Value[] };
  log_softmax: { y: Value[]; grad: Value[] };
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/softmax_rows.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));

describe('softmax over rows and along a middle dim against PyTorch', () => {
  for (const backend of torch.availableKernelBackends()) {
    it(`softmax and log_softmax, values and gradients, rows of 1 to 500 and [2, 37, 12] along dim 1 (${backend})`, () => {
      torch.setKernelBackend(backend);
      for (const op of ['softmax', 'log_softmax'] as const) {
        for (const dtype of ['float32', 'float64'] as const) {
          const got = { y: [] as number[], grad: [] as number[] };
          const expected = { y: [] as number[], grad: [] as number[] };
          const xs: number[] = [];
          for (const c of fixture.cases.filter((k) => k.dtype === dtype)) {
            const x = torch.tensor(c.x.map(decode), { dtype }).reshape(c.shape).requiresGrad_();
            const y = op === 'softmax' ? nn.functional.softmax(x, { dim: 1 }) : nn.functional.logSoftmax(x, { dim: 1 });
            y.backward(torch.tensor(c.dy.map(decode), { dtype }).reshape(c.shape));
            got.y.push(...y.toArray());
            got.grad.push(...(x.grad as torch.Tensor).toArray());
            expected.y.push(...c[op].y.map(decode));
            expected.grad.push(...c[op].grad.map(decode));
            xs.push(...c.x.map(decode));
          }
          // The rest differ where ATen's exp (SLEEF's) is an ulp from ours and moves a row's sum.
          expectAtenValues(got.y, expected.y, xs, dtype, `${op} ${dtype}`, 0.8);
          expectAtenValues(got.grad, expected.grad, xs, dtype, `${op}'s gradient ${dtype}`, 0.8);
        }
      }
    });
  }
});
