/**
 * The random bit source of every Generator, Brent's xorgens xor4096 as seedrandom computes it
 * (`seedrandom/lib/xor4096.js`, whose seeding random.ts still uses), over a state held in one Int32Array so that a
 * kernel backend can advance it in place; and the reference implementation of the backends' `bernoulliFill` entry.
 */
import { checkFloatArray, checkInt, checkNumber, overlaps } from './argument-checks.js';
import type { FloatArray } from './gemm.js';

/** The state's layout: the 128 words X, then the index i (0..127), then the Weyl word w. */
export const XOR4096_WORDS = 128;
export const XOR4096_INDEX = 128;
export const XOR4096_WEYL = 129;
export const XOR4096_STATE_LENGTH = 130;

/** The next 32-bit word (as an int32), advancing the state: seedrandom's `XorGen.next`, step for step. */
export function xor4096Next(state: Int32Array): number {
  const w = (state[XOR4096_WEYL] + 0x61c88647) | 0;
  state[XOR4096_WEYL] = w;
  const i = (state[XOR4096_INDEX] + 1) & 127;
  let v = state[(state[XOR4096_INDEX] + 34) & 127];
  let t = state[i];
  v ^= v << 13;
  t ^= t << 17;
  v ^= v >>> 15;
  t ^= t >>> 12;
  v ^= t;
  state[i] = v;
  state[XOR4096_INDEX] = i;
  return (v + (w ^ (w >>> 16))) | 0;
}

/** bernoulliFill's checks, before the state or `out` is touched. */
export function checkBernoulliFill(...args: Parameters<typeof bernoulliFill>): void {
  const [state, out, n, threshold, value] = args;
  if (!(state instanceof Int32Array) || state.length !== XOR4096_STATE_LENGTH)
    throw new TypeError(`argument 'state' must be an Int32Array of ${XOR4096_STATE_LENGTH} words`);
  checkInt(state[XOR4096_INDEX], 'state[128]', 0, 127);
  checkFloatArray(out, 'out');
  checkInt(n, 'n', 0);
  checkNumber(threshold, 'threshold');
  checkNumber(value, 'value');
  if (n > out.length) throw new RangeError(`argument 'out': ${n} elements do not fit in an array of ${out.length}`);
  if (overlaps(out, 0, n, state, 0, XOR4096_STATE_LENGTH))
    throw new RangeError("argument 'out' must not overlap 'state'");
}

/**
 * out[k] = value where the k-th word drawn (as an unsigned integer) is below `threshold`, else 0, for k < n: a
 * Bernoulli(threshold / 2^32) sample scaled by `value` (1 for `bernoulli_`, 1 / (1 - p) for a dropout mask), one
 * word per element, in order.
 */
export function bernoulliFill(state: Int32Array, out: FloatArray, n: number, threshold: number, value: number): void {
  checkBernoulliFill(state, out, n, threshold, value);
  for (let k = 0; k < n; k++) out[k] = xor4096Next(state) >>> 0 < threshold ? value : 0;
}
