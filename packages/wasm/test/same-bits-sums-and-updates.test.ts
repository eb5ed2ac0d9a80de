// The WebAssembly sums and optimizer updates against the TypeScript kernels, bit for bit: sums along a dim, the SGD
// and Adam updates over their options, awkward values (NaN/Inf, signed zeros), float32 and float64, one and two
// threads.
import { it } from 'vitest';
// Core's source by path (this package does not depend on core; vitest resolves @kindling/core to the same file).
import * as torch from '../../core/src/index.js';
import {
  THREAD_COUNTS,
  awkward,
  describeAgainstTypescript,
  expectSameArrays,
  expectSameBits,
  wasmBackend,
} from './wasm-against-typescript.js';

const ts = torch.typescriptBackend;

/** The arguments of kernel `K` between its first `Before` and its last `After`. */
type ArgumentsBetween<K extends keyof torch.KernelBackend, Before extends unknown[], After extends unknown[]> =
  Parameters<Extract<torch.KernelBackend[K], (...args: never[]) => unknown>> extends [
    ...Before,
    ...infer Middle,
    ...After,
  ]
    ? Middle
    : never;

/** sgdUpdate's learning rate and options, after param, grad, buf and n. */
type SgdOptions = ArgumentsBetween<'sgdUpdate', [unknown, unknown, unknown, unknown], []>;

/** adamUpdate's learning rate and options, after param, the three moment arrays and n, before the step. */
type AdamOptions = ArgumentsBetween<'adamUpdate', [unknown, unknown, unknown, unknown, unknown, unknown], [number]>;

describeAgainstTypescript(() => {
  it('sums along a dim and the SGD update (momentum, dampening, Nesterov, weight decay, maximize, first step)', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      for (const [outer, size, inner] of [
        [1, 1, 1],
        [3, 0, 5],
        [7, 4099, 1],
        [13, 311, 3],
        [2, 64, 1031],
        [5000, 1, 2],
        [1030, 5, 1],
        [2050, 784, 1],
      ]) {
        const n = outer * size * inner;
        // Finite values along the last dim's long rows (one special value makes a whole row's sum NaN or infinite).
        const a = awkward(ctor, n + 3, outer + size + inner).map((v) =>
          inner === 1 && size > 100 && !Number.isFinite(v) ? 0.25 : v,
        );
        for (const t of THREAD_COUNTS) {
          b.setNumThreads(t);
          const got = new ctor(outer * inner + 1).fill(7);
          const want = new ctor(outer * inner + 1).fill(7);
          b.sumDim(a, 2, outer, size, inner, got, 1);
          ts.sumDim(a, 2, outer, size, inner, want, 1);
          expectSameBits(got, want, `${ctor.name} sumDim [${outer}, ${size}, ${inner}]`);
        }
      }
      const options: SgdOptions[] = [
        [0.1, 0, 0, 0, false, false, false],
        [0.01, 0.9, 0, 0, false, false, true],
        [0.01, 0.9, 0, 0, false, false, false],
        [0.05, 0.9, 0.1, 1e-4, true, false, false],
        [0.3, 0.5, 0.5, 0.01, false, true, false],
        [1 / 3, 0, 0, 0.02, false, true, false],
      ];
      for (const n of [1, 4099, 10007]) {
        options.forEach((hyper, k) => {
          const momentum = hyper[1];
          const run = (backend: torch.KernelBackend, threads: number) => {
            backend.setNumThreads(threads);
            const param = awkward(ctor, n, 200 + k);
            const buf = awkward(ctor, n, 300 + k);
            backend.sgdUpdate(param, awkward(ctor, n, 400 + k), momentum === 0 ? null : buf, n, ...hyper);
            return [param, buf];
          };
          const want = run(ts, 1);
          for (const t of THREAD_COUNTS)
            expectSameArrays(run(b, t), want, `${ctor.name} sgd [param, buf] n ${n} options ${k}`);
        });
      }
    }
  });

  it('the Adam update: Adam and AdamW, weight decay, amsgrad (NaN included), maximize, several steps', () => {
    const b = wasmBackend();
    const options: AdamOptions[] = [
      [1e-3, 0.9, 0.999, 1e-8, 0, false, false, false],
      [1e-2, 0.8, 0.99, 1e-6, 0.01, true, false, false],
      [3e-3, 0.9, 0.999, 1e-8, 0.1, false, true, false],
      [1e-3, 0.5, 0.9, 1e-3, 0, false, true, true],
    ];
    for (const ctor of [Float32Array, Float64Array]) {
      for (const n of [3, 4099, 10007]) {
        options.forEach((hyper, k) => {
          const amsgrad = hyper[6];
          const run = (backend: torch.KernelBackend, threads: number) => {
            backend.setNumThreads(threads);
            const state = [awkward(ctor, n, 500 + k), new ctor(n), new ctor(n), new ctor(n)];
            for (let step = 1; step <= 3; step++) {
              const grad = awkward(ctor, n, 600 + 10 * k + step);
              backend.adamUpdate(state[0], grad, state[1], state[2], amsgrad ? state[3] : null, n, ...hyper, step);
            }
            return state;
          };
          const want = run(ts, 1);
          for (const t of THREAD_COUNTS) expectSameArrays(run(b, t), want, `${ctor.name} adam n ${n} options ${k}`);
        });
      }
    }
  });
});
