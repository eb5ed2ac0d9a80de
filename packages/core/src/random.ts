/**
 * Random number generation: a seedable `Generator` (torch.Generator), the default generator and seeding. The
 * sampling kernels built on it (uniform_, normal_, randint, randperm, bernoulli_) are in sampling.ts.
 *
 * The bit source is Richard Brent's xorgens xor4096 from seedrandom (`seedrandom/lib/xor4096.js`, which runs in
 * browsers: the package's main file needs Node's `crypto`). It is a 4096-bit xorshift generator combined with a
 * Weyl sequence, period 2^4096 - 1 (times 2^32), built for Monte-Carlo work and clean on the usual statistical
 * test batteries. Every sample below is built from its 32-bit words:
 *
 *   nextUint32   one word
 *   nextDouble   two words, 27 + 26 bits, k / 2^53 for k uniform in [0, 2^53)
 *   nextFloat32  one word, its top 24 bits, k / 2^24: exact in float32, at most 1 - 2^-24
 *   nextInt      rejection sampling, so every value in [low, high) is exactly equally likely
 *   nextNormal   Box–Muller on two doubles; the second value of each pair is cached (and saved with the state)
 *
 * Streams are reproducible across platforms (the generator is pure 32-bit integer arithmetic), but they are not
 * PyTorch's streams: PyTorch uses mt19937, so the same seed gives different numbers here.
 */

import xor4096 from 'seedrandom/lib/xor4096.js';
import { RuntimeError, TorchTypeError } from './errors.js';
import {
  XOR4096_INDEX,
  XOR4096_STATE_LENGTH,
  XOR4096_WEYL,
  XOR4096_WORDS,
  xor4096Next,
} from './kernels/random-bits.js';

/** PyTorch's default seed (c10::default_rng_seed_val), so that runs are reproducible unless reseeded. */
export const DEFAULT_RNG_SEED = 67280421310721;

const TWO_POW_32 = 0x100000000;
const TWO_POW_53 = 9007199254740992;
export const FLOAT32_MAX = 3.4028234663852886e38;

// ---------------------------------------------------------------------------------------------------------------
// State serialisation. Little-endian, fixed size:
//   0..3     magic 'KRNG'         4..7     format version (1)
//   8..15    seed (uint64)        16..19   xor4096 index i (0..127)    20..23   Weyl word w (int32)
//   24..535  xor4096 words X[0..127] (int32)
//   536      1 if a normal sample is cached, else 0   537..543 zero
//   544..551 the cached normal sample (float64)
// ---------------------------------------------------------------------------------------------------------------

const STATE_MAGIC = 0x474e524b; // 'KRNG' read as a little-endian uint32
const STATE_VERSION = 1;
const OFFSET_SEED = 8;
const OFFSET_INDEX = 16;
const OFFSET_WEYL = 20;
const OFFSET_WORDS = 24;
const OFFSET_HAS_NORMAL = OFFSET_WORDS + 4 * XOR4096_WORDS;
const OFFSET_NORMAL = OFFSET_HAS_NORMAL + 8;
const STATE_SIZE = OFFSET_NORMAL + 8;

/** Turns a seed into the uint64 PyTorch stores: negative int64 seeds wrap, anything outside int64/uint64 fails. */
function toSeed64(seed: number | bigint): bigint {
  if (typeof seed === 'number' && !Number.isInteger(seed)) {
    throw new TorchTypeError(`manual_seed expected an integer seed, but got ${seed}`);
  }
  if (typeof seed !== 'number' && typeof seed !== 'bigint') {
    throw new TorchTypeError(`manual_seed expected a number or bigint, but got ${typeof seed}`);
  }
  const value = BigInt(seed);
  if (value < -(1n << 63n) || value >= 1n << 64n) throw new RuntimeError('Overflow when unpacking long');
  return BigInt.asUintN(64, value);
}

/** A non-deterministic 53-bit seed (exactly representable as a number). */
function freshSeed(): number {
  const high = Math.floor(Math.random() * 0x200000); // 21 bits
  const low = Math.floor(Math.random() * TWO_POW_32); // 32 bits
  return high * TWO_POW_32 + low;
}

