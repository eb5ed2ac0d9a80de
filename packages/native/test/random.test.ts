// The native `bernoulliFill` entry against its TypeScript reference, core's kernels/random-bits.ts: the same samples
// bit for bit from the same Generator state, which both advance to the same words; and every bad argument
// throwing before the state or the output is touched.
import { describe, expect, it } from 'vitest';
import * as reference from '../../core/src/kernels/random-bits.js';
import { Generator } from '../../core/src/random.js';
import { expectSame } from '../../core/test/helpers/same-values.js';
import { FLOAT_TYPES, builtAddon } from './built-addon.js';

const { addon, reason } = builtAddon<{ bernoulliFill: typeof reference.bernoulliFill }>();
const bernoulliFill = addon?.bernoulliFill;

function stateOf(seed: number): Int32Array {
  return new Generator().manualSeed(seed)._bitState().slice();
}

describe.skipIf(bernoulliFill === undefined)(
  `native bernoulliFill${bernoulliFill === undefined ? ` (skipped: ${addon ? 'no bernoulliFill entry' : reason})` : ''}`,
  () => {
    const native = bernoulliFill as typeof reference.bernoulliFill;

    it('draws the reference samples and leaves the state where the reference leaves it', () => {
      let seed = 1;
      for (const [name, T] of FLOAT_TYPES) {
        for (const n of [0, 1, 127, 128, 129, 1000, 100_003]) {
          for (const [threshold, value] of [
            [0, 1],
            [2 ** 32, 1],
            [0.5 * 2 ** 32, 2],
            [0.9 * 2 ** 32 + 0.5, 1 / 0.9],
            [12345.25, -3],
          ]) {
            const what = `${name} n ${n} threshold ${threshold}`;
            const start = stateOf(seed++);
            const refState = start.slice();
            const want = new T(n + 1).fill(7);
            reference.bernoulliFill(refState, want, n, threshold, value);
            const gotState = start.slice();
            const got = new T(n + 1).fill(7);
            native(gotState, got, n, threshold, value);
            expectSame(got, want, what);
            expectSame(gotState, refState, `${what}: state`);
          }
        }
      }
    });

    it('draws the words the Generator itself draws next', () => {
      const g = new Generator().manualSeed(7);
      const twin = new Generator().manualSeed(7);
      const out = new Float64Array(5000);
      native(g._bitState(), out, 5000, 2 ** 31, 1);
      for (let k = 0; k < 5000; k++) expect(out[k]).toBe(twin.nextUint32() < 2 ** 31 ? 1 : 0);
      expect(g.nextUint32()).toBe(twin.nextUint32());
    });

    const out = new Float32Array(8);
    const cases: [string, (k: typeof reference.bernoulliFill) => void][] = [
      ['a state of the wrong length', (k) => k(new Int32Array(129), out, 8, 1, 1)],
      ['a state of another type', (k) => k(new Float64Array(130) as unknown as Int32Array, out, 8, 1, 1)],
      [
        'a state index past 127',
        (k) =>
          k(
            Int32Array.from({ length: 130 }, (_, i) => (i === 128 ? 128 : i)),
            out,
            8,
            1,
            1,
          ),
      ],
      [
        'a negative state index',
        (k) =>
          k(
            Int32Array.from({ length: 130 }, (_, i) => (i === 128 ? -1 : i)),
            out,
            8,
            1,
            1,
          ),
      ],
      ['out too short', (k) => k(stateOf(1), out, 9, 1, 1)],
      ['out not a float array', (k) => k(stateOf(1), new Int32Array(8) as unknown as Float32Array, 8, 1, 1)],
      ['a fractional count', (k) => k(stateOf(1), out, 2.5, 1, 1)],
      ['a threshold that is not a number', (k) => k(stateOf(1), out, 8, '1' as unknown as number, 1)],
      [
        'out sharing memory with the state',
        (k) => {
          const buffer = new ArrayBuffer(1024);
          const state = new Int32Array(buffer, 0, 130);
          state[128] = 0;
          k(state, new Float32Array(buffer, 400, 8), 8, 1, 1);
        },
      ],
    ];

    it.each(cases)('%s throws, as the TypeScript kernel does, without drawing', (_name, call) => {
      out.fill(5);
      expect(() => call(native)).toThrow();
      expect(() => call(reference.bernoulliFill)).toThrow();
      expectSame(out, new Float32Array(8).fill(5), 'out untouched');
    });
  },
);
