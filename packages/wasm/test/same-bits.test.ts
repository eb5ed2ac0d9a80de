// The WebAssembly entries against the TypeScript kernels, bit for bit where those are bit-identical (elementwise,
// pooling, batch norm, sums, the optimizer updates) and at every thread count (the convolutions, whose GEMM sums
// in float32): awkward sizes (0, 1, primes, around the 4,096 elements where an entry leaves TypeScript), offsets,
// NaN/Inf and signed zeros, float32 and float64, one and two threads.
import { afterAll, describe, expect, it } from 'vitest';
// Core's source by path (this package does not depend on core; vitest resolves @kindling/core to the same file).
import * as torch from '../../core/src/index.js';
import { binaryLayout } from '../../core/src/kernels/contiguous.js';
import { poolOutputSize } from '../../core/src/kernels/pool.js';
import { rng } from '../../core/test/helpers/rng.js';

const initial = torch.getKernelBackend();
afterAll(() => void torch.setKernelBackend(initial));
const available = torch.availableKernelBackends().includes('wasm');

function wasmBackend(): torch.KernelBackend {
  const previous = torch.setKernelBackend('wasm');
  const backend = torch.getKernelBackend();
  torch.setKernelBackend(previous);
  return backend;
}

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Random values in [-2, 2) with NaN, ±Infinity, ±0 and ties sprinkled in. */
function awkward(ctor: Ctor, n: number, seed: number): Float32Array | Float64Array {
  const next = rng(seed);
  const a = new ctor(n);
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-39, 3e38];
  for (let i = 0; i < n; i++)
    a[i] =
      next() < 0.02
        ? specials[Math.floor(next() * specials.length)]
        : next() < 0.05 && i > 0
          ? a[i - 1]
          : next() * 4 - 2;
  return a;
}

/**
 * Same values bit for bit, the sign of zero included; a NaN matches any NaN (JavaScript engines do not keep a
 * NaN's sign or payload through arithmetic, so neither kernel can promise them).
 */
function expectSameBits(got: Float32Array | Float64Array, want: Float32Array | Float64Array, label: string): void {
  expect(got.constructor, label).toBe(want.constructor);
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) expect(`${label} [${i}]: ${got[i]}`).toBe(`${label} [${i}]: ${want[i]}`);
  }
}

// Sizes around the point where an entry leaves TypeScript (4,096 elements), primes, 0 and 1.
const SIZES = [0, 1, 7, 4093, 4096, 4099, 9973, 65537];

/** A binary layout as test cases write it: the shape, then a's and b's strides. */
type BinaryCase = [number[], number[], number[]];

/**
 * Runs `binary` on `b` and on the TypeScript kernels over one layout, with awkward inputs (offsets 2 and 3, out
 * at 1), for each [op, alpha] pair; then, with `inPlace`, a mul into a itself. The bits must agree.
 */
function expectBinaryLayout(
  b: torch.KernelBackend,
  ctor: Ctor,
  [shape, sa, sb]: BinaryCase,
  seed: number,
  opsAndAlphas: [number, number][],
  inPlace: boolean,
  label: string,
): void {
  const ts = torch.typescriptBackend;
  const layout = binaryLayout(shape, sa, sb) ?? new Float64Array(0);
  const n = shape.reduce((x, y) => x * y, 1);
  const extent = (st: number[]) => (n === 0 ? 0 : shape.reduce((e, s, d) => e + (s - 1) * st[d], 1));
  const a = awkward(ctor, extent(sa) + 2, seed);
  const bb = awkward(ctor, extent(sb) + 3, seed + 10);
  for (const [op, alpha] of opsAndAlphas) {
    const got = new ctor(n + 1).fill(7);
    const want = new ctor(n + 1).fill(7);
    b.binary(op, a, 2, bb, 3, got, 1, layout, alpha);
    ts.binary(op, a, 2, bb, 3, want, 1, layout, alpha);
    expectSameBits(got, want, `${ctor.name} op ${op} alpha ${alpha} ${label}`);
  }
  if (inPlace) {
    const mine = a.slice();
    const want = a.slice();
    b.binary(2, mine, 2, bb, 3, mine, 2, layout, 1);
    ts.binary(2, want, 2, bb, 3, want, 2, layout, 1);
    expectSameBits(mine, want, `${ctor.name} in place ${label}`);
  }
}