/** torch.Generator for the CPU: a seedable stream of random numbers whose position can be saved and restored. */
export class Generator {
  /** xor4096's words, index and Weyl word (kernels/random-bits.ts), advanced in place by every draw. */
  private readonly bits = new Int32Array(XOR4096_STATE_LENGTH);
  private seed64 = 0n;
  private hasCachedNormal = false;
  private cachedNormal = 0;

  constructor() {
    this.manualSeed(DEFAULT_RNG_SEED);
  }

  /** Re-seeds the generator: the same seed always restarts the same stream. Negative seeds wrap to uint64. */
  manualSeed(seed: number | bigint): this {
    this.seed64 = toSeed64(seed);
    // xor4096 takes int32 seeds directly and mixes string seeds character by character into its whole state;
    // the decimal string carries all 64 bits of the seed.
    const seeded = xor4096(this.seed64.toString(), { state: true }).state();
    this.bits.set(seeded.X);
    this.bits[XOR4096_INDEX] = seeded.i;
    this.bits[XOR4096_WEYL] = seeded.w;
    this.hasCachedNormal = false;
    this.cachedNormal = 0;
    return this;
  }

  /**
   * The seed the stream started from (torch.Generator.initial_seed). Seeds above 2^53 come back rounded to the
   * nearest double.
   */
  initialSeed(): number {
    return Number(this.seed64);
  }

  /** Re-seeds from a non-deterministic source and returns the new seed. */
  seed(): number {
    const fresh = freshSeed();
    this.manualSeed(fresh);
    return fresh;
  }

  /** A snapshot of the exact stream position (including a cached normal sample and the seed). */
  getState(): Uint8Array {
    const bytes = new Uint8Array(STATE_SIZE);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, STATE_MAGIC, true);
    view.setUint32(4, STATE_VERSION, true);
    view.setBigUint64(OFFSET_SEED, this.seed64, true);
    view.setUint32(OFFSET_INDEX, this.bits[XOR4096_INDEX], true);
    view.setInt32(OFFSET_WEYL, this.bits[XOR4096_WEYL], true);
    for (let k = 0; k < XOR4096_WORDS; k++) view.setInt32(OFFSET_WORDS + 4 * k, this.bits[k], true);
    view.setUint8(OFFSET_HAS_NORMAL, this.hasCachedNormal ? 1 : 0);
    view.setFloat64(OFFSET_NORMAL, this.hasCachedNormal ? this.cachedNormal : 0, true);
    return bytes;
  }

  /** Restores a state from `getState()`; the stream continues exactly where it was when the state was taken. */
  setState(state: Uint8Array): this {
    if (!(state instanceof Uint8Array)) {
      throw new TorchTypeError('expected a Uint8Array generator state');
    }
    if (state.length !== STATE_SIZE) {
      throw new RuntimeError(
        `Expected a generator state of size ${STATE_SIZE} but found the input RNG state size to be ${state.length}`,
      );
    }
    const view = new DataView(state.buffer, state.byteOffset, state.byteLength);
    const index = view.getUint32(OFFSET_INDEX, true);
    const hasNormal = view.getUint8(OFFSET_HAS_NORMAL);
    if (
      view.getUint32(0, true) !== STATE_MAGIC ||
      view.getUint32(4, true) !== STATE_VERSION ||
      index >= XOR4096_WORDS ||
      hasNormal > 1
    ) {
      throw new RuntimeError('Invalid generator state: it was not produced by Generator.getState()');
    }
    for (let k = 0; k < XOR4096_WORDS; k++) this.bits[k] = view.getInt32(OFFSET_WORDS + 4 * k, true);
    this.bits[XOR4096_INDEX] = index;
    this.bits[XOR4096_WEYL] = view.getInt32(OFFSET_WEYL, true);
    this.seed64 = view.getBigUint64(OFFSET_SEED, true);
    this.hasCachedNormal = hasNormal === 1;
    this.cachedNormal = this.hasCachedNormal ? view.getFloat64(OFFSET_NORMAL, true) : 0;
    return this;
  }

  /** A uniform integer in [0, 2^32). */
  nextUint32(): number {
    return xor4096Next(this.bits) >>> 0;
  }

  /**
   * @internal The bit state itself, for a kernel that draws many words at once and advances it in place (the
   * backends' `bernoulliFill`); the stream then continues where the kernel left it.
   */
  _bitState(): Int32Array {
    return this.bits;
  }

  /** Uniform in [0, 1) with 53 random bits: k / 2^53 for k uniform in [0, 2^53). */
  nextDouble(): number {
    const high = xor4096Next(this.bits) >>> 5; // 27 bits
    const low = xor4096Next(this.bits) >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /** Uniform in [0, 1) on the float32 grid: k / 2^24 for k uniform in [0, 2^24). Never 1 after rounding. */
  nextFloat32(): number {
    return (xor4096Next(this.bits) >>> 8) / 16777216;
  }

  /** A standard normal sample (Box–Muller; the pair's second value is returned by the next call). */
  nextNormal(): number {
    if (this.hasCachedNormal) {
      this.hasCachedNormal = false;
      return this.cachedNormal;
    }
    const u1 = 1 - this.nextDouble(); // in (0, 1], so the log is finite
    const u2 = this.nextDouble();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.cachedNormal = radius * Math.sin(theta);
    this.hasCachedNormal = true;
    return radius * Math.cos(theta);
  }

  /** A uniform integer in [low, high), exactly unbiased; high - low may be up to 2^53. */
  nextInt(low: number, high: number): number {
    checkIntegerRange(low, high);
    return low + this.below(high - low);
  }

  /** Uniform in [0, range) for an integer 1 <= range <= 2^53, by rejection so no value is favoured. */
  private below(range: number): number {
    if (range <= TWO_POW_32) {
      // Accept the largest multiple of `range` below 2^32 and reduce it: every residue is then equally likely.
      const limit = TWO_POW_32 - (TWO_POW_32 % range);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return x % range;
    }
    // Draw just enough bits (33..53) for `range` and retry values past it: fewer than two tries on average.
    let bits = 33;
    while (2 ** bits < range) bits++;
    const highShift = 64 - bits; // the high word keeps its top (bits - 32) bits
    for (;;) {
      const high = this.nextUint32() >>> highShift;
      const x = high * TWO_POW_32 + this.nextUint32();
      if (x < range) return x;
    }
  }
}

