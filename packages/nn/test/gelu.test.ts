import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { decode, type Value } from '../../core/test/helpers/golden.js';
import { expectAtenValues } from './helpers/aten-values.js';

/**
 * PyTorch 1.13's gelu and its input gradient on each of its CPU paths (tools/golden/gelu.py): oneDNN's kernel for
 * contiguous float32 tensors, ATen's formula for one element, a transposed matrix and float64.
 */
interface Case {
  x: Value[];
  dy: Value[];
  y: Value[];
  grad: Value[];
  shape?: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/gelu.json', import.meta.url), 'utf8')) as Record<
  string,
  Case
>;
const numbers = (values: Value[]): number[] => values.map(decode);

type FloatDType = 'float32' | 'float64';

/** gelu(x) and the gradient of gelu(x) · dy, for x made by `make` from the case's values. */
function run(
  c: Case,
  dtype: FloatDType,
  make: (x: torch.Tensor) => torch.Tensor = (x) => x,
  approximate: 'none' | 'tanh' = 'none',
) {
  const x = make(torch.tensor(numbers(c.x), { dtype }))
    .detach()
    .requiresGrad_();
  const y = nn.functional.gelu(x, { approximate });
  y.backward(torch.tensor(numbers(c.dy), { dtype }).reshape(y.shape));
  return { y: Array.from(y.toArray()), grad: Array.from((x.grad as torch.Tensor).toArray()) };
}

function expectSameBits(got: number[], expected: number[], what: string): void {
  const bad = got.findIndex((v, i) => !Object.is(v, expected[i]) && !(Number.isNaN(v) && Number.isNaN(expected[i])));
  expect(bad, `${what}: ${got[bad]} against PyTorch's ${expected[bad]} at ${bad}`).toBe(-1);
}

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));

describe("gelu against PyTorch's CPU kernels", () => {
  for (const backend of torch.availableKernelBackends()) {
    it(`contiguous float32: oneDNN's values and gradients bit for bit, special values included (${backend})`, () => {
      torch.setKernelBackend(backend);
      const c = fixture.contiguous_float32;
      const { y, grad } = run(c, 'float32');
      expectSameBits(y, numbers(c.y), 'gelu');
      expectSameBits(grad, numbers(c.grad), 'gradient');
      // gelu(-5) keeps few digits there: 1 + erf cancels, and oneDNN's erf is good to about 1e-7.
      const at = numbers(c.x).indexOf(-5);
      expect(y[at]).toBe(Math.fround(-1.4901161193847656e-6));
      // Small tensors too (the kernels take the large ones): each value depends on its own input alone.
      const small = { x: c.x.slice(0, 7), dy: c.dy.slice(0, 7), y: c.y.slice(0, 7), grad: c.grad.slice(0, 7) };
      const few = run(small, 'float32');
      expectSameBits(few.y, numbers(small.y), 'gelu of 7 values');
      expectSameBits(few.grad, numbers(small.grad), 'gradient of 7 values');
    });

    it(`ATen's formula on one element, a transposed matrix and float64 (${backend})`, () => {
      torch.setKernelBackend(backend);
      for (const dtype of ['float32', 'float64'] as const) {
        const single = fixture[`single_${dtype}`];
        const xs = numbers(single.x);
        const ys: number[] = [];
        const grads: number[] = [];
        xs.forEach((_, i) => {
          const one = { x: [single.x[i]], dy: [single.dy[i]], y: [], grad: [] };
          const r = run(one, dtype);
          ys.push(r.y[0]);
          grads.push(r.grad[0]);
        });
        expectAtenValues(ys, numbers(single.y), xs, dtype, `one-element gelu, ${dtype}`);
        expectAtenValues(grads, numbers(single.grad), xs, dtype, `one-element gradient, ${dtype}`);

        const t = fixture[`transposed_${dtype}`];
        const [rows, cols] = t.shape as number[];
        // The case stores the transposed matrix in its logical order: make it as PyTorch's, a transposed view.
        const r = run(t, dtype, (x) => x.reshape([rows, cols]).t().contiguous().t());
        const tx = numbers(t.x);
        expectAtenValues(r.y, numbers(t.y), tx, dtype, `transposed gelu, ${dtype}`);
        expectAtenValues(r.grad, numbers(t.grad), tx, dtype, `transposed gradient, ${dtype}`);
      }
      const c = fixture.contiguous_float64;
      const r = run(c, 'float64');
      const cx = numbers(c.x);
      expectAtenValues(r.y, numbers(c.y), cx, 'float64', 'contiguous float64 gelu');
      expectAtenValues(r.grad, numbers(c.grad), cx, 'float64', 'contiguous float64 gradient');
    });

    it(`the tanh approximation: ATen's formula, contiguous and one element at a time (${backend})`, () => {
      torch.setKernelBackend(backend);
      for (const dtype of ['float32', 'float64'] as const) {
        const c = fixture[`tanh_contiguous_${dtype}`];
        const r = run(c, dtype, undefined, 'tanh');
        const cx = numbers(c.x);
        expectAtenValues(r.y, numbers(c.y), cx, dtype, `tanh gelu, ${dtype}`);
        expectAtenValues(r.grad, numbers(c.grad), cx, dtype, `tanh gelu's gradient, ${dtype}`);
        const single = fixture[`tanh_single_${dtype}`];
        const xs = numbers(single.x);
        const each = xs.map((_, i) =>
          run({ x: [single.x[i]], dy: [single.dy[i]], y: [], grad: [] }, dtype, undefined, 'tanh'),
        );
        expectAtenValues(
          each.map((e) => e.y[0]),
          numbers(single.y),
          xs,
          dtype,
          `one-element tanh gelu, ${dtype}`,
        );
        expectAtenValues(
          each.map((e) => e.grad[0]),
          numbers(single.grad),
          xs,
          dtype,
          `one-element tanh gelu's gradient, ${dtype}`,
        );
      }
    });
  }
});
