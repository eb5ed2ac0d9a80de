// The native binary ops (add with alpha, sub, mul, div, ...) and strided copies against their TypeScript references,
// bit for bit at any thread count: every size and offset, broadcast, permuted and padded strides in up to four
// dims, chunks of the work that start mid-row, and outputs in place on an operand.
import { expect, it } from 'vitest';
import { rng } from '../../core/test/helpers/rng.js';
import { expectSame } from '../../core/test/helpers/same-values.js';
import { FLOAT_TYPES, describeAddon } from './built-addon.js';
import { SIZES, expectReferenceBits, fill, layoutOf, native, reference } from './elementwise-addon.js';

describeAddon(native, 'native binary', (addon) => {
  it('1-D runs: every size, offsets, every innermost stride pattern, bit for bit with TypeScript at any thread count', () => {
    const patterns: [number, number][] = [
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
      [2, 1],
      [1, 3],
    ];
    for (const [name, T] of FLOAT_TYPES) {
      for (const n of SIZES) {
        for (const [sa, sb] of patterns) {
          const aOff = n % 3;
          const bOff = (n + 1) % 2;
          const outOff = n % 5;
          const a = fill(new T(aOff + Math.max(0, (n - 1) * sa + 1) + 1), n * 7 + sa);
          const b = fill(new T(bOff + Math.max(0, (n - 1) * sb + 1)), n * 11 + sb);
          const layout = layoutOf([n], [sa], [sb]);
          for (let op = 0; op < 7; op++) {
            for (const alpha of op === 0 ? [1, -2.5] : [0.75]) {
              const what = `${name} op ${op} alpha ${alpha} n ${n} strides (${sa}, ${sb})`;
              expectReferenceBits(
                addon,
                () => new T(outOff + n + 2).fill(-3),
                (k, out) => k.binary(op, a, aOff, b, bOff, out, outOff, layout, alpha),
                what,
              );
            }
          }
        }
      }
    }
  });

  it('2-4 dims with broadcasting in any dim, permuted and padded strides, partial rows at chunk edges', () => {
    const r = rng(42);
    for (const [name, T] of FLOAT_TYPES) {
      for (let trial = 0; trial < 80; trial++) {
        const nd = 2 + (trial % 3);
        const big = trial % 8 === 0; // past the threading grain, so chunks start mid-row
        const shape = Array.from({ length: nd }, (_, d) => 1 + Math.floor(r() * (big ? (d === nd - 1 ? 37 : 29) : 9)));
        const strides = (bcastP: number): { s: number[]; extent: number } => {
          const dims = shape.map((_, d) => d);
          if (r() < 0.5)
            for (let i = nd - 1; i > 0; i--) {
              const j = Math.floor(r() * (i + 1));
              [dims[i], dims[j]] = [dims[j], dims[i]];
            }
          const s = new Array<number>(nd).fill(0);
          let step = 1;
          for (let k = nd - 1; k >= 0; k--) {
            const d = dims[k];
            if (r() < bcastP) continue;
            s[d] = step;
            step *= shape[d] + (r() < 0.25 ? 2 : 0);
          }
          return { s, extent: 1 + shape.reduce((acc, n, d) => acc + (n - 1) * s[d], 0) };
        };
        const A = strides(0.25);
        const B = strides(0.4);
        const n = shape.reduce((x, y) => x * y, 1);
        const a = fill(new T(A.extent + 3), trial);
        const b = fill(new T(B.extent + 1), trial + 1000);
        const layout = layoutOf(shape, A.s, B.s);
        for (let op = 0; op < 7; op++) {
          const alpha = op === 0 && trial % 2 ? 0.1 : 1;
          const what = `${name} op ${op} shape [${shape}] a ${A.s} b ${B.s}`;
          expectReferenceBits(
            addon,
            () => new T(n + 1),
            (k, out) => k.binary(op, a, 3, b, 1, out, 1, layout, alpha),
            what,
          );
        }
      }
    }
  });

  it('works in place on an operand', () => {
    for (const [name, T] of FLOAT_TYPES) {
      const n = 70001;
      const a = fill(new T(n), 1);
      const b = fill(new T(n), 2);
      const expected = new T(n);
      reference.binary(0, a, 0, b, 0, expected, 0, layoutOf([n], [1], [1]), 0.5);
      addon.binary(0, a, 0, b, 0, a, 0, layoutOf([n], [1], [1]), 0.5);
      expectSame(a, expected, `${name} in place`);
    }
  });
});

describeAddon(native, 'native copy', (addon) => {
  it('gathers 1-4 dims of permuted, padded and broadcast strides into a contiguous run, bit for bit at any thread count', () => {
    const r = rng(7);
    for (const [name, T] of FLOAT_TYPES) {
      for (let trial = 0; trial < 60; trial++) {
        const nd = 1 + (trial % 4);
        const big = trial % 6 === 0; // past the threading grain
        const shape = Array.from({ length: nd }, () => 1 + Math.floor(r() * (big ? 41 : 9)));
        const dims = shape.map((_, d) => d);
        for (let i = nd - 1; i > 0; i--) {
          const j = Math.floor(r() * (i + 1));
          [dims[i], dims[j]] = [dims[j], dims[i]];
        }
        const strides = new Array<number>(nd).fill(0);
        let step = 1 + (trial % 3 === 0 ? 1 : 0);
        for (let k = nd - 1; k >= 0; k--) {
          if (r() < 0.15) continue; // broadcast
          strides[dims[k]] = step;
          step *= shape[dims[k]] + (r() < 0.25 ? 3 : 0);
        }
        const extent = 1 + shape.reduce((acc, n, d) => acc + (n - 1) * strides[d], 0);
        const x = fill(new T(extent + 5), trial);
        const n = shape.reduce((a, b) => a * b, 1);
        const layout = layoutOf(shape, strides, new Array<number>(nd).fill(0));
        const what = `${name} shape [${shape}] strides ${strides}`;
        expectReferenceBits(
          addon,
          () => new T(n + 2),
          (k, out) => k.copy(x, 5, out, 2, layout),
          what,
        );
      }
    }
  });

  it('refuses an output that overlaps its source other than exactly', () => {
    const x = new Float32Array(100);
    expect(() => addon.copy(x, 0, x, 1, layoutOf([50], [1], [0]))).toThrow(
      "argument 'out' must be either 'x' itself or apart from it",
    );
    addon.copy(x, 0, x, 0, layoutOf([50], [1], [0]));
  });
});
