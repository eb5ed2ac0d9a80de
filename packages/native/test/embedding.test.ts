// The native embedding entries against their TypeScript references, core's kernels/embedding.ts: the same rows and
// the same table gradient bit for bit (repeated indices summed in index order, the padding row skipped, int64 and
// int32 indices) at any thread count; and every bad argument, an index out of range included, throwing before
// anything is written.
import { describe, expect, it } from 'vitest';
import * as reference from '../../core/src/kernels/embedding.js';
import { expectSame, fillSalted } from '../../core/test/helpers/same-values.js';
import { rng } from '../../core/test/helpers/rng.js';
import { FLOAT_TYPES, THREAD_COUNTS, builtAddon, threadsRestoredAfterAll } from './built-addon.js';

type Entries = Pick<typeof reference, 'embeddingForward' | 'embeddingBackward'>;
const { addon, reason } = builtAddon<Entries>();
const present = addon?.embeddingForward !== undefined && addon.embeddingBackward !== undefined;
const initialThreads = threadsRestoredAfterAll(addon);

/** [num, dim, n]: empty tables and lookups, one column, dims around the 16-column chunks, many repeats. */
const SHAPES = [
  [1, 1, 0],
  [0, 5, 0],
  [3, 0, 4],
  [1, 1, 9],
  [7, 3, 20],
  [10, 17, 33],
  [50, 64, 500],
  [1000, 300, 2000],
  [3, 1000, 4000],
];

function indicesOf(kind: 'int64' | 'int32', n: number, num: number, seed: number): Float64Array | Int32Array {
  const next = rng(seed);
  const a = kind === 'int64' ? new Float64Array(n) : new Int32Array(n);
  for (let k = 0; k < n; k++) a[k] = Math.floor(next() * num);
  return a;
}

describe.skipIf(!present)(
  `native embedding entries${present ? '' : ` (skipped: ${addon ? 'not built with them' : reason})`}`,
  () => {
    const native = addon as Entries & { setNumThreads(n: number): void };

    it('look up the reference rows and sum the reference gradient bit for bit at any thread count', () => {
      let seed = 1;
      for (const [name, T] of FLOAT_TYPES) {
        for (const [num, dim, n] of SHAPES) {
          for (const kind of ['int64', 'int32'] as const) {
            const indices = indicesOf(kind, n, num, seed++);
            const weight = fillSalted(new T(num * dim), seed++, [NaN, Infinity, -0], 0.01, 3);
            const gy = fillSalted(new T(n * dim), seed++, [NaN, -Infinity, -0], 0.01, 3);
            const padding = num > 2 ? 2 : -1;
            const what = `${name} [${num}, ${dim}] x ${n} ${kind} indices`;
            const rows = new T(n * dim).fill(7);
            reference.embeddingForward(weight, num, dim, indices, n, rows);
            const grad = new T(num * dim).fill(7);
            reference.embeddingBackward(gy, indices, n, num, dim, padding, grad);
            for (const t of THREAD_COUNTS) {
              native.setNumThreads(t);
              const gotRows = new T(n * dim).fill(9);
              native.embeddingForward(weight, num, dim, indices, n, gotRows);
              expectSame(gotRows, rows, `${what} rows, ${t} threads`);
              const gotGrad = new T(num * dim).fill(9);
              native.embeddingBackward(gy, indices, n, num, dim, padding, gotGrad);
              expectSame(gotGrad, grad, `${what} gradient, ${t} threads`);
            }
            native.setNumThreads(initialThreads);
          }
        }
      }
    });

    it('sums repeated rows in index order and leaves the padding row at zero', () => {
      const gy = Float32Array.of(1e8, 1, 1, -1e8, 5, 6);
      const indices = Float64Array.of(0, 0, 1, 0, 1, 2);
      const gw = new Float32Array(3).fill(9);
      native.embeddingBackward(gy, indices, 6, 3, 1, 1, gw);
      // Row 0 sums (1e8 + 1) - 1e8 in index order: 1e8 + 1 rounds back to 1e8 in float32, so the 1 is lost.
      expectSame(gw, [0, 0, 6], 'gradient');
    });

    const w = new Float32Array(12);
    const out = new Float32Array(8);
    const cases: [string, (k: Entries) => void][] = [
      ['an index past the table', (k) => k.embeddingForward(w, 3, 4, Float64Array.of(0, 3), 2, out)],
      ['a negative index', (k) => k.embeddingForward(w, 3, 4, Int32Array.of(-1, 0), 2, out)],
      ['a NaN index', (k) => k.embeddingBackward(out, Float64Array.of(NaN, 0), 2, 3, 4, -1, w)],
      ['indices too short', (k) => k.embeddingForward(w, 3, 4, Float64Array.of(0), 2, out)],
      ['indices of float32', (k) => k.embeddingForward(w, 3, 4, new Float32Array(2) as unknown as Int32Array, 2, out)],
      ['the table past its array', (k) => k.embeddingForward(w, 4, 4, Float64Array.of(0, 1), 2, out)],
      ['out too short', (k) => k.embeddingForward(w, 3, 4, Float64Array.of(0, 1), 3, out)],
      ['out of another type', (k) => k.embeddingForward(w, 3, 4, Float64Array.of(0, 1), 2, new Float64Array(8))],
      ['out overlapping the table', (k) => k.embeddingForward(w, 3, 4, Float64Array.of(0, 1), 1, w.subarray(8))],
      ['gw overlapping gy', (k) => k.embeddingBackward(w, Float64Array.of(0, 1), 2, 2, 4, -1, w.subarray(4))],
      ['a padding index below -1', (k) => k.embeddingBackward(out, Float64Array.of(0, 1), 2, 3, 4, -2, w)],
      ['a fractional dim', (k) => k.embeddingForward(w, 3, 1.5, Float64Array.of(0, 1), 2, out)],
    ];

    it.each(cases)('%s throws, as the TypeScript kernel does, without writing', (_name, call) => {
      out.fill(5);
      w.fill(4);
      expect(() => call(native)).toThrow();
      expect(() => call(reference)).toThrow();
      expectSame(out, new Float32Array(8).fill(5), 'out untouched');
      expectSame(w, new Float32Array(12).fill(4), 'table untouched');
    });
  },
);