describe.skipIf(!available)("the WebAssembly entries give the TypeScript kernels' bits", () => {
  const ts = torch.typescriptBackend;
  const threadCounts = [1, 2];

  it('unary: relu, neg, abs, sqrt, rsqrt, square (and the rest, which run the TypeScript loops)', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      for (const n of SIZES) {
        for (let op = 0; op <= 13; op++) {
          const off = n % 3;
          const x = awkward(ctor, n + off + 1, n + op);
          const got = new ctor(n + 2).fill(7);
          const want = new ctor(n + 2).fill(7);
          b.unary(op, x, off, got, 1, n);
          ts.unary(op, x, off, want, 1, n);
          expectSameBits(got, want, `${ctor.name} op ${op} n ${n}`);
        }
      }
    }
  });

  it('binary: contiguous, broadcast and strided layouts, alpha, in place', () => {
    const b = wasmBackend();
    // [shape, aStrides, bStrides] before merging: contiguous, a row broadcast, a column broadcast, a transpose, a scalar
    const layouts: BinaryCase[] = [
      [[4099], [1], [1]],
      [
        [97, 61],
        [61, 1],
        [0, 1],
      ],
      [
        [61, 97],
        [97, 1],
        [1, 0],
      ],
      [
        [67, 71],
        [1, 67],
        [71, 1],
      ],
      [
        [5, 7, 11, 13],
        [1001, 143, 13, 1],
        [0, 13, 0, 1],
      ],
      [[4096], [0], [1]],
      [
        [3, 0, 5],
        [0, 5, 1],
        [0, 5, 1],
      ],
    ];
    for (const ctor of [Float32Array, Float64Array]) {
      layouts.forEach((layout, k) => {
        const opsAndAlphas: [number, number][] = [
          [0, 1],
          [0, -0.3],
          [0, 1 / 3],
        ];
        for (let op = 1; op <= 6; op++) opsAndAlphas.push([op, 1]);
        for (const t of threadCounts) {
          b.setNumThreads(t);
          expectBinaryLayout(b, ctor, layout, 40 + k, opsAndAlphas, k === 0 || k === 4, `layout ${k}, ${t} threads`);
        }
      });
    }
  });

  it('unary and binary split large calls between the threads with the same bits (slabs of the outermost dim)', () => {
    const b = wasmBackend();
    // Large enough to be split on two threads (about 64K elements a thread), primes so that no slab is even.
    const layouts: BinaryCase[] = [
      [[200003], [1], [1]],
      [
        [521, 389],
        [389, 1],
        [0, 1],
      ],
      [
        [389, 521],
        [1, 389],
        [521, 1],
      ],
      [
        [7, 11, 13, 211],
        [30173, 2743, 211, 1],
        [0, 211, 0, 1],
      ],
      [[200003], [0], [1]],
    ];
    for (const ctor of [Float32Array, Float64Array]) {
      for (const t of threadCounts) {
        b.setNumThreads(t);
        for (const op of [0, 1, 2, 5, 10, 11]) {
          const n = 200003;
          const x = awkward(ctor, n + 2, 60 + op);
          const got = new ctor(n + 2).fill(7);
          const want = new ctor(n + 2).fill(7);
          b.unary(op, x, 1, got, 1, n);
          ts.unary(op, x, 1, want, 1, n);
          expectSameBits(got, want, `${ctor.name} unary op ${op}, ${t} threads`);
          const inPlace = x.slice();
          const wantInPlace = x.slice();
          b.unary(op, inPlace, 1, inPlace, 1, n);
          ts.unary(op, wantInPlace, 1, wantInPlace, 1, n);
          expectSameBits(inPlace, wantInPlace, `${ctor.name} unary op ${op} in place, ${t} threads`);
        }
        layouts.forEach((layout, k) => {
          const opsAndAlphas: [number, number][] = [0, 1, 2, 3, 4].map((op) => [op, op === 0 ? -0.3 : 1]);
          expectBinaryLayout(b, ctor, layout, 70 + k, opsAndAlphas, k === 0 || k === 3, `layout ${k}, ${t} threads`);
        });
      }
    }
  });

  it('max pooling forward, with and without indices, NaN, ties and signed zeros included', () => {
    const b = wasmBackend();
    const cases = [
      [1, 1, 1, 1, 1, 0, 1, false],
      [64, 28, 28, 2, 2, 0, 1, false],
      [64, 112, 112, 3, 2, 1, 1, false],
      [7, 13, 29, 3, 1, 1, 1, false],
      [5, 31, 23, 3, 2, 1, 2, true],
      [3, 9, 40, 2, 1, 0, 1, true],
      [11, 17, 64, 5, 2, 2, 1, false],
      [0, 8, 8, 2, 2, 0, 1, false],
    ] as const;
    for (const ctor of [Float32Array, Float64Array]) {
      cases.forEach(([planes, H, W, k, s, p, d, ceil], i) => {
        const g = {
          planes,
          H,
          W,
          kh: k,
          kw: k,
          sh: s,
          sw: s,
          ph: p,
          pw: p,
          dh: d,
          dw: d,
          OH: poolOutputSize(H, k, p, s, d, ceil),
          OW: poolOutputSize(W, k, p, s, d, ceil),
        };
        const x = awkward(ctor, planes * H * W, 70 + i);
        const n = planes * g.OH * g.OW;
        for (const t of threadCounts) {
          b.setNumThreads(t);
          const got = new ctor(n).fill(7);
          const want = new ctor(n).fill(7);
          const idx = new Float64Array(n).fill(-1);
          const idxWant = new Float64Array(n).fill(-1);
          b.maxPool2dForward(x, g, got, idx);
          ts.maxPool2dForward(x, g, want, idxWant);
          expectSameBits(got, want, `${ctor.name} ${JSON.stringify(g)}`);
          expectSameBits(idx, idxWant, `indices ${ctor.name} ${JSON.stringify(g)}`);
          got.fill(7);
          b.maxPool2dForward(x, g, got, null);
          expectSameBits(got, want, `${ctor.name} without indices ${JSON.stringify(g)}`);
        }
      });
    }
  });

  it('batch norm forward, training (running statistics updated) and evaluation, with and without affine', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      for (const [N, C, HW] of [
        [1, 1, 1],
        [2, 3, 0],
        [16, 13, 67],
        [1, 64, 4099],
        [5, 1, 5000],
        [3, 7, 1],
      ]) {
        for (const training of [true, false]) {
          for (const affine of [true, false]) {
            const size = N * C * HW;
            const x = awkward(ctor, size, N + C + HW);
            if (size > 100) x[size - 3] = NaN; // one channel's statistics become NaN
            const stats = () =>
              [awkward(ctor, C, 5).map(Math.abs), awkward(ctor, C, 6).map((v) => Math.abs(v) + 0.5)] as const;
            const [w, bias] = affine ? [awkward(ctor, C, 7), awkward(ctor, C, 8)] : [null, null];
            const runs = threadCounts.map((t) => {
              b.setNumThreads(t);
              const [rm, rv] = stats();
              const out = new ctor(size).fill(7);
              const mean = new ctor(C);
              const invstd = new ctor(C);
              b.batchNormForward(x, N, C, HW, w, bias, rm, rv, training, 0.1, 1e-5, out, mean, invstd);
              return [out, mean, invstd, rm, rv];
            });
            const [rm, rv] = stats();
            const want = [new ctor(size).fill(7), new ctor(C), new ctor(C), rm, rv];
            ts.batchNormForward(x, N, C, HW, w, bias, rm, rv, training, 0.1, 1e-5, want[0], want[1], want[2]);
            for (const got of runs)
              got.forEach((a, i) =>
                expectSameBits(
                  a,
                  want[i],
                  `${ctor.name} [${N}, ${C}, ${HW}] training ${training} affine ${affine} array ${i}`,
                ),
              );
          }
        }
      }
    }
  });

  it('batch norm backward, training and evaluation, with and without weight and parameter gradients', () => {
    const b = wasmBackend();
    for (const ctor of [Float32Array, Float64Array]) {
      for (const [N, C, HW] of [
        [1, 1, 1],
        [2, 3, 0],
        [16, 13, 67],
        [1, 64, 4099],
        [5, 1, 5000],
        [64, 16, 6],
        [3, 7, 1],
      ]) {
        const size = N * C * HW;
        const x = awkward(ctor, size, 700 + N + C + HW);
        const gy = awkward(ctor, size, 800 + N + C + HW);
        if (size > 100) gy[7] = -0;
        const mean = awkward(ctor, C, 9);
        const invstd = awkward(ctor, C, 10).map((v) => Math.abs(v) + 0.25);
        for (const training of [true, false]) {
          for (const affine of [true, false]) {
            const w = affine ? awkward(ctor, C, 11) : null;
            const run = (backend: torch.KernelBackend) => {
              const out = [new ctor(size).fill(7), new ctor(C).fill(7), new ctor(C).fill(7)];
              backend.batchNormBackward(
                gy,
                x,
                N,
                C,
                HW,
                w,
                mean,
                invstd,
                training,
                out[0],
                affine ? out[1] : null,
                affine ? out[2] : null,
              );
              return out;
            };
            const want = run(ts);
            for (const t of threadCounts) {
              b.setNumThreads(t);
              run(b).forEach((a, i) =>
                expectSameBits(
                  a,
                  want[i],
                  `${ctor.name} [${N}, ${C}, ${HW}] training ${training} affine ${affine} array ${i}`,
                ),
              );
            }
          }
        }
      }
    }
  });

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
      ]) {
        const n = outer * size * inner;
        const a = awkward(ctor, n + 3, outer + size + inner);
        for (const t of threadCounts) {
          b.setNumThreads(t);
          const got = new ctor(outer * inner + 1).fill(7);
          const want = new ctor(outer * inner + 1).fill(7);
          b.sumDim(a, 2, outer, size, inner, got, 1);
          ts.sumDim(a, 2, outer, size, inner, want, 1);
          expectSameBits(got, want, `${ctor.name} sumDim [${outer}, ${size}, ${inner}]`);
        }
      }
      const options = [
        [0.1, 0, 0, 0, false, false, false],
        [0.01, 0.9, 0, 0, false, false, true],
        [0.01, 0.9, 0, 0, false, false, false],
        [0.05, 0.9, 0.1, 1e-4, true, false, false],
        [0.3, 0.5, 0.5, 0.01, false, true, false],
        [1 / 3, 0, 0, 0.02, false, true, false],
      ] as const;
      for (const n of [1, 4099, 10007]) {
        options.forEach(([lr, momentum, dampening, weightDecay, nesterov, maximize, first], k) => {
          const states = threadCounts.map((t) => {
            b.setNumThreads(t);
            const param = awkward(ctor, n, 200 + k);
            const buf = awkward(ctor, n, 300 + k);
            b.sgdUpdate(
              param,
              awkward(ctor, n, 400 + k),
              momentum === 0 ? null : buf,
              n,
              lr,
              momentum,
              dampening,
              weightDecay,
              nesterov,
              maximize,
              first,
            );
            return [param, buf];
          });
          const param = awkward(ctor, n, 200 + k);
          const buf = awkward(ctor, n, 300 + k);
          ts.sgdUpdate(
            param,
            awkward(ctor, n, 400 + k),
            momentum === 0 ? null : buf,
            n,
            lr,
            momentum,
            dampening,
            weightDecay,
            nesterov,
            maximize,
            first,
          );
          for (const [p, bb] of states) {
            expectSameBits(p, param, `${ctor.name} sgd param n ${n} options ${k}`);
            expectSameBits(bb, buf, `${ctor.name} sgd buf n ${n} options ${k}`);
          }
        });
      }
    }
  });

  it('the Adam update: Adam and AdamW, weight decay, amsgrad (NaN included), maximize, several steps', () => {
    const b = wasmBackend();
    const options = [
      [1e-3, 0.9, 0.999, 1e-8, 0, false, false, false],
      [1e-2, 0.8, 0.99, 1e-6, 0.01, true, false, false],
      [3e-3, 0.9, 0.999, 1e-8, 0.1, false, true, false],
      [1e-3, 0.5, 0.9, 1e-3, 0, false, true, true],
    ] as const;
    for (const ctor of [Float32Array, Float64Array]) {
      for (const n of [3, 4099, 10007]) {
        options.forEach(([lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize], k) => {
          const run = (backend: torch.KernelBackend, threads: number) => {
            backend.setNumThreads(threads);
            const state = [awkward(ctor, n, 500 + k), new ctor(n), new ctor(n), new ctor(n)];
            for (let step = 1; step <= 3; step++) {
              const grad = awkward(ctor, n, 600 + 10 * k + step);
              backend.adamUpdate(
                state[0],
                grad,
                state[1],
                state[2],
                amsgrad ? state[3] : null,
                n,
                lr,
                beta1,
                beta2,
                eps,
                weightDecay,
                decoupled,
                amsgrad,
                maximize,
                step,
              );
            }
            return state;
          };
          const want = run(ts, 1);
          for (const t of threadCounts)
            run(b, t).forEach((a, i) => expectSameBits(a, want[i], `${ctor.name} adam n ${n} options ${k} array ${i}`));
        });
      }
    }
  });

  it('convolutions give the same bits at one and two threads (batch split, one image split by rows or by output channels, weight-gradient split)', () => {
    const b = wasmBackend();
    const cases = [
      { N: 1, C: 8, H: 31, W: 29, O: 16, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1 },
      { N: 1, C: 3, H: 45, W: 45, O: 16, kh: 7, kw: 7, sh: 2, sw: 2, ph: 3, pw: 3, dh: 1, dw: 1, groups: 1 },
      { N: 1, C: 32, H: 17, W: 17, O: 24, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, groups: 1 },
      { N: 1, C: 32, H: 9, W: 7, O: 30, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1 }, // split by output channels
      { N: 1, C: 64, H: 8, W: 8, O: 18, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, groups: 1 },
      { N: 3, C: 1, H: 28, W: 28, O: 32, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1 },
      { N: 2, C: 12, H: 15, W: 14, O: 12, kh: 3, kw: 3, sh: 2, sw: 1, ph: 2, pw: 1, dh: 2, dw: 1, groups: 3 },
    ].map((g) => ({
      ...g,
      OH: Math.floor((g.H + 2 * g.ph - g.dh * (g.kh - 1) - 1) / g.sh) + 1,
      OW: Math.floor((g.W + 2 * g.pw - g.dw * (g.kw - 1) - 1) / g.sw) + 1,
    }));
    for (const ctor of [Float32Array, Float64Array]) {
      cases.forEach((g, i) => {
        // Finite and small: the bound below scales with the number of terms, not with their size.
        const tame = (a: Float32Array | Float64Array) => a.map((v) => (Math.abs(v) <= 2 ? v : 0.5));
        const x = tame(awkward(ctor, g.N * g.C * g.H * g.W, 90 + i));
        const w = tame(awkward(ctor, (g.O * g.C * g.kh * g.kw) / g.groups, 91 + i));
        const bias = tame(awkward(ctor, g.O, 92 + i));
        const gy = tame(awkward(ctor, g.N * g.O * g.OH * g.OW, 93 + i));
        const runs = threadCounts.map((t) => {
          b.setNumThreads(t);
          const out = new ctor(gy.length).fill(NaN);
          const gx = new ctor(x.length).fill(NaN);
          const gw = new ctor(w.length).fill(NaN);
          b.conv2dForward(x, w, bias, g, out);
          b.conv2dBackwardInput(gy, w, g, gx);
          b.conv2dBackwardWeight(x, gy, g, gw);
          return [out, gx, gw];
        });
        const want = [new ctor(gy.length), new ctor(x.length), new ctor(w.length)];
        ts.conv2dForward(x, w, bias, g, want[0]);
        ts.conv2dBackwardInput(gy, w, g, want[1]);
        ts.conv2dBackwardWeight(x, gy, g, want[2]);
        const K = (g.C / g.groups) * g.kh * g.kw;
        const bounds = [K, g.O * g.kh * g.kw, g.N * g.OH * g.OW].map(
          (terms) => (ctor === Float32Array ? 1e-6 : 1e-14) * terms * 8,
        );
        runs[0].forEach((a, k) => {
          expectSameBits(runs[1][k], a, `${ctor.name} case ${i} result ${k}: 2 threads vs 1`);
          for (let j = 0; j < a.length; j++)
            expect(Math.abs(a[j] - want[k][j]), `${ctor.name} case ${i} result ${k} [${j}]`).toBeLessThan(bounds[k]);
        });
      });
    }
  });
});
