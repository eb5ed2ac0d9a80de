// The native GEMM entry against a float64 triple loop over shapes that straddle every tile and cache block of every
// kernel family (register tiles 14x32 / 14x16 with AVX-512, 6x16 / 6x8 with AVX2, 6x8 / 6x4 portable; K blocks of
// 256; row and column blocks of hundreds), the skinny shortcuts (few rows, few columns, dot products) and the
// shapes of training, in all four transpose combinations with offsets and padded leading dimensions, alpha and
// beta in {0, 1, -0.5, 2}: each close to the reference, and the same bits for 1 and 2 threads.
//
// The addon is @kindling/native's build (../index.cjs), or the file named by KINDLING_NATIVE_ADDON.
import { describe, expect, it } from 'vitest';
import { rng } from '../../core/test/helpers/rng.js';
import { FLOAT_TYPES, atThreadCounts, describeAddon } from './built-addon.js';
import {
  type Case,
  type Shape,
  SCALARS,
  SUITE,
  TRANS,
  check,
  checkEach,
  describeCase,
  gemmCase,
  native,
  run,
  runOnThreads,
  sameBits,
} from './gemm-cases.js';

describeAddon(native, SUITE, (addon) => {
  it('names its kernel family', () => {
    expect(['avx512', 'avx2', 'portable']).toContain(addon.isa());
  });

  describe.each(FLOAT_TYPES)('%s', (name, ctor) => {
    it('multiplies a small product exactly', () => {
      const C = new ctor(4);
      addon.gemm(
        false,
        false,
        2,
        2,
        3,
        1,
        new ctor([1, 2, 3, 4, 5, 6]),
        0,
        3,
        new ctor([1, 0, 0, 1, 1, 1]),
        0,
        2,
        0,
        C,
        0,
        2,
      );
      expect(Array.from(C)).toEqual([4, 5, 10, 11]);
    });

    it('covers tile, block and skinny-path boundaries in every transpose combination', () => {
      // Sizes around the register tiles (4, 6, 8, 14, 16, 32) and small primes, for M, N and K alike.
      const small = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 28, 29, 31, 32, 33, 47];
      const r = rng(7);
      const pick = (xs: number[]): number => xs[Math.floor(r() * xs.length)];
      const cases = TRANS.flatMap(([transA, transB]) =>
        Array.from({ length: 40 }, () =>
          gemmCase([transA, transB, pick(small), pick(small), pick([...small, 64, 100])], {
            alpha: pick(SCALARS),
            beta: pick(SCALARS),
            aOff: pick([0, 1, 5]),
            bOff: pick([0, 3]),
            cOff: pick([0, 2]),
            padA: pick([0, 0, 1, 7]),
            padB: pick([0, 0, 2]),
            padC: pick([0, 0, 3]),
          }),
        ),
      );
      checkEach(addon, name, ctor, cases, 100);
    });

    it('covers the K blocks and the row and column blocks', () => {
      // K straddles the 256-deep blocks (and their balancing: 257 = 2 x 129); M and N straddle the row and column
      // blocks of each family (504/516/512 rows, 256/512 columns) and the cut between two threads.
      const shapes: [number, number, number][] = [
        [20, 40, 255],
        [20, 40, 256],
        [20, 40, 257],
        [15, 33, 513],
        [17, 65, 600],
        [600, 33, 9],
        [1030, 20, 5],
        [30, 530, 7],
        [17, 1030, 3],
        [130, 140, 150],
        [97, 301, 61],
      ];
      const cases = shapes.flatMap(([M, N, K]) =>
        TRANS.map(([transA, transB]) =>
          gemmCase([transA, transB, M, N, K], { alpha: -0.5, beta: 2, aOff: 1, padA: 3, padB: 1, padC: 2 }),
        ),
      );
      checkEach(addon, name, ctor, cases, 500);
    });

    it('runs the skinny shapes of training: batch-1 rows, matrix-vector, outer products, tiny K', () => {
      const shapes: Shape[] = [
        [false, false, 1, 256, 784], // batch-1 forward, weights as (in, out)
        [false, true, 1, 256, 784], // batch-1 forward, weights as (out, in)
        [true, false, 1, 300, 70],
        [true, true, 3, 100, 90],
        [false, false, 8, 200, 50],
        [false, true, 8, 200, 50],
        [false, false, 300, 1, 200], // matrix-vector
        [false, true, 300, 1, 200],
        [true, false, 300, 1, 200],
        [true, true, 300, 3, 200],
        [false, false, 128, 10, 512], // a classifier head and its backward
        [true, false, 512, 10, 128],
        [false, true, 128, 10, 512],
        [true, false, 784, 256, 1], // outer product (K = 1)
        [false, false, 200, 300, 2],
        [false, true, 5, 7, 31], // dot path lengths around the vector width
        [false, true, 5, 7, 33],
        [false, false, 33, 5, 17],
        [false, false, 2, 3, 4],
      ];
      const scalings = [
        { alpha: 1, beta: 0 },
        { alpha: 2, beta: -0.5 },
      ];
      const cases = shapes.flatMap((shape) =>
        scalings.map((scaling) => gemmCase(shape, { ...scaling, bOff: 2, padA: 1, padC: 1 })),
      );
      checkEach(addon, name, ctor, cases, 900);
    });

    it('runs the training shapes (MLP layers, their backward, convolutions as GEMM)', () => {
      // One at full size (a 784-512 layer at batch 128), the rest cut down along their longest side.
      const shapes: Shape[] = [
        [false, true, 128, 512, 784],
        [true, false, 784, 100, 128],
        [false, false, 128, 100, 512],
        [false, false, 64, 130, 576],
        [false, true, 64, 576, 130],
        [true, false, 576, 130, 64],
      ];
      const cases = shapes.map((shape) => gemmCase(shape));
      checkEach(addon, name, ctor, cases, 1300);
    });

    it("reads op(A) in place for narrow products, with the packed path's bits", () => {
      // A block of at most two column panels (64 float32 / 32 float64 columns with AVX-512) reads op(A) where it is
      // instead of packing it: ResNet-18's last convolutions (512 x 4608 weights against 49 columns) and their
      // transpose for the input's gradient, cut down. The same columns of a wide product, whose A is packed, must
      // come out bit for bit the same; so must a last panel one vector wide, which a half-width tile computes.
      const shapes: [number, number, number][] = [
        [100, 49, 300],
        [47, 17, 600],
        [29, 64, 257],
        [15, 33, 40],
        [40, 16, 300], // one vector wide (AVX-512 float32): the half-width tile
        [31, 7, 100],
      ];
      const wideN = 200;
      let seed = 1700;
      for (const transA of [false, true]) {
        for (const [M, N, K] of shapes) {
          const more: Partial<Case> = { alpha: 2, beta: -0.5, aOff: 1, padA: 5, padB: wideN - N, padC: 3 };
          const c = gemmCase([transA, false, M, N, K], more);
          const o = check(addon, name, ctor, c, seed++);
          const wideLd = wideN + c.padC;
          const wideC = new ctor(c.cOff + M * wideLd + 3);
          for (let i = 0; i < M; i++)
            for (let j = 0; j < N; j++) wideC[c.cOff + i * wideLd + j] = o.C[c.cOff + i * o.ldc + j];
          const [narrow] = runOnThreads(addon, [1], c, o);
          atThreadCounts(addon, [1], () => run(addon, { ...c, N: wideN, padB: 0 }, { ...o, ldc: wideLd }, wideC));
          for (let i = 0; i < M; i++) {
            const got = narrow.subarray(c.cOff + i * o.ldc, c.cOff + i * o.ldc + N);
            const packed = wideC.subarray(c.cOff + i * wideLd, c.cOff + i * wideLd + N);
            expect(sameBits(got, packed), `${describeCase(c)}: row ${i} differs from the wide product's`).toBe(true);
          }
        }
      }
    });
  });
});
