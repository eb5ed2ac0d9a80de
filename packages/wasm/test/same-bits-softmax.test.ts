// The WebAssembly softmax and log-softmax entries against the TypeScript kernels, bit for bit: along rows and along
// a middle dim (in blocks of columns), rows with a NaN, an infinity and signed zeros, float32 and float64, in
// place, at one thread (the TypeScript kernels) and two (the module's, rows or outer indices split).
import { it } from 'vitest';
// Core's source by path (this package does not depend on core; vitest resolves @kindling/core to the same file).
import * as torch from '../../core/src/index.js';
import {
  THREAD_COUNTS,
  awkward,
  type Ctor,
  type FloatArray,
  describeAgainstTypescript,
  expectSameBits,
  wasmBackend,
} from './wasm-against-typescript.js';

const ts = torch.typescriptBackend;

/** [outer, size, inner]: rows of several lengths, two long rows, and middle dims whose columns take one block or several. */
const SHAPES = [
  [300, 67, 1],
  [2, 5000, 1],
  [1000, 10, 1],
  [8, 64, 33],
  [3, 100, 50],
  [2, 2000, 40],
  [5, 3, 1],
];

/** Values in [-8, 8), finite but for one NaN, one -Infinity and one +Infinity, and a -0, each in a column of its own. */
function values(ctor: Ctor, n: number, seed: number): FloatArray {
  const a = awkward(ctor, n, seed).map((v) => (Number.isFinite(v) ? v * 4 : 1.5));
  [NaN, -Infinity, Infinity, -0].forEach((v, k) => {
    if (n > 1000) a[(k + 1) * 997] = v;
  });
  return a;
}

describeAgainstTypescript(() => {
  it('softmax and log-softmax forward, out of place and in place', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      for (const [outer, size, inner] of SHAPES) {
        const n = outer * size * inner;
        const x = values(ctor, n + 3, n);
        for (const log of [false, true]) {
          const want = new ctor(n);
          ts.softmax(x, 3, want, outer, size, inner, log);
          for (const t of THREAD_COUNTS) {
            b.setNumThreads(t);
            const what = `${ctor.name} [${outer}, ${size}, ${inner}] log ${log} threads ${t}`;
            const got = new ctor(n).fill(7);
            b.softmax(x, 3, got, outer, size, inner, log);
            expectSameBits(got, want, what);
            const inPlace = x.slice(3);
            b.softmax(inPlace, 0, inPlace, outer, size, inner, log);
            expectSameBits(inPlace, want, `${what} in place`);
          }
        }
      }
    }
  });

  it('softmax and log-softmax backward, out of place and into the incoming gradient', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      for (const [outer, size, inner] of SHAPES) {
        const n = outer * size * inner;
        const gy = values(ctor, n, 2 * n + 1);
        for (const log of [false, true]) {
          const y = new ctor(n);
          ts.softmax(values(ctor, n, 3 * n), 0, y, outer, size, inner, log);
          const want = new ctor(n);
          ts.softmaxBackward(y, gy, want, outer, size, inner, log);
          for (const t of THREAD_COUNTS) {
            b.setNumThreads(t);
            const what = `${ctor.name} [${outer}, ${size}, ${inner}] log ${log} threads ${t}`;
            const got = new ctor(n).fill(7);
            b.softmaxBackward(y, gy, got, outer, size, inner, log);
            expectSameBits(got, want, what);
            const intoGy = gy.slice();
            b.softmaxBackward(y, intoGy, intoGy, outer, size, inner, log);
            expectSameBits(intoGy, want, `${what} into gy`);
          }
        }
      }
    }
  });
});