/** Checks integer bounds for nextInt/randint: both integers, low < high, and high - low at most 2^53. */
export function checkIntegerRange(low: number, high: number): void {
  if (!Number.isInteger(low) || !Number.isInteger(high)) {
    throw new TorchTypeError(`random_ expects integer bounds, but got from=${low} and to=${high}`);
  }
  if (low >= high) {
    throw new RuntimeError(
      `random_ expects 'from' to be less than 'to', but got from=${formatInt(low)} >= to=${formatInt(high)}`,
    );
  }
  if (Math.abs(low) > TWO_POW_53 || Math.abs(high) > TWO_POW_53 || high - low > TWO_POW_53) {
    throw new RuntimeError(
      `random_ supports 'from' and 'to' within [-2^53, 2^53] and to - from <= 2^53, but got from=${formatInt(low)} ` +
        `and to=${formatInt(high)}`,
    );
  }
}

/** The generator used when none is passed (torch.default_generator). */
export const defaultGenerator: Generator = new Generator();

/** torch.manual_seed: seeds the default generator and returns it. A fractional seed is truncated, like int(). */
export function manualSeed(seed: number | bigint): Generator {
  const whole = typeof seed === 'number' && Number.isFinite(seed) ? Math.trunc(seed) : seed;
  return defaultGenerator.manualSeed(whole);
}

/** torch.initial_seed: the seed the default generator started from. */
export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}

/** torch.seed: re-seeds the default generator non-deterministically and returns the seed. */
export function seed(): number {
  return defaultGenerator.seed();
}

/** torch.get_rng_state: the default generator's state. */
export function getRngState(): Uint8Array {
  return defaultGenerator.getState();
}

/** torch.set_rng_state: restores the default generator's state. */
export function setRngState(state: Uint8Array): void {
  defaultGenerator.setState(state);
}

// ---------------------------------------------------------------------------------------------------------------
// Message formatting and float steps
// ---------------------------------------------------------------------------------------------------------------

/** An integer as int64 prints it. */
export function formatInt(x: number): string {
  return Number.isSafeInteger(x) ? String(x) : Number.isInteger(x) ? BigInt(x).toString() : String(x);
}
